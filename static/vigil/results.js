// Results page: poll the progress endpoint, fill in the table, events and the score chart
// (drawn on a <canvas>); clicking the chart or a time seeks the video.
(function () {
  "use strict";
  const root = document.getElementById("results");
  if (!root) return;
  const video = document.getElementById("player");
  const canvas = document.getElementById("chart");
  const tbody = document.getElementById("segments-body");
  const eventsList = document.getElementById("events");
  const progressUrl = root.dataset.progressUrl;
  const threshold = parseFloat(root.dataset.threshold);
  let duration = parseFloat(root.dataset.duration) || 0;
  const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04"];
  const PAD = { left: 36, right: 10, top: 10, bottom: 24 };
  const state = { segments: new Map(), events: [], watched: [], lastIndex: -1, finished: false };

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function seek(t) {
    if (!video || !isFinite(t)) return;
    video.currentTime = Math.max(0, t);
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("[data-seek]");
    if (!link) return;
    event.preventDefault();
    seek(parseFloat(link.dataset.seek));
    pickFeedbackTarget(link);
  });

  // "Is this right?" card: a clicked segment time or event picks what is being marked, and
  // "Wrong" needs the right label first.
  const feedbackForm = document.getElementById("feedback-form");
  const feedbackTarget = document.getElementById("feedback-target");
  const feedbackLabel = document.getElementById("feedback-label");

  function pickFeedbackTarget(link) {
    if (!feedbackTarget) return;
    const kind = link.closest("#events") ? "event" : link.closest("#segments") ? "segment" : "";
    if (!kind) return;
    const start = parseFloat(link.dataset.seek);
    for (const option of feedbackTarget.options) {
      if (option.dataset.kind === kind && Math.abs(parseFloat(option.dataset.start) - start) < 1e-3) {
        feedbackTarget.value = option.value;
        break;
      }
    }
  }

  if (feedbackForm && feedbackLabel) {
    feedbackForm.addEventListener("submit", function (event) {
      const wrong = event.submitter && event.submitter.value === "wrong";
      const hint = document.getElementById("feedback-hint");
      if (wrong && !feedbackLabel.value.trim()) {
        event.preventDefault();
        if (hint) hint.hidden = false;
        feedbackLabel.focus();
      }
    });
  }

  function seriesLabels() {
    if (state.watched.length) return state.watched;
    return [];
  }

  function scoreOf(segment, label) {
    if (label === null) return segment.top.length ? segment.top[0][1] : 0;
    return segment.scores[label];
  }


  function draw() {
    if (!canvas) return;
    const frame = window.vigilCanvas.begin(canvas, 220);
    const ctx = frame.ctx, w = frame.w, h = frame.h;
    const pw = w - PAD.left - PAD.right, ph = h - PAD.top - PAD.bottom;
    const segments = Array.from(state.segments.values()).sort(function (a, b) { return a.index - b.index; });
    const labels = seriesLabels();
    const series = labels.length ? labels : [null];
    // Scale the score axis to the data (untrained models score ~1/400): at least 0.05.
    let top = isFinite(threshold) ? threshold : 0;
    segments.forEach(function (s) {
      series.forEach(function (label) { const v = scoreOf(s, label); if (v !== undefined) top = Math.max(top, v); });
    });
    const yMax = top >= 0.5 ? 1 : Math.max(0.05, Math.ceil(top * 1.2 * 20) / 20);
    const x = function (t) { return PAD.left + (duration > 0 ? (t / duration) * pw : 0); };
    const y = function (s) { return PAD.top + (1 - Math.min(s, yMax) / yMax) * ph; };

    const palette = window.vigilCanvas.palette();
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, 0, w, h);
    // events
    ctx.fillStyle = palette.event;
    state.events.forEach(function (e) { ctx.fillRect(x(e.start_sec), PAD.top, x(e.end_sec) - x(e.start_sec), ph); });
    // axes and grid
    ctx.strokeStyle = palette.grid;
    ctx.fillStyle = palette.text;
    ctx.font = "11px system-ui, sans-serif";
    ctx.lineWidth = 1;
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      const s = f * yMax;
      ctx.beginPath(); ctx.moveTo(PAD.left, y(s)); ctx.lineTo(w - PAD.right, y(s)); ctx.stroke();
      ctx.fillText(s.toFixed(yMax < 0.2 ? 3 : 2), 2, y(s) + 4);
    });
    const step = duration > 60 ? 10 : duration > 20 ? 5 : 1;
    for (let t = 0; t <= duration + 1e-6; t += step) {
      ctx.fillText(t.toFixed(0) + "s", x(t) - 6, h - 6);
    }
    if (isFinite(threshold) && threshold <= yMax) {
      ctx.setLineDash([4, 4]); ctx.strokeStyle = palette.threshold;
      ctx.beginPath(); ctx.moveTo(PAD.left, y(threshold)); ctx.lineTo(w - PAD.right, y(threshold)); ctx.stroke();
      ctx.setLineDash([]);
    }
    // series
    series.forEach(function (label, i) {
      ctx.strokeStyle = COLORS[i % COLORS.length];
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 2;
      ctx.beginPath();
      let started = false;
      segments.forEach(function (s) {
        const score = scoreOf(s, label);
        if (score === undefined) return;
        const px = x((s.start_sec + s.end_sec) / 2), py = y(score);
        if (started) ctx.lineTo(px, py); else { ctx.moveTo(px, py); started = true; }
      });
      ctx.stroke();
      segments.forEach(function (s) {
        const score = scoreOf(s, label);
        if (score === undefined) return;
        ctx.beginPath(); ctx.arc(x((s.start_sec + s.end_sec) / 2), y(score), 2.5, 0, 2 * Math.PI); ctx.fill();
      });
      ctx.fillText(label === null ? "top-1 score" : label, PAD.left + 6 + i * 150, PAD.top + 12);
    });
    // playhead
    if (video && isFinite(video.currentTime)) {
      ctx.strokeStyle = palette.playhead; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x(video.currentTime), PAD.top); ctx.lineTo(x(video.currentTime), PAD.top + ph); ctx.stroke();
    }
    ctx.restore();
  }

  if (canvas) {
    canvas.addEventListener("click", function (event) {
      const rect = canvas.getBoundingClientRect();
      const left = PAD.left, right = rect.width - PAD.right;
      const fraction = Math.min(1, Math.max(0, (event.clientX - rect.left - left) / (right - left)));
      seek(fraction * duration);
      draw();
    });
    window.addEventListener("resize", draw);
  }
  if (video) {
    video.addEventListener("timeupdate", draw);
    video.addEventListener("seeked", draw);
    video.addEventListener("loadedmetadata", function () {
      if (!duration && isFinite(video.duration)) duration = video.duration;
      draw();
    });
  }

  function fmt(n) { return Number(n).toFixed(3); }

  function segmentRow(s) {
    const tr = el("tr");
    tr.dataset.index = String(s.index);
    tr.appendChild(el("td", String(s.index)));
    const time = el("td");
    const link = el("a", s.start_sec.toFixed(1) + "–" + s.end_sec.toFixed(1));
    link.href = "#";
    link.dataset.seek = String(s.start_sec);
    time.appendChild(link);
    tr.appendChild(time);
    tr.appendChild(el("td", s.top.map(function (p) { return p[0] + " " + fmt(p[1]); }).join(", ")));
    tr.appendChild(el("td", Object.keys(s.scores).map(function (k) { return k + " " + fmt(s.scores[k]); }).join(", ")));
    return tr;
  }

  function addSegments(list) {
    list.forEach(function (s) {
      const existing = tbody.querySelector('tr[data-index="' + s.index + '"]');
      const row = segmentRow(s);
      if (existing) existing.replaceWith(row); else tbody.appendChild(row);
      state.segments.set(s.index, s);
      state.lastIndex = Math.max(state.lastIndex, s.index);
    });
  }

  function showEvents(events) {
    state.events = events;
    eventsList.replaceChildren();
    if (!events.length) { eventsList.appendChild(el("li", "No events.", "muted")); return; }
    events.forEach(function (e) {
      const li = el("li");
      const link = el("a", e.label);
      link.href = "#";
      link.dataset.seek = String(e.start_sec);
      li.appendChild(link);
      li.appendChild(document.createTextNode(" " + e.start_sec.toFixed(1) + "–" + e.end_sec.toFixed(1) + " s, peak " + e.peak_score.toFixed(2)));
      eventsList.appendChild(li);
    });
  }

  function showState(p) {
    const status = document.getElementById("analysis-status");
    if (status) { status.textContent = p.status; status.className = "badge status-" + p.status; }
    const stage = document.getElementById("analysis-stage");
    if (stage) stage.textContent = p.finished ? "" : p.stage;
    const bar = document.getElementById("analysis-bar");
    if (bar) bar.value = p.percent;
    const percent = document.getElementById("analysis-percent");
    if (percent) percent.textContent = Math.round(p.percent) + "%";
    const error = document.getElementById("analysis-error");
    if (error) { error.textContent = p.error; error.hidden = !p.error; }
    if (p.watched_labels && p.watched_labels.length) state.watched = p.watched_labels;
    root.dataset.status = p.status;
  }

  function finish(p) {
    state.finished = true;
    showEvents(p.events);
    const cancel = document.getElementById("cancel-form");
    if (cancel) cancel.hidden = true;
    if (p.status === "succeeded") {
      const downloads = document.getElementById("downloads");
      if (downloads) downloads.hidden = false;
      if (p.annotated_url && video && video.getAttribute("src") !== p.annotated_url) {
        video.setAttribute("src", p.annotated_url);
        video.load();
      }
    }
  }

  async function poll() {
    if (!progressUrl) { draw(); return; }
    try {
      const response = await fetch(progressUrl + "?after=" + state.lastIndex,
        { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const p = await response.json();
        showState(p);
        addSegments(p.segments);
        draw();
        if (p.segments.length >= 500) { setTimeout(poll, 0); return; }
        if (p.finished) { finish(p); draw(); root.dataset.live = "done"; return; }
      }
    } catch (e) {
      // transient network error: try again below
    }
    setTimeout(poll, 1000);
  }

  const deleteForm = document.getElementById("delete-form");
  if (deleteForm) {
    deleteForm.addEventListener("submit", function (event) {
      if (!window.confirm("Delete this video, its analyses and all their files?")) event.preventDefault();
    });
  }

  draw();
  poll();
})();
