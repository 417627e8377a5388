// Ticks a timed exam's clock (views/partials/exam-clock.hbs) down from the server's clock: the page
// carries the server's time at rendering, so a wrong clock on the device does not matter. Screen
// readers hear it only at 10, 5 and 1 minutes left and at the end, through one polite status region.
(function () {
  var box = document.querySelector(".exam-clock[data-ends-at]");
  if (!box) return;
  var left = box.querySelector("[data-clock-left]");
  var announce = box.querySelector("[data-clock-announce]");
  if (!left) return;
  var endsAt = Date.parse(box.getAttribute("data-ends-at"));
  var offset = Date.parse(box.getAttribute("data-server-now")) - Date.now();
  var staticNote = box.querySelector("[data-clock-static]");
  if (staticNote) staticNote.hidden = true;
  var thresholds = [10, 5, 1];
  var said = {};

  function text(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if (h > 0) return h + " h " + pad(m) + " min";
    if (m > 0) return m + " min " + pad(s % 60) + " s";
    return s + " s";
  }

  function tick() {
    var ms = endsAt - (Date.now() + offset);
    if (ms <= 0) {
      left.textContent = "Time is up";
      box.classList.add("time-up");
      if (announce && !said.end) { said.end = true; announce.textContent = "Time is up. Answers are no longer accepted."; }
      return;
    }
    left.textContent = text(ms) + " left";
    for (var i = 0; i < thresholds.length; i++) {
      var t = thresholds[i];
      if (ms <= t * 60000 && ms > (t * 60000 - 60000) && !said[t]) {
        said[t] = true;
        if (announce) announce.textContent = t === 1 ? "One minute left." : t + " minutes left.";
      }
    }
    setTimeout(tick, 1000 - ((Date.now() + offset) % 1000) + 5);
  }
  tick();
})();
