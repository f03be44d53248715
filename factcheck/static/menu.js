// The site menu is a <details> disclosure, open in the HTML so that it works without
// JavaScript. Here it is closed on narrow screens (the summary button opens it) and kept
// open on wide ones, where the summary is hidden.
(function () {
  "use strict";
  var menu = document.getElementById("site-menu");
  if (!menu || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 901px)");
  function fit() { menu.open = wide.matches; }
  fit();
  if (wide.addEventListener) { wide.addEventListener("change", fit); }
})();
