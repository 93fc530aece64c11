// Reminder settings page: turn on web push notifications for this browser.
// Registers the push service worker (push-sw.js), subscribes with the server's VAPID key
// and posts the subscription to Limber. No inline script: the page's data-* carry the URLs.
(function () {
  "use strict";
  var box = document.querySelector(".push-controls");
  if (!box) return;
  var status = document.getElementById("push-status");
  var unsupported = document.querySelector(".push-unsupported");
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  box.hidden = false;
  if (unsupported) unsupported.hidden = true;

  function applicationServerKey(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function ownError(message) {
    var error = new Error(message);
    error.limber = true;
    return error;
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // pushManager.subscribe needs an active worker; the worker's scope is not this page,
  // so navigator.serviceWorker.ready would never resolve here.
  function whenActive(registration) {
    if (registration.active) return Promise.resolve(registration);
    var worker = registration.installing || registration.waiting;
    return new Promise(function (resolve) {
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") resolve(registration);
      });
    });
  }

  document.getElementById("push-on").addEventListener("click", function () {
    status.textContent = box.dataset.working || "…";
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw ownError(box.dataset.denied);
        return navigator.serviceWorker.register(box.dataset.workerUrl);
      })
      .then(whenActive)
      .then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          return existing || registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: applicationServerKey(box.dataset.vapidKey)
          });
        });
      })
      .then(function (subscription) {
        return fetch(box.dataset.subscribeUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
          body: JSON.stringify(subscription.toJSON())
        });
      })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var errors = body.errors || {};
            var first = Object.keys(errors)[0];
            throw ownError(first ? errors[first][0] : box.dataset.failed);
          }
          status.textContent = body.detail;
        });
      })
      .catch(function (error) {
        // Our own messages are translated; the browser's (no push service, blocked) are not.
        status.textContent = error.limber ? error.message : box.dataset.failed;
      });
  });
})();
