// Results page: poll the progress endpoint, fill in the segments table (the only place its
// rows are made, live or after a reload) and the score chart (results-chart.js); when the
// analysis finishes, fetch the final scores again and swap in the server-rendered events,
// feedback and alerts cards. Clicking a time or the chart seeks the video; keys: space
// play/pause, j/k next/previous event.
(function () {
  "use strict";
  const root = document.getElementById("results");
  if (!root) return;
  const video = document.getElementById("player");
  const tbody = document.getElementById("segments-body");
  const progressUrl = root.dataset.progressUrl;
  const cardsUrl = root.dataset.cardsUrl;
  const threshold = parseFloat(root.dataset.threshold);
  const formatScore = window.vigilResultsChart.formatScore;
  // After a finish, alerts come from a separate task: look again for a while.
  const CARD_REFRESH_MS = [1500, 3000, 6000, 12000, 24000];
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
    chart.redraw();
  }

  const chart = window.vigilResultsChart.create({
    element: document.getElementById("chart"),
    duration: parseFloat(root.dataset.duration) || 0,
    threshold: threshold,
    player: video,
    resetButton: document.getElementById("chart-reset"),
    onSeek: seek,
  });

  document.addEventListener("click", function (event) {
    const link = event.target.closest("[data-seek]");
    if (!link) return;
    event.preventDefault();
    seek(parseFloat(link.dataset.seek));
    pickFeedbackTarget(link);
  });

  // "Is this right?" card (swapped in when an analysis finishes, so found at use): a clicked
  // segment time or event picks what is being marked, and "Wrong" needs the right label first.
  function pickFeedbackTarget(link) {
    const target = document.getElementById("feedback-target");
    if (!target) return;
    const kind = link.closest("#events") ? "event" : link.closest("#segments") ? "segment" : "";
    if (!kind) return;
    const start = parseFloat(link.dataset.seek);
    for (const option of target.options) {
      if (option.dataset.kind === kind && Math.abs(parseFloat(option.dataset.start) - start) < 1e-3) {
        target.value = option.value;
        break;
      }
    }
  }

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "feedback-form") return;
    const label = document.getElementById("feedback-label");
    const wrong = event.submitter && event.submitter.value === "wrong";
    if (label && wrong && !label.value.trim()) {
      event.preventDefault();
      const hint = document.getElementById("feedback-hint");
      if (hint) hint.hidden = false;
      label.focus();
    }
  });

  // Keyboard: not while typing, not when a control that owns the key has focus.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !video) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, button, a, video, summary, [contenteditable]")) return;
    if (event.key === " ") {
      event.preventDefault();
      if (video.paused) video.play().catch(function () {}); else video.pause();
    } else if (event.key === "j" || event.key === "k") {
      const starts = state.events.map(function (e) { return e.start_sec; }).sort(function (a, b) { return a - b; });
      const now = video.currentTime;
      const next = event.key === "j"
        ? starts.find(function (s) { return s > now + 0.05; })
        : starts.filter(function (s) { return s < now - 0.05; }).pop();
      if (next !== undefined) seek(next);
    }
  });

  if (video) {
    ["timeupdate", "seeked", "play", "pause"].forEach(function (name) {
      video.addEventListener(name, chart.redraw);
    });
    video.addEventListener("loadedmetadata", function () {
      if (!(parseFloat(root.dataset.duration) > 0) && isFinite(video.duration)) chart.setDuration(video.duration);
    });
  }

  function scoresText(pairs) {
    return pairs.map(function (p) { return p[0] + " " + formatScore(p[1]); }).join(", ");
  }

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
    tr.appendChild(el("td", scoresText(s.top)));
    const watched = state.watched.length ? state.watched : Object.keys(s.scores);
    tr.appendChild(el("td", scoresText(watched.filter(function (k) { return k in s.scores; })
      .map(function (k) { return [k, s.scores[k]]; }))));
    return tr;
  }

  function addSegments(list) {
    const loading = document.getElementById("segments-loading");
    if (loading && list.length) loading.remove();
    const rows = document.createDocumentFragment();
    list.forEach(function (s) {
      const existing = state.segments.has(s.index) && tbody.querySelector('tr[data-index="' + s.index + '"]');
      if (existing) existing.replaceWith(segmentRow(s)); else rows.appendChild(segmentRow(s));
      state.segments.set(s.index, s);
      state.lastIndex = Math.max(state.lastIndex, s.index);
    });
    tbody.appendChild(rows);
  }

  function redrawChart() {
    const segments = Array.from(state.segments.values()).sort(function (a, b) { return a.index - b.index; });
    chart.setSegments(segments, state.watched);
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
    if (p.watched_labels && p.watched_labels.length && p.watched_labels.join("\n") !== state.watched.join("\n")) {
      state.watched = p.watched_labels.slice();
      tbody.querySelectorAll("tr[data-index]").forEach(function (row) {
        const s = state.segments.get(parseInt(row.dataset.index, 10));
        if (s) row.replaceWith(segmentRow(s));
      });
    }
    root.dataset.status = p.status;
  }

  // The server renders the events, feedback and alerts cards (videos/_cards.html); swap them in.
  async function refreshCards() {
    if (!cardsUrl) return;
    try {
      const response = await fetch(cardsUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("result-cards");
      const current = document.getElementById("result-cards");
      if (fresh && current) current.replaceWith(document.adoptNode(fresh));
    } catch (e) {
      // the next refresh (or a reload) shows them
    }
  }

  // Every segment again, from the start: a finished analysis rewrites the rows it streamed
  // (its final watched labels), so the table and chart end as a reload would show them.
  async function fetchAll(after) {
    const response = await fetch(progressUrl + "?after=" + after,
      { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("progress " + response.status);
    return response.json();
  }

  async function finish(p) {
    state.finished = true;
    let last = -1, page = p;
    for (;;) {
      page = await fetchAll(last);
      showState(page);
      addSegments(page.segments);
      if (page.segments.length) last = page.segments[page.segments.length - 1].index;
      if (page.segments.length < 500) break;
    }
    state.events = page.events;
    chart.setEvents(page.events);
    chart.setThumbs(page.thumbs_url, page.thumbs_index);
    redrawChart();
    const cancel = document.getElementById("cancel-form");
    if (cancel) cancel.hidden = true;
    if (page.status === "succeeded") {
      const downloads = document.getElementById("downloads");
      if (downloads) downloads.hidden = false;
      if (page.annotated_url && video && video.getAttribute("src") !== page.annotated_url) {
        video.setAttribute("src", page.annotated_url);
        video.load();
      }
    }
  }

  async function poll(live) {
    if (!progressUrl) { redrawChart(); return; }
    try {
      const p = await fetchAll(state.lastIndex);
      showState(p);
      addSegments(p.segments);
      redrawChart();
      if (p.segments.length >= 500) { setTimeout(function () { poll(live); }, 0); return; }
      if (p.finished) {
        const loading = document.getElementById("segments-loading");
        if (loading && !state.segments.size) loading.firstElementChild.textContent = "No segments.";
        if (live) {
          await finish(p);
          await refreshCards();
          CARD_REFRESH_MS.forEach(function (ms) { setTimeout(refreshCards, ms); });
        } else {
          state.finished = true;
          state.events = p.events;
          chart.setEvents(p.events);
          chart.setThumbs(p.thumbs_url, p.thumbs_index);
          redrawChart();
        }
        root.dataset.live = "done";
        return;
      }
      live = true; // still running: it finishes while the page is open
    } catch (e) {
      // transient network error: try again below
    }
    setTimeout(function () { poll(live); }, 1000);
  }

  const deleteForm = document.getElementById("delete-form");
  if (deleteForm) {
    deleteForm.addEventListener("submit", function (event) {
      if (!window.confirm("Delete this video, its analyses and all their files?")) event.preventDefault();
    });
  }

  redrawChart();
  poll(false);
})();
