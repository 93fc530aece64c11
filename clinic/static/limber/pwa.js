/* The installable app, on every page: registers the service worker (/sw.js, see
 * limber/sw.js), asks it to keep the patient's pages for offline use, forgets them on
 * sign-out, and on Today shows how to install on phones that only install from the share
 * menu. Everything it shows is markup in the page (translated), hidden until needed. */
(function () {
  "use strict";

  var DISMISSED = "limber:install-notice-dismissed";

  function samePath(href) {
    try {
      var url = new URL(href, window.location.href);
      return url.origin === window.location.origin ? url.pathname : null;
    } catch (error) {
      return null;
    }
  }

  /* This page and, from Today, the pages it leads to (links marked data-offline): the
   * worker keeps only the patient's own pages and ignores any other path. */
  function pagesToKeep(controlled) {
    /* A page the worker served is already kept; the first one, before it ran, is not. */
    var paths = controlled ? [] : [window.location.pathname];
    Array.prototype.forEach.call(document.querySelectorAll("a[data-offline]"), function (link) {
      var path = samePath(link.getAttribute("href"));
      if (path && paths.indexOf(path) === -1) {
        paths.push(path);
      }
    });
    return paths;
  }

  function register() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      return;
    }
    var worker = navigator.serviceWorker;
    var controlled = !!worker.controller;
    worker.register("/sw.js", { scope: "/" }).catch(function () {
      /* No offline use in this browser; the site works as before. */
    });
    function keep() {
      worker.ready.then(function (registration) {
        var paths = pagesToKeep(controlled);
        if (registration.active && navigator.onLine !== false && paths.length) {
          registration.active.postMessage({ type: "keep-pages", paths: paths });
        }
      });
    }
    keep();
    keepAfterSaving(worker);
    /* A new worker took over (a release): it starts with an empty page cache. */
    worker.addEventListener("controllerchange", function () {
      controlled = false;
      keep();
    });

    Array.prototype.forEach.call(
      document.querySelectorAll("form[action='/logout/']"),
      function (form) {
        form.addEventListener("submit", function () {
          if (worker.controller) {
            worker.controller.postMessage({ type: "forget-pages" });
          }
        });
      }
    );
  }

  /* The player saves each step in the background (limber/session.js) and says so in its
   * status line; once that settles, the kept copy of the page is fetched again, so that
   * reopening it offline resumes at the right step. */
  function keepAfterSaving(worker) {
    var status = document.getElementById("save-status");
    if (!status || !window.MutationObserver) {
      return;
    }
    var timer = null;
    new MutationObserver(function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (worker.controller && navigator.onLine !== false) {
          worker.controller.postMessage({ type: "keep-pages", paths: [window.location.pathname] });
        }
      }, 1000);
    }).observe(status, { childList: true, characterData: true, subtree: true });
  }

  /* Starting a session creates it on the server: offline, say so instead of failing. */
  function guardStart() {
    var notice = document.getElementById("offline-start");
    if (!notice) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-needs-connection]"),
      function (form) {
        form.addEventListener("submit", function (event) {
          if (navigator.onLine === false) {
            event.preventDefault();
            notice.hidden = false;
            notice.focus();
          }
        });
      });
    window.addEventListener("online", function () {
      notice.hidden = true;
    });
  }

  function standalone() {
    return window.navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }

  /* iPhone and iPad browsers install only through Share > Add to Home Screen (an iPad
   * presents itself as a Mac with a touch screen). */
  function installsFromShareMenu() {
    var ua = navigator.userAgent || "";
    return /iPhone|iPad|iPod/.test(ua) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  function dismissed() {
    try {
      return window.localStorage.getItem(DISMISSED) === "1";
    } catch (error) {
      return true;
    }
  }

  function installNotice() {
    var notice = document.getElementById("install-notice");
    if (!notice || standalone() || !installsFromShareMenu() || dismissed()) {
      return;
    }
    var close = notice.querySelector("[data-dismiss]");
    notice.hidden = false;
    if (close) {
      close.addEventListener("click", function () {
        try {
          window.localStorage.setItem(DISMISSED, "1");
        } catch (error) {
          /* Private browsing: hidden for this visit only. */
        }
        notice.hidden = true;
        var heading = document.querySelector("main h1");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      });
    }
  }

  register();
  guardStart();
  installNotice();
}());
