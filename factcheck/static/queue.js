// Review queue keys: j/k move between claims, a assigns the current claim, Enter opens it.
// Without JavaScript every row still has its link and its "Assign to me" button.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var current = -1;

  function select(index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) { rows[current].classList.remove("current"); rows[current].removeAttribute("aria-current"); }
    current = index;
    var row = rows[current];
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a.claim-link");
    if (link) { link.focus({ preventScroll: true }); }
    row.scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    if (event.key === "j") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k") { select(current < 0 ? 0 : current - 1); event.preventDefault(); }
    else if (event.key === "a" && current >= 0) {
      var button = rows[current].querySelector("button[data-assign]");
      if (button) { button.click(); event.preventDefault(); }
    } else if (event.key === "Enter" && current >= 0 && event.target === document.body) {
      window.location.href = rows[current].getAttribute("data-open");
      event.preventDefault();
    }
  });

  // Back from "assign" (or any link to a row): select that row again.
  // After the load event: the browser's own scrolling to the fragment comes first.
  function selectTarget() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && rows.indexOf(target) >= 0) { select(rows.indexOf(target)); }
  }
  if (document.readyState === "complete") { selectTarget(); }
  else { window.addEventListener("load", selectTarget); }

  // Keep the highlighted row in step when the reader tabs or clicks into a row.
  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () {
      if (current !== index) {
        if (current >= 0) { rows[current].classList.remove("current"); rows[current].removeAttribute("aria-current"); }
        current = index; row.classList.add("current"); row.setAttribute("aria-current", "true");
      }
    });
  });
})();
