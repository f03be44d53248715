// "Add a source" without a round trip: copy the last source row with empty fields.
// Without JavaScript the button submits the form, which comes back with one more row.
(function () {
  "use strict";
  var button = document.querySelector("[data-add-source]");
  var container = document.getElementById("source-rows");
  if (!button || !container) { return; }
  var MAX = 20;
  button.addEventListener("click", function (event) {
    var rows = container.querySelectorAll("[data-source-row]");
    if (rows.length >= MAX) { return; }  // let the server explain the limit
    event.preventDefault();
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var next = rows.length;
    copy.querySelectorAll("[name], [id], [for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/sources-\d+-/, "sources-" + next + "-")); }
      });
      if (el.tagName === "SELECT") { el.selectedIndex = el.querySelector("option[value=context]") ? Array.prototype.indexOf.call(el.options, el.querySelector("option[value=context]")) : 0; }
      else if (el.tagName === "INPUT" && el.type !== "hidden") { el.value = ""; }
      else if (el.tagName === "TEXTAREA") { el.value = ""; }
    });
    var number = copy.querySelector(".source-number");
    if (number) { number.textContent = "Source " + (next + 1); }
    copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    container.appendChild(copy);
    var url = copy.querySelector("input");
    if (url) { url.focus(); }
    if (rows.length + 1 >= MAX) { button.hidden = true; }
  });
})();
