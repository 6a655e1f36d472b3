// Training run page: poll the progress endpoint, draw loss and accuracy per epoch on a
// <canvas> (loss on the left axis, accuracy 0..1 on the right), fill the epoch table, and
// reload once the run has finished (for the confusion matrix and the new version).
(function () {
  "use strict";
  const root = document.getElementById("training-run");
  if (!root) return;
  const canvas = document.getElementById("curves");
  const tbody = document.getElementById("epochs-body");
  const progressUrl = root.dataset.progressUrl;
  const SERIES = [
    { key: "train_loss", label: "train loss", color: "#2563eb", axis: "loss", dash: [] },
    { key: "val_loss", label: "val loss", color: "#dc2626", axis: "loss", dash: [] },
    { key: "train_acc", label: "train acc", color: "#2563eb", axis: "acc", dash: [5, 4] },
    { key: "val_acc", label: "val acc", color: "#dc2626", axis: "acc", dash: [5, 4] },
  ];
  const PAD = { left: 40, right: 40, top: 22, bottom: 24 };
  const state = { history: [], epochs: 1, finished: false, status: "" };

  function setText(id, value) {
    const node = document.getElementById(id);
    if (node) node.textContent = value;
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function fillTable() {
    if (!tbody) return;
    tbody.replaceChildren();
    state.history.forEach(function (row) {
      const tr = document.createElement("tr");
      tr.append(cell(row.epoch + (row.improved ? " *" : "")), cell(row.train_loss.toFixed(4)),
        cell(row.train_acc.toFixed(3)), cell(row.val_loss.toFixed(4)), cell(row.val_acc.toFixed(3)),
        cell(row.lr.toExponential(2)), cell(row.sec.toFixed(1)));
      tbody.append(tr);
    });
  }

  function draw() {
    if (!canvas) return;
    const frame = window.vigilCanvas.begin(canvas, 240);
    const ctx = frame.ctx, w = frame.w, h = frame.h;
    const pw = w - PAD.left - PAD.right, ph = h - PAD.top - PAD.bottom;
    const rows = state.history;
    const epochs = Math.max(state.epochs || 1, rows.length ? rows[rows.length - 1].epoch : 1);
    let lossMax = 0.1;
    rows.forEach(function (r) { lossMax = Math.max(lossMax, r.train_loss, r.val_loss); });
    lossMax = Math.ceil(lossMax * 10) / 10;
    const x = function (epoch) { return PAD.left + (epochs > 1 ? (epoch - 1) / (epochs - 1) : 0.5) * pw; };
    const y = function (value, axis) {
      const top = axis === "acc" ? 1 : lossMax;
      return PAD.top + (1 - Math.min(Math.max(value, 0), top) / top) * ph;
    };

    const palette = window.vigilCanvas.palette();
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = palette.grid;
    ctx.fillStyle = palette.text;
    ctx.font = "11px system-ui, sans-serif";
    ctx.lineWidth = 1;
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      const py = PAD.top + (1 - f) * ph;
      ctx.beginPath(); ctx.moveTo(PAD.left, py); ctx.lineTo(w - PAD.right, py); ctx.stroke();
      ctx.fillText((f * lossMax).toFixed(2), 2, py + 4);
      ctx.fillText(f.toFixed(2), w - PAD.right + 4, py + 4);
    });
    const step = Math.max(1, Math.ceil(epochs / 10));
    for (let e = 1; e <= epochs; e += step) ctx.fillText(String(e), x(e) - 3, h - 6);
    SERIES.forEach(function (s, i) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash);
      ctx.beginPath();
      rows.forEach(function (r, j) {
        const px = x(r.epoch), py = y(r[s.key], s.axis);
        if (j) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      });
      ctx.stroke();
      ctx.setLineDash([]);
      rows.forEach(function (r) {
        ctx.beginPath(); ctx.arc(x(r.epoch), y(r[s.key], s.axis), 2.5, 0, 2 * Math.PI); ctx.fill();
      });
      ctx.fillText(s.label + (s.axis === "acc" ? " (right)" : ""), PAD.left + 6 + i * 110, 14);
    });
    if (!rows.length) {
      ctx.fillStyle = palette.text;
      ctx.fillText(state.finished ? "no finished epoch" : "waiting for the first epoch…", PAD.left + 8, PAD.top + ph / 2);
    }
    ctx.restore();
  }

  function apply(data) {
    const wasFinished = state.finished;
    state.history = data.history || [];
    state.epochs = data.epochs || 1;
    state.finished = !!data.finished;
    setText("run-status", data.status);
    setText("run-stage", data.stage);
    setText("run-percent", Math.round(data.percent));
    setText("run-epoch", data.epoch);
    const badge = document.getElementById("run-status");
    if (badge) badge.className = "badge status-" + data.status;
    fillTable();
    draw();
    // Finished while the page was open: reload for the matrix, the version and its buttons.
    if (state.finished && !wasFinished && state.status && state.status !== data.status) {
      window.location.reload();
    }
    state.status = data.status;
  }

  function poll() {
    fetch(progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        apply(data);
        if (!data.finished) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.addEventListener("resize", draw);
  draw();
  poll();
})();
