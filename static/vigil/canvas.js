// Shared by the result and training charts: size a <canvas> to its CSS box at the device's
// pixel ratio, clear it and return a context scaled to CSS pixels (call ctx.restore() after).
(function () {
  "use strict";
  window.vigilCanvas = {
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
