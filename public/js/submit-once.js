// Answer forms (data-retry-safe) are sent with fetch so that a lost connection keeps the student on
// the page with the same idempotency key: tapping Submit again cannot store the answer twice, and a
// double tap sends one request. Without JavaScript the form posts normally and the server's
// idempotency key still stores one submission per page view.
(function () {
  function notice(form, text) {
    var box = form.querySelector(".submit-notice");
    if (!box) {
      box = document.createElement("div");
      box.className = "notice notice-error submit-notice";
      box.setAttribute("role", "alert");
      form.querySelector(".form-actions").before(box);
    }
    box.textContent = text;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-retry-safe]")) return;
    event.preventDefault();
    if (form.dataset.sending === "1") return;
    form.dataset.sending = "1";
    var button = form.querySelector("button[data-once]");
    var label = button ? button.textContent : "";
    if (button) { button.setAttribute("aria-disabled", "true"); button.textContent = "Submitting…"; }
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
    }).then(function (res) {
      // The graded result: land on it (#result) as a browser without JavaScript does.
      if (res.redirected) { window.location.assign(res.url.split("#")[0] + "#result"); return; }
      // Unreadable answers (422) or a closed exercise (409) stored nothing: let the browser post
      // again and show the server's page with the explanations.
      form.submit();
    }).catch(function () {
      form.dataset.sending = "0";
      if (button) { button.removeAttribute("aria-disabled"); button.textContent = label; }
      notice(form, "No connection: your answer may not have arrived. Check your network and tap Submit again; it will not be counted twice.");
    });
  });
})();
