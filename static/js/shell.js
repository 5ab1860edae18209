// The page shell's one enhancement. The header menu and the filter panels are <details> elements
// sent closed, so that a phone shows one line for each; on a wide screen CSS keeps them open
// (::details-content), which needs no script. Opening them for real here as well tells every
// browser and screen reader what a sighted user sees; they close again when the window narrows
// (a menu left open on a phone would lie over the page).
(function () {
  "use strict";
  if (!window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 901px)");
  var panels = document.querySelectorAll("details.menu, details.filters-toggle, details.filters-horizontal");
  function follow() {
    panels.forEach(function (panel) { panel.open = wide.matches; });
  }
  if (wide.matches) follow();
  wide.addEventListener("change", follow);
})();
