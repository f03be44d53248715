// Article highlights: the verdict tooltips work with CSS alone (hover and keyboard focus);
// this adds what CSS cannot: Escape hides the open tooltip, and it stays inside the window.
(function () {
  "use strict";
  function place(wrap) {
    var tip = wrap.querySelector(".tip");
    if (!tip) { return; }
    tip.style.left = "";
    var box = tip.getBoundingClientRect();
    var overflow = box.right - (document.documentElement.clientWidth - 8);
    if (overflow > 0) { tip.style.left = (-Math.min(overflow, box.left - 8)) + "px"; }
  }
  document.addEventListener("mouseover", function (event) {
    var wrap = event.target.closest && event.target.closest(".hl-wrap");
    if (wrap) { wrap.classList.remove("tip-dismissed"); place(wrap); }
  });
  document.addEventListener("focusin", function (event) {
    var wrap = event.target.closest && event.target.closest(".hl-wrap");
    if (wrap) { wrap.classList.remove("tip-dismissed"); place(wrap); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll(".hl-wrap:hover, .hl-wrap:focus-within").forEach(function (wrap) {
      wrap.classList.add("tip-dismissed");
    });
  });
})();
