// Disables a form's submit button after the first click, so a double tap sends one request.
// The server is the real guard: the form carries an idempotency key, and a repeat stores nothing new.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = form.querySelector("button[data-once]");
  if (!button) return;
  if (form.dataset.sent === "1") { event.preventDefault(); return; }
  form.dataset.sent = "1";
  button.setAttribute("aria-disabled", "true");
  button.textContent = "Submitting…";
});
