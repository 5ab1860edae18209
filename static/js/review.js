// The issue page's keyboard: J/K (or ↓/↑) next/previous record, C confirm, R reject, E edit,
// M merge into the first suggestion, / search the picker, L save a batch's members, Shift+A
// confirm the whole article. A key presses the record's own button (data-key), so the same
// form is posted as a click would post it (htmx swaps the article's list in place; without
// htmx it is an ordinary form post). After an action the focus goes to the next record still
// pending, so an editor who agrees with the parser presses C, C, C … No inline script.
(function () {
  "use strict";
  const ITEMS = "li.candidate";

  function items() {
    return Array.from(document.querySelectorAll(ITEMS));
  }

  function current() {
    const active = document.activeElement;
    return active ? active.closest(ITEMS) : null;
  }

  function focusItem(item) {
    if (!item) return;
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = items();
    if (!all.length) return;
    const index = all.indexOf(current());
    const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(index + step, 0), all.length - 1);
    focusItem(all[next]);
  }

  function press(item, key) {
    const target = item && item.querySelector('[data-key="' + key + '"]');
    if (!target) return false;
    if (target.tagName === "INPUT") {
      target.focus();
    } else {
      target.click();
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const field = event.target.closest("input, textarea, select, [contenteditable]");
    const ticks = field && (field.type === "checkbox" || field.type === "radio");
    if (field && !ticks) {
      if (event.key === "Escape") {
        const item = field.closest(ITEMS);
        field.blur();
        focusItem(item);
      }
      return;
    }
    const item = current();
    let done = true;
    switch (event.key) {
      case "j": case "ArrowDown": move(1); break;
      case "k": case "ArrowUp": move(-1); break;
      case "c": done = press(item, "c"); break;
      case "r": done = press(item, "r"); break;
      case "e": done = press(item, "e"); break;
      case "m": done = press(item, "m"); break;
      case "l": done = press(item, "l"); break;
      case "/": done = press(item, "/"); break;
      case "A": {
        const list = item ? item.closest(".review-list") : document.querySelector(".review-list");
        done = press(list, "A");
        break;
      }
      default: done = false;
    }
    if (done) event.preventDefault();
  });

  // After htmx put an article's list (or an edit form) in place: keep the editor's place.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    const swapped = event.detail.elt;
    if (!swapped) return;
    const list = document.getElementById(swapped.id) || swapped;
    if (list.classList && list.classList.contains("editing")) {
      const first = list.querySelector("input, textarea, select");
      if (first) first.focus();
      return;
    }
    const fresh = list.classList && list.classList.contains("review-list") ? list : null;
    if (!fresh) return;
    const acted = fresh.dataset.focus && document.getElementById("item-" + fresh.dataset.focus);
    const all = items();
    const start = acted ? all.indexOf(acted) : -1;
    const pending = all.slice(start + 1).find((el) => el.classList.contains("pending"));
    focusItem(pending || acted || fresh.querySelector(ITEMS));
  });

  // Start on the first record still pending.
  const first = items().find((el) => el.classList.contains("pending"));
  if (first && !window.location.hash) focusItem(first);
})();
