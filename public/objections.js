// Objection pages: a submit button that cannot be pressed twice, and a print button.
// (The server also ignores a repeated submission; this only spares the second request.)
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(function (form) {
    var button = form.querySelector("button.submit-once");
    if (!button) return;
    form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; button.textContent = "正在提交…"; }, 0);
    });
  });
  document.querySelectorAll("button.print-page").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
});
