// namhoc's own small behaviours (served from our origin; the CSP allows no inline script).
"use strict";

// Unit picker: Enter in its search box searches instead of submitting the whole form.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.key === "Enter" && target && target.matches && target.matches("input.picker-search")) {
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(target, "search"); }
  }
});

// "In trang" buttons print the page (the print stylesheet hides menus and forms).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target && target.closest && target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
