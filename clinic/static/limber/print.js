/* The handout's Print button: shown only when this script runs, it opens the browser's print
   dialog. Without JavaScript the page says to use the browser's Print command instead. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
