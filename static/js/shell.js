// The page shell's one enhancement. The header menu and the filter panels are <details> elements
// sent closed, so that a phone shows one line for each; on a wide screen CSS keeps them open
// (::details-content), which needs no script. Opening them for real here as well tells every
// browser and screen reader what a sighted user sees: the menu and the filters, expanded.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 901px)").matches) return;
  document.querySelectorAll("details.menu, details.filters-toggle, details.filters-horizontal").forEach(function (panel) {
    panel.open = true;
  });
})();
