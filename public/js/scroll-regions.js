// Boxes that scroll sideways (wide formulas and tables on a phone) must be reachable by keyboard:
// each one that actually overflows gets tabindex="0" (arrow keys then scroll it) and a name;
// boxes that fit lose it again, so a wide screen has no extra tab stops.
(function () {
  var SELECTOR = ".katex-display, .table-scroll, .formula, .math-display, .present-stage, [data-scroll-region]";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";
  function update() {
    var boxes = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var style = getComputedStyle(box);
      var scrolls = (/auto|scroll/.test(style.overflowX) && box.scrollWidth > box.clientWidth) ||
        (/auto|scroll/.test(style.overflowY) && box.scrollHeight > box.clientHeight);
      var mine = box.getAttribute("data-scroll-focus") === "1";
      if (scrolls && !mine && !box.hasAttribute("tabindex") && !box.querySelector(FOCUSABLE)) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "1");
        if (!box.hasAttribute("role")) box.setAttribute("role", "group");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", box.querySelector("table") ? "Table (scrolls sideways)" : "Formula (scrolls sideways)");
      } else if (!scrolls && mine) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
        if (box.getAttribute("role") === "group") box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }
  // At most once a frame, and never starved: the presenter's clock changes the page four times a
  // second, and a debounce restarted by each change could hold a new question's check back (a wide
  // formula then scrolled without a tab stop).
  var queued = false;
  function later() {
    if (queued) return;
    queued = true;
    (window.requestAnimationFrame || setTimeout)(function () { queued = false; update(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update); else update();
  window.addEventListener("load", update);
  window.addEventListener("resize", later);
  // KaTeX's web fonts arrive after the first layout and widen formulas: look again then.
  if (document.fonts) {
    document.fonts.ready.then(later);
    if (document.fonts.addEventListener) document.fonts.addEventListener("loadingdone", later);
  }
  // Pages that insert content later (the live quiz) are covered too.
  if (window.MutationObserver) {
    document.addEventListener("DOMContentLoaded", function () {
      new MutationObserver(function (records) {
        for (var i = 0; i < records.length; i++) if (records[i].type === "childList") return later();
      }).observe(document.body, { childList: true, subtree: true });
    });
  }
})();
