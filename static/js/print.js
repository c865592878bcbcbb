// The print button of the public pages: no inline handler, so the Content-Security-Policy
// can refuse every inline script.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
