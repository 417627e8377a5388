// Sends the LTI answer back to the LMS at once; the button stays for browsers without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("lti-autopost");
  if (form) form.submit();
});
