// Reads a chosen CSV file into the roster text area, so the upload works with a plain form post.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-fills]")) return;
  var target = document.getElementById(input.getAttribute("data-fills"));
  var file = input.files && input.files[0];
  if (!target || !file) return;
  if (file.size > 1000000) { alert("That file is larger than 1 MB; a roster should be much smaller."); return; }
  file.text().then(function (text) { target.value = text; });
});
