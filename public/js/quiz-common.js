/* Likely live quiz: helpers shared by the presenter and the student page (no framework, no inline code). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /** The server's clock minus ours, from the last state received (milliseconds). */
  var clockOffset = 0;

  /**
   * fetch() for JSON with the CSRF header. Resolves {status, body}; rejects only on network failure.
   * The server time in a body corrects our clock: offset = serverTime - midpoint of the request.
   */
  function request(method, url, body) {
    var started = Date.now();
    var init = {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", "x-csrf-token": csrfToken() },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (data && typeof data.serverTime === "string") {
            var server = Date.parse(data.serverTime);
            if (!isNaN(server)) clockOffset = server - (started + Date.now()) / 2;
          }
          return { status: res.status, body: data };
        });
    });
  }

  /** Milliseconds left until an ISO time on the server's clock. */
  function msUntil(iso) {
    if (!iso) return 0;
    return Date.parse(iso) - (Date.now() + clockOffset);
  }

  function noteServerTime(iso) {
    var server = Date.parse(iso);
    if (!isNaN(server)) clockOffset = server - Date.now();
  }

  function formatCountdown(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  /**
   * A Server-Sent Events stream that survives dropped networks: EventSource retries by itself
   * (the server's retry: hint); when the browser gives up (an error status), we reopen it with
   * backoff. onOpen runs on every (re)connection, so the page re-fetches its state then.
   */
  function liveStream(url, handlers, onStatus) {
    var source = null;
    var delay = 1000;
    var timer = null;
    function connect() {
      timer = null;
      source = new EventSource(url);
      source.addEventListener("open", function () {
        delay = 1000;
        if (onStatus) onStatus("live");
        if (handlers.open) handlers.open();
      });
      Object.keys(handlers).forEach(function (name) {
        if (name === "open") return;
        source.addEventListener(name, function (e) {
          var data = null;
          try {
            data = JSON.parse(e.data);
          } catch (err) {
            return;
          }
          handlers[name](data);
        });
      });
      source.addEventListener("error", function () {
        if (onStatus) onStatus("reconnecting");
        if (source.readyState === EventSource.CLOSED) {
          source = null;
          if (!timer) timer = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 15000);
        }
      });
    }
    connect();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        if (!source && !timer) connect();
        else if (handlers.open) handlers.open();
      }
    });
    window.addEventListener("online", function () {
      if (!source && !timer) connect();
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") node.textContent = attrs[k];
        else if (k === "className") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /** A number for people: at most 4 significant digits, no "-0". */
  function formatNumber(x) {
    if (typeof x !== "number" || !isFinite(x)) return String(x);
    if (x === 0) return "0";
    var r = Number(x.toPrecision(4));
    var a = Math.abs(r);
    if (a < 1e-4 || a >= 1e6) return r.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
    return String(r);
  }

  function formatValue(v) {
    if (Array.isArray(v)) {
      if (v.length && Array.isArray(v[0])) return v.map(formatValue).join("; ");
      return "[" + v.map(formatNumber).join(", ") + "]";
    }
    return formatNumber(v);
  }

  /**
   * Wraps an async job so that calls arriving while it runs do not start it in parallel: they get
   * the running promise, and the job runs once more after it (state refreshes coalesce).
   */
  function coalesced(job) {
    var running = null;
    var again = false;
    return function run() {
      if (running) {
        again = true;
        return running;
      }
      running = job().then(function () {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
      return running;
    };
  }

  window.LikelyQuiz = {
    request: request,
    coalesced: coalesced,
    msUntil: msUntil,
    noteServerTime: noteServerTime,
    formatCountdown: formatCountdown,
    liveStream: liveStream,
    el: el,
    formatValue: formatValue,
  };
})();
