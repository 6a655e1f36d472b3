// A camera's page: refresh the preview still every second and redraw the score timeline of
// the watched labels (the last minutes) from status.json every two seconds.
(function () {
  "use strict";
  const root = document.getElementById("camera-live");
  if (!root) return;
  const img = document.getElementById("camera-preview");
  const canvas = document.getElementById("camera-timeline");
  const colours = ["#d33", "#36c", "#393", "#c80", "#939", "#088"];

  function refreshPreview() {
    const next = new Image();
    next.onload = function () { img.src = next.src; };
    next.src = root.dataset.previewUrl + "?t=" + Date.now();
  }

  function text(id, value) {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function draw(status) {
    const box = window.vigilCanvas.begin(canvas, 160);
    const ctx = box.ctx;
    const points = (status.scores && status.scores.points) || [];
    const labels = (status.scores && status.scores.labels) || [];
    const now = Date.now() / 1000;
    const span = 300;
    const x = function (t) { return box.w * (1 - (now - t) / span); };
    const y = function (s) { return box.h - 4 - s * (box.h - 8); };
    ctx.strokeStyle = "#999";
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(0, y(status.threshold));
    ctx.lineTo(box.w, y(status.threshold));
    ctx.stroke();
    ctx.setLineDash([]);
    labels.forEach(function (label, i) {
      ctx.strokeStyle = colours[i % colours.length];
      ctx.beginPath();
      points.forEach(function (point, j) {
        const px = x(point[0]), py = y(point[1][i] || 0);
        if (j === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.stroke();
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillText(label, 6, 12 + 12 * i);
    });
    ctx.restore();
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) {
        if (!status) return;
        text("camera-state", status.state);
        text("camera-state-reason", status.state + " " + (status.state_reason || ""));
        text("camera-worker", status.worker || "none");
        text("camera-fps", status.fps_in.toFixed(1) + " / " + status.fps_scored.toFixed(1));
        text("camera-lag", status.lag_sec.toFixed(1) + " s");
        text("camera-dropped", status.windows_dropped);
        text("camera-reconnects", status.reconnects);
        draw(status);
      })
      .catch(function () {});
  }

  refreshPreview();
  poll();
  setInterval(refreshPreview, 1000);
  setInterval(poll, 2000);
})();
