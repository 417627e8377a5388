/* Likely live quiz: the presenter (projector) view. Keyboard: S start, N next, R reveal, E end. */
(function () {
  "use strict";
  var Q = window.LikelyQuiz;
  var root = document.getElementById("present");
  if (!root || !Q) return;
  var quizId = root.getAttribute("data-quiz-id");
  var base = "/quizzes/" + quizId;
  var $ = function (id) {
    return document.getElementById(id);
  };

  var LABELS = { draft: "Not started", waiting: "Waiting", asking: "Answering", closed: "Time is up", revealed: "Revealed", ended: "Ended" };
  var state = null;
  var shownQuestion = null; // index whose question HTML is on screen
  var shownReveal = null; // "index:responses" whose reveal panels are on screen
  var shownState = null; // "index:state" whose main action has been focused
  var busy = false;

  function show(id, visible) {
    var node = $(id);
    if (node) node.hidden = !visible;
  }

  function setCount(responses, participants) {
    if (typeof responses === "number") {
      $("responses").textContent = String(responses);
      $("answers-word").textContent = responses === 1 ? "answer" : "answers";
    }
    if (typeof participants === "number") {
      $("participants").textContent = String(participants);
      $("joined-big").textContent = String(participants);
    }
  }

  function renderGroups(list, groups) {
    list.textContent = "";
    (groups || []).forEach(function (g) {
      if (g.count === 0 && g.kind !== "correct") return;
      list.appendChild(
        Q.el("li", { className: "group group-" + g.kind }, [
          Q.el("span", { className: "group-count", text: String(g.count) }),
          " ",
          Q.el("span", { className: "group-label", text: g.label }),
        ]),
      );
    });
  }

  /** One panel per answer part: its title, correct value, histogram and mistake groups. */
  function renderParts(parts) {
    var holder = $("reveal-parts");
    holder.textContent = "";
    (parts || []).forEach(function (p) {
      var plot = Q.el("div", { className: "reveal-part-plot" });
      plot.innerHTML = p.histogramSvg; // generated SVG from our server
      var correct = Q.el("p", { className: "reveal-part-correct" });
      if (p.correctValue) correct.append("Correct: ", Q.el("strong", { text: p.correctValue }));
      var groups = Q.el("ul", { className: "groups" });
      renderGroups(groups, p.groups);
      holder.appendChild(
        Q.el("section", { className: "reveal-part", "data-part": p.part }, [Q.el("h3", { className: "reveal-part-title", text: p.label }), correct, plot, groups]),
      );
    });
  }

  function renderSummary(rows) {
    var body = $("ended-summary").querySelector("tbody");
    body.textContent = "";
    rows.forEach(function (q) {
      body.appendChild(
        Q.el("tr", null, [
          Q.el("td", { text: q.index + 1 + ". " + q.title }),
          Q.el("td", { className: "num", text: String(q.responses) }),
          Q.el("td", { className: "num", text: q.shareCorrect === null ? "–" : Math.round(q.shareCorrect * 100) + "%" }),
        ]),
      );
    });
  }

  function apply(s) {
    state = s;
    Q.noteServerTime(s.serverTime);
    var st = s.state;
    var hasNext = s.index + 1 < s.total;
    root.setAttribute("data-state", st);
    var pill = $("state-label");
    pill.textContent = LABELS[st] || st;
    pill.className = "state-pill state-" + st;
    $("progress").textContent = s.index >= 0 ? "Question " + (s.index + 1) + " of " + s.total : s.total + (s.total === 1 ? " question" : " questions");

    // Join code and QR code (they appear at start).
    if (s.joinCode) {
      $("join-code").textContent = s.joinCode;
      if (s.qrSvg && !$("qr").firstElementChild) $("qr").innerHTML = s.qrSvg; // generated SVG from our server
      var host = (s.joinUrl || "").replace(/^https?:\/\//, "").replace(/\?.*$/, "");
      Array.prototype.forEach.call(document.querySelectorAll("[data-join-host]"), function (n) {
        n.textContent = host;
      });
      $("join-link").setAttribute("href", s.joinUrl);
    }
    show("join-box", !!s.joinCode);
    show("join-pending", !s.joinCode && s.state !== "ended");
    $("waiting-kicker").textContent = st === "draft" ? "Not started yet" : "Get ready";

    var reveal = s.reveal;
    var showReveal = st === "revealed";
    show("stage-waiting", st === "draft" || st === "waiting");
    show("stage-question", st === "asking" || st === "closed");
    show("stage-reveal", showReveal);
    show("stage-ended", st === "ended");
    if (st === "ended") renderSummary(s.summary || []);
    $("present-body").classList.toggle("is-reveal", showReveal);

    if (s.question && shownQuestion !== s.index) {
      $("question-html").innerHTML = s.question.html; // rendered on our server: prompt, table, SVG; no key
      shownQuestion = s.index;
    }
    if (reveal) {
      $("reveal-title").textContent = s.question ? s.question.title : "";
      $("share-correct").textContent = reveal.shareCorrect === null ? "–" : Math.round(reveal.shareCorrect * 100) + "%";
      var caption = reveal.responses + (reveal.responses === 1 ? " answer" : " answers");
      var offChart = Math.max.apply(null, [0].concat(reveal.revealParts.map(function (p) { return p.histogram.offChart; })));
      if (offChart > 0) caption += "; " + offChart + " far from the rest not drawn";
      $("reveal-caption").textContent = caption;
      if (shownReveal !== s.index + ":" + reveal.responses) {
        renderParts(reveal.revealParts);
        shownReveal = s.index + ":" + reveal.responses;
      }
    }

    setCount(s.responses, s.participants);
    show("countdown", st === "asking" || st === "closed");
    tick();

    $("btn-start").disabled = st !== "draft";
    $("btn-next").disabled = !((st === "waiting" || st === "asking" || st === "closed" || st === "revealed") && hasNext);
    $("next-label").textContent = s.index < 0 ? "First question" : "Next question";
    $("btn-reveal").disabled = !(st === "asking" || st === "closed");
    $("btn-end").disabled = st === "ended";

    // While students answer, Reveal is the main action; otherwise Next (or Start). The main action
    // gets the focus at each change, so Enter or a clicker's button does the expected thing.
    var revealLeads = st === "asking" || st === "closed";
    $("btn-reveal").classList.toggle("primary", revealLeads);
    $("btn-next").classList.toggle("primary", !revealLeads);
    var key = s.index + ":" + st;
    if (shownState !== key) {
      shownState = key;
      var main = st === "draft" ? $("btn-start") : revealLeads ? $("btn-reveal") : $("btn-next");
      var active = document.activeElement;
      var typing = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT");
      if (main && !main.disabled && !typing) main.focus({ preventScroll: true });
    }
  }

  var refresh = Q.coalesced(function () {
    return Q.request("GET", base + "/present/state")
      .then(function (r) {
        if (r.status === 200) apply(r.body);
        else if (r.status === 401) location.reload();
      })
      .catch(function () {});
  });

  var closingFetched = false;
  function tick() {
    if (!state) return;
    var node = $("countdown");
    if (state.state === "asking") {
      var left = Q.msUntil(state.closesAt);
      node.textContent = Q.formatCountdown(left);
      node.classList.toggle("urgent", left <= 10000);
      if (left <= 0 && !closingFetched) {
        closingFetched = true;
        setTimeout(refresh, 400); // the server announces the close too; this covers a missed event
      }
      if (left > 0) closingFetched = false;
    } else {
      node.textContent = state.state === "closed" ? "0:00" : "";
      node.classList.remove("urgent");
    }
  }
  setInterval(tick, 250);

  function message(text) {
    $("control-message").textContent = text || "";
  }

  function act(action) {
    var form = root.querySelector('form[data-action="' + action + '"]');
    if (!form || busy) return;
    var button = form.querySelector("button");
    if (button.disabled) return;
    var confirmText = form.getAttribute("data-confirm");
    if (action === "next" && state && (state.state === "asking" || state.state === "closed")) {
      // N next to R on the keyboard: moving on before the reveal is usually a slip.
      confirmText = "Skip the reveal of question " + (state.index + 1) + "? The class will not see its answers, and it is closed for good.";
    }
    if (confirmText && !window.confirm(confirmText)) {
      if (action === "next" && !$("btn-reveal").disabled) $("btn-reveal").focus(); // back to the main action
      return;
    }
    busy = true;
    button.setAttribute("aria-busy", "true");
    message("");
    Q.request("POST", base + "/" + action)
      .then(function (r) {
        if (r.status >= 400) message((r.body && r.body.error) || "That did not work (" + r.status + ").");
        return refresh();
      })
      .catch(function () {
        message("No connection to the server. Check the network and try again.");
      })
      .then(function () {
        busy = false;
        button.removeAttribute("aria-busy");
      });
  }

  Array.prototype.forEach.call(root.querySelectorAll("form[data-action]"), function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      act(form.getAttribute("data-action"));
    });
  });

  var KEYS = { s: "start", n: "next", r: "reveal", e: "end" };
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var action = KEYS[(e.key || "").toLowerCase()];
    if (!action) return;
    e.preventDefault();
    var button = $("btn-" + action);
    if (button && !button.disabled) button.focus();
    act(action);
  });

  function connection(status) {
    var dot = $("conn");
    dot.className = "conn conn-" + status;
    dot.setAttribute("aria-label", "Live connection: " + status);
    dot.title = status === "live" ? "Live: answers arrive as they are sent" : "Reconnecting…";
  }

  Q.liveStream(
    base + "/present/events",
    {
      open: refresh,
      state: function () {
        refresh();
      },
      count: function (c) {
        if (state && c.index === state.index) setCount(c.responses, c.participants);
        else if (state) setCount(undefined, c.participants);
      },
    },
    connection,
  );
  refresh();
})();
