// Alerts inbox: "select all" for the bulk actions, and the keyboard: j/k move the selected
// row, x ticks it, a acknowledges it, f marks it a false alarm, Enter opens it. Keys do
// nothing while a form field has focus or a modifier key is held.
(function () {
  "use strict";
  const table = document.getElementById("alerts");
  if (!table) return;
  const rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-alert]"));
  const boxes = rows.map(function (row) { return row.querySelector('input[name="alert"]'); });
  const all = document.getElementById("select-all");
  let selected = -1;

  function syncAll() {
    const ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
    syncAll();
  });
  boxes.forEach(function (box) { box.addEventListener("change", syncAll); });

  function select(index) {
    if (!rows.length) return;
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) {
      row.classList.toggle("selected", i === selected);
      row.setAttribute("aria-selected", i === selected ? "true" : "false");
    });
    rows[selected].scrollIntoView({block: "nearest"});
  }

  function typing(target) {
    if (!target) return false;
    if (target.isContentEditable || /^(SELECT|TEXTAREA)$/.test(target.tagName)) return true;
    return target.tagName === "INPUT" &&
      !/^(checkbox|radio|button|submit|reset)$/.test(target.type);
  }

  function submitRow(key) {
    if (selected < 0) select(0);
    const form = rows[selected].querySelector('form[data-key="' + key + '"]');
    if (form) form.requestSubmit();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        typing(event.target)) return;
    switch (event.key) {
      case "j": select(selected + 1); break;
      case "k": select(selected < 0 ? 0 : selected - 1); break;
      case "x":
        if (selected < 0) select(0);
        boxes[selected].checked = !boxes[selected].checked;
        syncAll();
        break;
      case "a": submitRow("a"); break;
      case "f": submitRow("f"); break;
      case "Enter":
        if (selected < 0) return;
        rows[selected].querySelector("a.alert-link").click();
        break;
      default: return;
    }
    event.preventDefault();
  });
})();
