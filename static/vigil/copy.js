// Copy buttons: <button data-copy="SELECTOR"> copies the text of the element SELECTOR finds
// and says so in the [data-copy-status] element (a live region) beside the button. The Clipboard API needs a secure context
// (HTTPS or localhost); on plain HTTP over a LAN the text is selected and copied with
// execCommand, or left selected for Ctrl+C when even that is refused.
(function () {
  "use strict";

  function selectText(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyText(element) {
    const text = element.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    selectText(element);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("refused"));
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const source = document.querySelector(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copy-status]");
    if (!source) return;
    button.addEventListener("click", function () {
      copyText(source).then(function () {
        button.textContent = "Copied";
        if (status) status.textContent = "Copied to the clipboard.";
      }, function () {
        selectText(source);
        if (status) status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
      });
    });
  });
})();
