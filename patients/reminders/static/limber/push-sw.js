// Limber's push handler: shows a reminder sent by the worker (patients/reminders/sending.py)
// and opens the patient's Today when it is tapped. The notification's tag is the
// delivery's, so a reminder re-sent after a worker crash replaces the first, not doubles it.
// The installable-app work will fold this into the app's own service worker.
self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (error) {
      data = {body: event.data.text()};
    }
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Limber", {
      body: data.body || "",
      tag: data.tag,
      data: {url: data.url || "/today/"}
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/today/";
  event.waitUntil(
    self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(url);
    })
  );
});
