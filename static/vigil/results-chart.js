// The results page's score chart (uPlot, vendored): one line per watched label over the
// segments' centre times, a shaded band per event, the threshold, the playhead; a tooltip with
// the values and the video frame under the pointer (thumbnail sprite sheet), drag-to-zoom with
// a reset, a legend that hides/shows labels, click to seek. Exposes window.vigilResultsChart.
// No inline styles: uPlot and this file set styles through the CSSOM only (CSP style-src 'self').
(function () {
  "use strict";
  const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04"];
  const HEIGHT = 240;
  // Score-axis tops and their tick step: ticks read 0, 0.25, 0.5 ... never 0.013.
  const Y_STEPS = [[0.005, 0.001], [0.01, 0.002], [0.02, 0.005], [0.05, 0.01], [0.1, 0.02],
    [0.2, 0.05], [0.5, 0.1], [1, 0.25]];

  // Same rule as inference.results.format_score (the |score filter, the annotated video).
  function formatScore(value) {
    if (value === null || value === undefined || !isFinite(value)) return "–";
    if (value <= 0) return "0";
    if (value >= 0.01) return value.toFixed(2);
    if (value >= 0.001) return value.toFixed(3);
    return "<0.001";
  }

  function formatSec(t) {
    if (t >= 3600) return Math.floor(t / 3600) + ":" + String(Math.floor(t / 60) % 60).padStart(2, "0") + ":" + String(Math.floor(t % 60)).padStart(2, "0");
    if (t >= 60) return Math.floor(t / 60) + ":" + (t % 60).toFixed(1).padStart(4, "0");
    return t.toFixed(t < 10 ? 2 : 1) + " s";
  }

  function yStep(top) {
    for (const pair of Y_STEPS) if (top <= pair[0] + 1e-12) return pair;
    return Y_STEPS[Y_STEPS.length - 1];
  }

  // Colours from app.css's theme tokens (light or dark, following the system setting).
  function palette() {
    const style = getComputedStyle(document.documentElement);
    function token(name, fallback) { return style.getPropertyValue(name).trim() || fallback; }
    return { grid: token("--chart-grid", "#d1d5db"), text: token("--chart-text", "#4b5563"),
      threshold: token("--chart-threshold", "#9ca3af"), playhead: token("--chart-playhead", "#111827") };
  }

  function el(tag, cls) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    return node;
  }

  function create(options) {
    const container = options.element;
    const onSeek = options.onSeek;
    const player = options.player;
    const threshold = options.threshold;
    const resetButton = options.resetButton;
    let duration = options.duration || 0;
    let labels = [];
    let events = [];
    let thumbs = null; // {url, index}
    let top = isFinite(threshold) ? threshold : 0;
    let plot = null;
    let downX = null;
    let colours = palette();

    const tip = el("div", "chart-tip");
    tip.id = "chart-tip";
    tip.hidden = true;
    const thumb = el("div", "chart-thumb");
    thumb.id = "chart-thumb";
    thumb.hidden = true;
    const tipText = el("div", "chart-tip-text");
    tip.appendChild(thumb);
    tip.appendChild(tipText);

    // The chart's box minus its padding: uPlot sizes its canvas to exactly this.
    function contentWidth() {
      const style = getComputedStyle(container);
      const width = container.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return Math.max(160, Math.floor(width));
    }

    function fullRange() { return [0, Math.max(duration, 1e-3)]; }

    // The x range to keep across new data or a rebuild: the zoom if there is one, else all.
    // (uPlot leaves the x scale null while it has no points.)
    function keptRange() {
      if (plot && container.dataset.zoomed === "true" && Number.isFinite(plot.scales.x.min) &&
          Number.isFinite(plot.scales.x.max)) return [plot.scales.x.min, plot.scales.x.max];
      return fullRange();
    }

    function colorOf(label) {
      const i = labels.indexOf(label);
      return COLORS[(i < 0 ? 1 : i) % COLORS.length];
    }

    function publishRange() {
      if (!plot) return;
      if (!Number.isFinite(plot.scales.x.min) || !Number.isFinite(plot.scales.x.max)) return;
      const min = plot.scales.x.min, max = plot.scales.x.max;
      container.dataset.xMin = String(min);
      container.dataset.xMax = String(max);
      const full = fullRange();
      const zoomed = Math.abs(min - full[0]) > 1e-6 || Math.abs(max - full[1]) > 1e-6;
      container.dataset.zoomed = zoomed ? "true" : "false";
      if (resetButton) resetButton.disabled = !zoomed;
    }

    function drawBands(u) {
      const ctx = u.ctx, box = u.bbox;
      ctx.save();
      ctx.beginPath();
      ctx.rect(box.left, box.top, box.width, box.height);
      ctx.clip();
      events.forEach(function (e) {
        const x0 = u.valToPos(e.start_sec, "x", true), x1 = u.valToPos(e.end_sec, "x", true);
        ctx.globalAlpha = 0.14;
        ctx.fillStyle = colorOf(e.label);
        ctx.fillRect(x0, box.top, Math.max(1, x1 - x0), box.height);
      });
      ctx.restore();
    }

    function drawOverlays(u) {
      const ctx = u.ctx, box = u.bbox, ratio = window.devicePixelRatio || 1;
      ctx.save();
      ctx.beginPath();
      ctx.rect(box.left, box.top, box.width, box.height);
      ctx.clip();
      if (isFinite(threshold) && threshold <= u.scales.y.max) {
        const y = u.valToPos(threshold, "y", true);
        ctx.setLineDash([4 * ratio, 4 * ratio]);
        ctx.strokeStyle = colours.threshold;
        ctx.lineWidth = ratio;
        ctx.beginPath(); ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); ctx.stroke();
        ctx.setLineDash([]);
      }
      if (player && isFinite(player.currentTime)) {
        const x = u.valToPos(player.currentTime, "x", true);
        ctx.strokeStyle = colours.playhead;
        ctx.lineWidth = 1.5 * ratio;
        ctx.beginPath(); ctx.moveTo(x, box.top); ctx.lineTo(x, box.top + box.height); ctx.stroke();
      }
      ctx.restore();
    }

    function tileAt(t) {
      const times = thumbs.index.times_sec;
      let lo = 0, hi = times.length - 1;
      while (lo < hi) { // last tile shown at or before t
        const mid = (lo + hi + 1) >> 1;
        if (times[mid] <= t + 1e-6) lo = mid; else hi = mid - 1;
      }
      return lo;
    }

    function showTip(u) {
      const left = u.cursor.left, idx = u.cursor.idx;
      if (left === undefined || left < 0 || idx === null || idx === undefined) {
        tip.hidden = true;
        return;
      }
      const t = u.posToVal(left, "x");
      const lines = [formatSec(Math.max(0, t))];
      for (let i = 1; i < u.series.length; i++) {
        if (!u.series[i].show) continue;
        lines.push(u.series[i].label + ": " + formatScore(u.data[i][idx]));
      }
      tipText.textContent = lines.join("\n");
      if (thumbs && thumbs.index.count) {
        const index = thumbs.index, i = tileAt(Math.max(0, t));
        thumb.hidden = false;
        thumb.dataset.tile = String(i);
        thumb.dataset.timeSec = String(index.times_sec[i]);
        thumb.style.width = index.tile_width + "px";
        thumb.style.height = index.tile_height + "px";
        thumb.style.backgroundImage = 'url("' + thumbs.url + '")';
        thumb.style.backgroundPosition = -(i % index.columns) * index.tile_width + "px " +
          -Math.floor(i / index.columns) * index.tile_height + "px";
      } else {
        thumb.hidden = true;
      }
      tip.hidden = false;
      const overWidth = u.over.clientWidth;
      const x = left + 14 + tip.offsetWidth > overWidth ? left - 14 - tip.offsetWidth : left + 14;
      tip.style.left = Math.max(0, x) + "px";
      tip.style.top = "4px";
    }

    function build(data) {
      if (plot) { plot.destroy(); plot = null; }
      const series = [{ label: "Time", value: function (u, v) { return v === null || v === undefined ? "–" : formatSec(v); } }];
      const names = labels.length ? labels : ["top-1 score"];
      names.forEach(function (label, i) {
        series.push({ label: label, stroke: COLORS[i % COLORS.length], width: 2,
          spanGaps: true, points: { size: 4 }, value: function (u, v) { return formatScore(v); } });
      });
      const step = yStep(top >= 0.5 ? 1 : top * 1.1);
      colours = palette();
      const axis = { stroke: colours.text, grid: { stroke: colours.grid, width: 1 },
        ticks: { stroke: colours.grid, width: 1 } };
      plot = new window.uPlot({
        width: contentWidth(),
        height: HEIGHT,
        series: series,
        scales: {
          x: { time: false, auto: false, range: function (u, min, max) { return [min, max]; } },
          y: { auto: false, range: function () { return [0, step[0]]; } },
        },
        axes: [
          { stroke: axis.stroke, grid: axis.grid, ticks: axis.ticks, values: function (u, splits) { return splits.map(function (t) { return t < 60 ? Number(t.toFixed(3)) + " s" : formatSec(t); }); } },
          { stroke: axis.stroke, grid: axis.grid, ticks: axis.ticks, size: 52,
            splits: function () {
              const ticks = [];
              for (let v = 0; v <= step[0] + 1e-9; v += step[1]) ticks.push(Number((Math.round(v / step[1]) * step[1]).toFixed(4)));
              container.dataset.yTicks = ticks.join(","); // drawn on the canvas: told here
              return ticks;
            },
            values: function (u, splits) {
              return splits.map(function (v) { return String(Number(v.toFixed(4))); });
            } },
        ],
        cursor: {
          drag: { x: true, y: false, setScale: true },
          bind: {
            dblclick: function () { return function () { reset(); return null; }; },
          },
        },
        legend: { live: true },
        hooks: {
          drawClear: [drawBands],
          draw: [drawOverlays],
          setCursor: [showTip],
          setScale: [function (u, key) { if (key === "x") publishRange(); }],
        },
      }, data, container);
      plot.setScale("x", { min: fullRange()[0], max: fullRange()[1] });
      plot.over.appendChild(tip);
      plot.over.addEventListener("mousedown", function (e) { downX = e.clientX; });
      plot.over.addEventListener("mouseleave", function () { tip.hidden = true; });
      plot.over.addEventListener("click", function (e) {
        if (downX !== null && Math.abs(e.clientX - downX) > 3) return; // a drag: zoomed
        const rect = plot.over.getBoundingClientRect();
        onSeek(plot.posToVal(e.clientX - rect.left, "x"));
      });
      container.dataset.windows = String(data[0].length);
      publishRange();
    }

    function reset() {
      if (!plot) return;
      const full = fullRange();
      plot.setScale("x", { min: full[0], max: full[1] });
    }

    if (resetButton) resetButton.addEventListener("click", reset);
    const dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
    if (dark && dark.addEventListener) {
      dark.addEventListener("change", function () { // the theme changed: rebuild in its colours
        if (!plot) return;
        const keep = keptRange();
        build(plot.data);
        plot.setScale("x", { min: keep[0], max: keep[1] });
      });
    }
    window.addEventListener("resize", function () {
      if (plot) plot.setSize({ width: contentWidth(), height: HEIGHT });
    });

    return {
      // segments: sorted list of {start_sec, end_sec, top, scores}; watched: label names.
      setSegments: function (segments, watched) {
        const xs = [], columns = (watched.length ? watched : [null]).map(function () { return []; });
        let newTop = isFinite(threshold) ? threshold : 0;
        segments.forEach(function (s) {
          xs.push((s.start_sec + s.end_sec) / 2);
          (watched.length ? watched : [null]).forEach(function (label, i) {
            const v = label === null ? (s.top.length ? s.top[0][1] : null) : s.scores[label];
            const value = v === undefined ? null : v;
            columns[i].push(value);
            if (value !== null) newTop = Math.max(newTop, value);
          });
        });
        const data = [xs].concat(columns);
        const sameSeries = plot && watched.join("\n") === labels.join("\n") &&
          yStep(newTop >= 0.5 ? 1 : newTop * 1.1)[0] === yStep(top >= 0.5 ? 1 : top * 1.1)[0];
        top = newTop;
        if (sameSeries) {
          // Keep the zoom; setting the x scale again makes uPlot re-index the visible points
          // (with resetScales=false the cursor would only find the points of the old data).
          const keep = keptRange();
          plot.setData(data, false);
          plot.setScale("x", { min: keep[0], max: keep[1] });
          container.dataset.windows = String(xs.length);
        } else {
          const keep = keptRange();
          labels = watched.slice();
          build(data);
          plot.setScale("x", { min: keep[0], max: keep[1] });
        }
      },
      setEvents: function (list) { events = list.slice(); if (plot) plot.redraw(false); },
      setThumbs: function (url, index) {
        thumbs = url && index && index.count ? { url: url, index: index } : null;
        container.dataset.thumbs = thumbs ? "true" : "false";
      },
      setDuration: function (seconds) {
        if (!(seconds > 0) || Math.abs(seconds - duration) < 1e-6) return;
        const wasFull = !plot || container.dataset.zoomed !== "true";
        duration = seconds;
        if (wasFull) reset();
      },
      redraw: function () { if (plot) plot.redraw(false); },
      reset: reset,
    };
  }

  window.vigilResultsChart = { create: create, formatScore: formatScore };
})();
