// Print buttons of the dashboard (a progressive enhancement: the browser's own print works without it).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
