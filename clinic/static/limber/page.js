/* On every page: a form that came back from the server with errors puts focus on its error
 * summary, so a screen reader reads it and the keyboard continues from there. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
}());
