// Progressive enhancement only: every page reads fully without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Search filters sit in a <details> so a phone shows results first; wide screens open it.
  if (window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details.facets").forEach(function (box) { box.open = true; });
  }
});
