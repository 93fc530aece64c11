// "Copy link" beside an invitation link: copies the text of the field named by the
// button's data-copy and says so in the button's own live region (present on load).
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.copyStatus);
    const done = (text) => {
      if (status) status.textContent = text;
    };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        () => done(button.dataset.copied),
        () => done(button.dataset.failed),
      );
    } else {
      done(document.execCommand("copy") ? button.dataset.copied : button.dataset.failed);
    }
  });
})();
