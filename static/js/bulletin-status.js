// Polls a bulletin's parse status and reloads the page once the parse ends,
// so editors never press refresh (and once it has gone silent: its worker died, the page
// then offers "re-queue"). No inline script: the URL comes from a data attribute.
(function () {
  "use strict";
  const box = document.getElementById("bulletin-status");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const running = (status) => status === "queued" || status === "parsing";
  if (!running(box.dataset.status)) return;

  function show(data) {
    box.querySelector('[data-field="status_label"]').textContent = data.status_label;
    const bar = box.querySelector('[data-field="progress"]');
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    box.querySelector('[data-field="error"]').textContent = data.error;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        show(data);
        if (data.stalled && box.dataset.stalled !== "1") {
          window.location.reload(); // the page offers "re-queue" once the parse has gone silent
        } else if (running(data.status)) {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(() => window.setTimeout(poll, 5000));
  }
  window.setTimeout(poll, 1000);
})();
