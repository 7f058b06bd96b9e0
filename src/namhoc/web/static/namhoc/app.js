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
