// Dataset pages: confirm destructive forms; follow running imports and reload when they end
// (no inline JS: CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  async function follow(item) {
    const url = item.dataset.importUrl;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) { window.location.reload(); return; }
        const status = item.querySelector('[data-field="status"]');
        if (status) { status.textContent = job.status; status.className = "badge status-" + job.status; }
        const bar = item.querySelector('[data-field="percent"]');
        if (bar) bar.value = job.percent;
        const stage = item.querySelector('[data-field="stage"]');
        if (stage) stage.textContent = job.stage;
      }
    } catch (e) {
      // transient network error: try again below
    }
    setTimeout(function () { follow(item); }, 1000);
  }

  document.querySelectorAll("li.import[data-import-url]").forEach(function (item) {
    if (item.dataset.importUrl) follow(item);
  });
})();
