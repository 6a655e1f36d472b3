// A camera's page: refresh the preview still every second (once the worker has stored one),
// redraw the score timeline of the watched labels (the last minutes) from status.json and
// keep the incidents table current from the API, every two seconds. A finished incident's
// pre-roll clip plays in the table.
(function () {
  "use strict";
  const root = document.getElementById("camera-live");
  if (!root) return;
  const img = document.getElementById("camera-preview");
  const canvas = document.getElementById("camera-timeline");
  const incidentsBody = document.getElementById("incidents-body");
  const colours = ["#d33", "#36c", "#393", "#c80", "#939", "#088"];
  let hasPreview = false;
  let shownIncidents = null;

  function refreshPreview() {
    if (!hasPreview) return; // no still stored yet: do not ask for a 404
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
    ctx.lineWidth = 2;
    labels.forEach(function (label, i) {
      ctx.strokeStyle = colours[i % colours.length];
      ctx.beginPath();
      points.forEach(function (point, j) {
        const px = x(point[0]), py = y(point[1][i] || 0);
        if (j === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.stroke();
      ctx.fillStyle = ctx.strokeStyle;
      if (points.length) { // the latest score as a dot (the line needs two windows)
        const last = points[points.length - 1];
        ctx.beginPath();
        ctx.arc(x(last[0]), y(last[1][i] || 0), 4, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.fillText(label, 6, 12 + 12 * i);
    });
    ctx.restore();
  }

  function cell(row, content) {
    const td = document.createElement("td");
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    row.appendChild(td);
    return td;
  }

  function clipCell(incident) {
    if (incident.clip_ready && incident.clip_url) {
      const video = document.createElement("video");
      video.className = "incident-clip";
      video.controls = true;
      video.preload = "metadata";
      video.src = incident.clip_url;
      return video;
    }
    if (incident.clip_error) return "no clip: " + incident.clip_error;
    return "recording\u2026";
  }

  function renderIncidents(incidents) {
    // Rebuild only when an incident came or its clip became ready (a playing clip stays).
    const key = incidents.map(function (i) { return i.id + ":" + i.clip_ready; }).join(",");
    if (key === shownIncidents) return;
    shownIncidents = key;
    incidentsBody.replaceChildren();
    if (!incidents.length) {
      const row = incidentsBody.insertRow();
      cell(row, "None yet.").colSpan = 6;
      row.cells[0].className = "muted";
      return;
    }
    incidents.forEach(function (incident) {
      const row = incidentsBody.insertRow();
      row.dataset.incident = incident.id;
      cell(row, incident.label);
      cell(row, new Date(incident.onset_at).toLocaleString());
      cell(row, incident.duration_sec.toFixed(1) + " s");
      cell(row, incident.peak_score.toFixed(3));
      if (incident.peak_jpeg_url) {
        const still = document.createElement("img");
        still.src = incident.peak_jpeg_url;
        still.alt = "Peak";
        still.className = "thumb small";
        cell(row, still);
      } else {
        cell(row, "");
      }
      cell(row, clipCell(incident));
    });
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }

  function poll() {
    getJson(root.dataset.statusUrl).then(function (status) {
      if (!status) return;
      const first = !hasPreview && status.preview_at;
      hasPreview = Boolean(status.preview_at);
      root.dataset.state = status.state;
      text("camera-state", status.state);
      document.getElementById("camera-state").className = "badge state-" + status.state;
      text("camera-state-reason", status.state + " " + (status.state_reason || ""));
      text("camera-worker", status.worker || "none");
      text("camera-fps", status.fps_in.toFixed(1) + " / " + status.fps_scored.toFixed(1));
      text("camera-lag", status.lag_sec.toFixed(1) + " s");
      text("camera-dropped", status.windows_dropped);
      text("camera-reconnects", status.reconnects);
      draw(status);
      if (first) refreshPreview();
    }).catch(function () {});
    getJson(root.dataset.incidentsUrl).then(function (page) {
      if (page) renderIncidents(page.results || []);
    }).catch(function () {});
  }

  poll();
  setInterval(refreshPreview, 1000);
  setInterval(poll, 2000);
})();
