/* Staff are signed out after STAFF_SESSION_IDLE_SECONDS without a request (clinic/middleware.py
 * SessionPolicyMiddleware). Two minutes before, this warns and offers to stay signed in: the
 * button posts to the keep-alive endpoint, which counts as a request. Any htmx request also
 * restarts the clock, as it does on the server. When the time is up the page reloads, which
 * shows the sign-in page and says why. */
(function () {
  "use strict";

  var box = document.getElementById("idle-warning");
  if (!box || !window.fetch) {
    return;
  }
  var WARN_BEFORE_SECONDS = 120;
  var idleSeconds = parseInt(box.dataset.idleSeconds, 10);
  var url = box.dataset.keepAliveUrl;
  var stay = document.getElementById("idle-stay");
  var csrfInput = box.querySelector("input[name=csrfmiddlewaretoken]");
  var warnTimer = null;
  var endTimer = null;
  var returnFocus = null;

  function hide() {
    if (!box.hidden) {
      box.hidden = true;
      if (returnFocus && document.contains(returnFocus)) {
        returnFocus.focus();
      }
    }
  }

  function warn() {
    returnFocus = document.activeElement;
    box.hidden = false;
    stay.focus();
  }

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, Math.max(idleSeconds - WARN_BEFORE_SECONDS, 0) * 1000);
    endTimer = window.setTimeout(function () {
      window.location.reload();
    }, idleSeconds * 1000);
  }

  stay.addEventListener("click", function () {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfInput ? csrfInput.value : "", "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) {
        restart();
        hide();
      } else {
        window.location.reload();
      }
    }, function () { /* offline: keep the warning up, the patient data stays on screen */ });
  });

  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      stay.click();
    }
  });

  document.body.addEventListener("htmx:afterRequest", restart);
  restart();
}());
