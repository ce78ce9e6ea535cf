/* The list page's « Filtrer » disclosure (<details data-wide-query>): sent closed, so narrow screens see the
   results first; opened here on wide screens, where filters and results sit side by side. A disclosure sent
   open (data-keep-open: a filter was not understood) stays open. Without JavaScript it opens by hand. */
(function () {
  "use strict";

  function setup(details) {
    if (!window.matchMedia || details.hasAttribute("data-keep-open")) { return; }
    var wide = window.matchMedia(details.getAttribute("data-wide-query"));
    function follow() { details.open = wide.matches; }
    follow();
    if (wide.addEventListener) {
      wide.addEventListener("change", follow);
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-wide-query]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
