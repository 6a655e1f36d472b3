// Shared by the result and training charts: size a <canvas> to its CSS box at the device's
// pixel ratio, clear it and return a context scaled to CSS pixels (call ctx.restore() after).
// palette() reads the chart colours from app.css's tokens (light or dark theme); a change of
// the system's colour scheme fires "resize", on which the charts redraw.
(function () {
  "use strict";
  const TOKENS = { bg: "--chart-bg", grid: "--chart-grid", text: "--chart-text",
    threshold: "--chart-threshold", playhead: "--chart-playhead", event: "--chart-event" };
  const dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
  if (dark && dark.addEventListener) {
    dark.addEventListener("change", function () { window.dispatchEvent(new Event("resize")); });
  }
  window.vigilCanvas = {
    palette: function () {
      const style = getComputedStyle(document.documentElement);
      const colours = {};
      Object.keys(TOKENS).forEach(function (name) {
        colours[name] = style.getPropertyValue(TOKENS[name]).trim();
      });
      return colours;
    },
    begin: function (canvas, defaultHeight) {
      const ratio = window.devicePixelRatio || 1;
      const cssWidth = canvas.clientWidth || 800;
      const cssHeight = canvas.clientHeight || defaultHeight;
      if (canvas.width !== Math.round(cssWidth * ratio)) {
        canvas.width = Math.round(cssWidth * ratio);
        canvas.height = Math.round(cssHeight * ratio);
      }
      const ctx = canvas.getContext("2d");
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.save();
      ctx.scale(ratio, ratio);
      return { ctx: ctx, w: canvas.width / ratio, h: canvas.height / ratio };
    },
  };
})();
