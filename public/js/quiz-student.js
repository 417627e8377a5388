/* Likely live quiz: the student's phone view. State comes from the server; this page only shows it. */
(function () {
  "use strict";
  var Q = window.LikelyQuiz;
  var root = document.getElementById("phone");
  if (!root || !Q) return;
  var quizId = root.getAttribute("data-quiz-id");
  var base = "/quiz/" + quizId;
  var $ = function (id) {
    return document.getElementById(id);
  };

  var REFETCH_SPREAD_MS = 600;
  // A complete answer typed but not sent goes out this long before time is up (the server's
  // clock decides: after closesAt it is refused), so "forgot to press Send" does not cost a point.
  var AUTO_SEND_MS = 2500;
  var autoSent = {}; // question index -> true once its typed answer was sent for the student
  var state = null;
  var renderedIndex = null; // question whose inputs are on screen
  var sending = false;
  var retryTimer = null;

  // Typed but unsent answers survive a reload (per quiz and question).
  function draftKey(index) {
    return "likely-quiz-" + quizId + "-" + index;
  }
  function pendingKey(index) {
    return draftKey(index) + "-pending";
  }
  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* private mode: no drafts */
    }
  }
  function load(key) {
    try {
      var v = localStorage.getItem(key);
      return v ? JSON.parse(v) : null;
    } catch (e) {
      return null;
    }
  }

  function setStatus(kind, text) {
    var s = $("status");
    s.className = "phone-status status-" + kind;
    s.textContent = text;
  }

  function shapeHint(shape) {
    if (!shape || shape.kind === "scalar") return "a number, e.g. 0.375 or 3/8";
    if (shape.kind === "vector") return shape.length + " numbers, separated by spaces or commas";
    return shape.rows + " rows of " + shape.cols + " numbers: one row per line";
  }

  function textOf(v) {
    if (v === undefined || v === null) return "";
    if (typeof v === "string") return v;
    if (typeof v === "number") return String(v);
    if (Array.isArray(v) && v.length && Array.isArray(v[0])) return v.map(textOf).join("\n");
    if (Array.isArray(v)) return v.join(" ");
    return "";
  }

  function buildParts(s) {
    var holder = $("parts");
    holder.textContent = "";
    var draft = load(draftKey(s.index)) || {};
    s.parts.forEach(function (p) {
      var id = "part-" + p.name;
      var hintId = id + "-hint";
      var errId = id + "-error";
      var field;
      if (!p.shape || p.shape.kind === "scalar") {
        field = Q.el("input", {
          type: "text",
          id: id,
          name: p.name,
          inputmode: "decimal",
          autocomplete: "off",
          autocorrect: "off",
          autocapitalize: "off",
          spellcheck: "false",
          enterkeyhint: "send",
          "aria-describedby": hintId + " " + errId,
        });
      } else {
        var rows = p.shape.kind === "matrix" ? Math.min(6, p.shape.rows) : 1;
        field = Q.el("textarea", {
          id: id,
          name: p.name,
          rows: String(Math.max(2, rows)),
          autocomplete: "off",
          autocorrect: "off",
          autocapitalize: "off",
          spellcheck: "false",
          "aria-describedby": hintId + " " + errId,
        });
      }
      field.value = textOf(draft[p.name]);
      field.addEventListener("input", saveDraft);
      var row = Q.el("div", { className: "answer-row" }, [field]);
      if (field.tagName === "INPUT") {
        // Phone number pads often have no minus key: a button flips the sign.
        var sign = Q.el("button", { type: "button", className: "button sign-button", "aria-label": "Change the sign of " + p.label, text: "±" });
        sign.addEventListener("click", function () {
          var v = field.value.trim();
          field.value = v.charAt(0) === "-" ? v.slice(1) : "-" + v;
          saveDraft();
          field.focus();
        });
        row.appendChild(sign);
      }
      holder.appendChild(
        Q.el("div", { className: "part", "data-part": p.name }, [
          Q.el("label", { for: id, text: p.label }),
          row,
          Q.el("div", { className: "field-help", id: hintId, text: shapeHint(p.shape) }),
          Q.el("div", { className: "field-error", id: errId, role: "alert" }),
          Q.el("div", { className: "feedback", hidden: "" }),
        ]),
      );
    });
  }

  function collect() {
    var answers = {};
    if (!state || !state.parts) return answers;
    state.parts.forEach(function (p) {
      var f = $("part-" + p.name);
      if (f) answers[p.name] = f.value;
    });
    return answers;
  }

  /** True when some part has text in it (typed but maybe not sent). */
  function typedSomething() {
    var a = collect();
    return Object.keys(a).some(function (k) {
      return String(a[k]).trim() !== "";
    });
  }

  /** True when every part has text in it. */
  function typedEverything() {
    var a = collect();
    var names = Object.keys(a);
    return names.length > 0 && names.every(function (k) {
      return String(a[k]).trim() !== "";
    });
  }

  function saveDraft() {
    if (state && state.index >= 0) store(draftKey(state.index), collect());
  }

  function fill(answers) {
    Object.keys(answers || {}).forEach(function (name) {
      var f = $("part-" + name);
      if (f) f.value = textOf(answers[name]);
    });
  }

  function setEditable(on) {
    Array.prototype.forEach.call($("parts").querySelectorAll("input, textarea, button"), function (f) {
      if (f.tagName === "BUTTON") {
        f.disabled = !on;
        f.hidden = !on;
      }
      else f.readOnly = !on;
    });
    $("send").hidden = !on;
    $("send").disabled = !on || sending;
  }

  function clearErrors() {
    Array.prototype.forEach.call($("parts").querySelectorAll(".part"), function (node) {
      node.querySelector(".field-error").textContent = "";
      var f = node.querySelector("input, textarea");
      if (f) f.removeAttribute("aria-invalid");
    });
    $("form-error").hidden = true;
  }

  function showErrors(errors) {
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var node = $("parts").querySelector('[data-part="' + CSS.escape(name) + '"]');
      if (!node) return;
      node.querySelector(".field-error").textContent = errors[name];
      var f = node.querySelector("input, textarea");
      if (f) {
        f.setAttribute("aria-invalid", "true");
        if (!first) first = f;
      }
    });
    if (first) first.focus();
  }

  function showResult(s) {
    var box = $("result");
    box.textContent = "";
    var byName = {};
    (s.result ? s.result.parts : []).forEach(function (p) {
      byName[p.name] = p;
    });
    Array.prototype.forEach.call($("parts").querySelectorAll(".part"), function (node) {
      var name = node.getAttribute("data-part");
      var r = byName[name];
      var fb = node.querySelector(".feedback");
      node.classList.remove("correct", "wrong");
      if (r) {
        node.classList.add(r.correct ? "correct" : "wrong");
        fb.className = "feedback " + (r.correct ? "ok" : "bad");
        fb.textContent = (r.correct ? "✓ Right. " : "✗ Wrong. ") + (r.correct ? "" : r.feedback);
        fb.hidden = false;
      } else fb.hidden = true;
      if (s.key && s.key[name] !== undefined) {
        fb.hidden = false;
        if (!r) fb.className = "feedback";
        fb.appendChild(Q.el("span", { className: "key-value" }, [" Correct value: ", Q.el("strong", { text: Q.formatValue(s.key[name]) })]));
      }
    });
    if (s.result) {
      var all = s.result.score >= 1;
      box.appendChild(
        Q.el("p", { className: "verdict " + (all ? "verdict-ok" : s.result.score > 0 ? "verdict-partly" : "verdict-bad") }, [
          all ? "Right!" : s.result.score > 0 ? "Partly right: " + Math.round(s.result.score * 100) + "%" : "Not right this time.",
        ]),
      );
    } else {
      box.appendChild(Q.el("p", { className: "verdict verdict-none", text: "You did not answer this question." }));
    }
    box.hidden = false;
  }

  var shownState = null; // "index:state" last shown, to scroll only on a change

  function apply(s) {
    state = s;
    var st = s.state;
    var changed = shownState !== s.index + ":" + st;
    shownState = s.index + ":" + st;
    $("progress").textContent = s.index >= 0 ? "Question " + (s.index + 1) + " of " + s.total : "";
    var hasQuestion = s.index >= 0 && !!s.parts && st !== "draft";

    if (hasQuestion && renderedIndex !== s.index) {
      $("question-html").innerHTML = s.prompt; // server-rendered question HTML (no key)
      buildParts(s);
      renderedIndex = s.index;
      $("result").hidden = true;
      clearErrors();
      if (st === "asking" && !s.answer) {
        var first = $("parts").querySelector("input, textarea");
        if (first) first.focus({ preventScroll: true });
      }
    }
    $("question").hidden = !hasQuestion;
    if (s.answer) fill(s.answer.answers);

    var pending = hasQuestion ? load(pendingKey(s.index)) : null;
    if (s.answer && pending) store(pendingKey(s.index), null);

    if (st === "draft" || st === "waiting") {
      setStatus("info", "You have joined. The first question appears here when it opens.");
    } else if (st === "asking") {
      if (s.answer) {
        setStatus("ok", "Received ✓ Your answer is in. Right or wrong is shown after the reveal.");
      } else if (pending && !sending) {
        fill(pending);
        send(pending);
      } else if (!sending) {
        setStatus("info", "Answer before the time runs out. Your first answer counts.");
      }
    } else if (st === "closed") {
      if (s.answer) setStatus("ok", "Time is up. Your answer was received; wait for the reveal.");
      else if (typedEverything()) setStatus("warn", "Time is up. What you typed was not sent in time, so it does not count.");
      else if (typedSomething()) setStatus("warn", "Time is up. What you typed was not sent (every part needs an answer), so it does not count.");
      else setStatus("warn", "Time is up. No answer was received for this question.");
    } else if (st === "revealed") {
      setStatus(s.result && s.result.score >= 1 ? "ok" : "info", "Revealed: here is how you did.");
    } else if (st === "ended") {
      setStatus("info", "The quiz has ended.");
    }
    setEditable(st === "asking" && !s.answer);
    if (hasQuestion && (st === "revealed" || (st === "ended" && s.key))) showResult(s);

    var summary = $("summary");
    summary.textContent = "";
    if (st === "ended" && s.summary) {
      summary.appendChild(Q.el("h2", { text: "Quiz ended" }));
      summary.appendChild(
        Q.el("p", { className: "summary-score" }, [
          "You scored ",
          Q.el("strong", { text: Q.formatValue(Math.round(s.summary.earned * 100) / 100) + " of " + s.summary.points }),
          " (" + s.summary.answered + " answered).",
        ]),
      );
      summary.hidden = false;
    } else summary.hidden = true;
    if (changed) {
      // Bring what changed into view: the new question, the verdict, the final score.
      if (st === "asking" && !s.answer) window.scrollTo(0, 0);
      else if (st === "revealed" && hasQuestion) $("parts").scrollIntoView({ block: "start" });
      else if (st === "ended") window.scrollTo(0, 0);
    }
    tick();
  }

  var refresh = Q.coalesced(function () {
    return Q.request("GET", base + "/state")
      .then(function (r) {
        if (r.status === 200) apply(r.body);
        else if (r.status === 401) location.href = "/signin?next=" + encodeURIComponent(location.pathname);
        else if (r.status === 404) setStatus("warn", "This quiz is not available to you. Join again with the code.");
      })
      .catch(function () {
        setStatus("warn", "No connection. Trying again…");
      });
  });

  function send(answers) {
    if (!state || state.state !== "asking" || sending) return;
    var index = state.index;
    sending = true;
    $("send").disabled = true;
    clearErrors();
    store(pendingKey(index), answers);
    setStatus("info", "Sending…");
    Q.request("POST", base + "/answers", { index: index, answers: answers })
      .then(function (r) {
        sending = false;
        if (r.status === 201) {
          store(pendingKey(index), null);
          store(draftKey(index), null);
          setStatus("ok", "Received ✓ Your answer is in. Right or wrong is shown after the reveal.");
          if (state && state.index === index) {
            state.answer = { answers: answers, receivedAt: r.body.receivedAt };
            setEditable(false);
          }
          return;
        }
        store(pendingKey(index), null);
        if (r.status === 422) {
          setStatus("warn", "Some answers could not be read; nothing was sent. Fix them and send again.");
          showErrors(r.body.parts);
          $("send").disabled = false;
        } else if (r.status === 409) {
          setStatus("warn", "Not accepted: " + ((r.body && r.body.error) || "the question has closed") + ".");
          refresh();
        } else {
          setStatus("warn", (r.body && r.body.error) || "Something went wrong (" + r.status + "). Try again.");
          $("send").disabled = false;
        }
      })
      .catch(function () {
        // Network dropped: keep the answer pending and try again (a re-send of the same answer is harmless).
        sending = false;
        setStatus("warn", "Not sent yet: no connection. Retrying…");
        clearTimeout(retryTimer);
        retryTimer = setTimeout(function () {
          if (state && state.index === index && state.state === "asking" && !state.answer) send(answers);
        }, 2000);
      });
  }

  $("quiz-answer-form").addEventListener("submit", function (e) {
    e.preventDefault();
    saveDraft();
    send(collect());
  });

  var closingFetched = false;
  function tick() {
    var node = $("countdown");
    if (!state || (state.state !== "asking" && state.state !== "closed")) {
      node.hidden = true;
      return;
    }
    node.hidden = false;
    var left = state.state === "asking" ? Q.msUntil(state.closesAt) : 0;
    node.textContent = Q.formatCountdown(left);
    node.classList.toggle("urgent", left <= 10000);
    if (state.state === "asking" && left > 0 && left <= AUTO_SEND_MS && !state.answer && !sending && !autoSent[state.index] && typedEverything()) {
      autoSent[state.index] = true;
      saveDraft();
      setStatus("info", "Time is almost up: sending what you typed…");
      send(collect());
    }
    if (state.state === "asking" && left <= 0) {
      setEditable(false);
      if (!closingFetched) {
        closingFetched = true;
        setTimeout(refresh, 400);
      }
    } else closingFetched = false;
  }
  setInterval(tick, 250);

  Q.liveStream(
    base + "/events",
    {
      open: refresh,
      state: function (s) {
        Q.noteServerTime(s.serverTime);
        if (s.question && s.question.index === s.index && s.state === "asking" && (!state || state.index !== s.index)) {
          // A new question with shared data comes in the event: show it at once, nothing to fetch.
          apply(Object.assign({}, s, s.question, { answer: null, result: null, key: null, summary: null }));
          return;
        }
        if (state && s.state === "closed" && state.index === s.index && state.state === "asking") {
          // Time is up: nothing new to fetch either.
          state.state = "closed";
          apply(state);
          return;
        }
        // A whole class hears the same event: spread the re-fetches over 0.6 s instead of one spike.
        setTimeout(refresh, Math.random() * REFETCH_SPREAD_MS);
      },
    },
    function (status) {
      root.setAttribute("data-connection", status);
    },
  );
  refresh();
})();
