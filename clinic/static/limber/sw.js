/* Limber's service worker, served as /sw.js by clinic/pwa.py with one line before this one:
 * self.LIMBER = {version, shell: [static URLs], push: URL or null}.
 *
 * What it keeps, so a patient who opened Today once can open Limber and run a session with
 * no connection (docs/patient-session.md, "Installable and offline"):
 * - the app shell (styles, scripts, icons, the stretches' drawings): served from the cache,
 *   refreshed in the background;
 * - the patient's own pages, Today, My plan and the session player, and the pictures they
 *   show: always asked from the network first, the cached copy only when that fails.
 * What it never keeps: anything but a GET, the API, staff pages and any other page. The page
 * cache is emptied on sign-out, and whenever the server says the patient is signed out.
 * Completions are not this file's business: the player queues them in localStorage and
 * sends them itself when back online (limber/session.js). */
"use strict";

var CONFIG = self.LIMBER || { version: "dev", shell: [], push: null };
var SHELL_CACHE = "limber-shell-" + CONFIG.version;
var PAGES_CACHE = "limber-pages-" + CONFIG.version;
/* The patient's pages that may be kept: Today, My plan, one session (the player). */
var PATIENT_PAGES = [/^\/today\/$/, /^\/plan\/$/, /^\/sessions\/\d+\/$/];
var SIGN_OUT = "/logout/";
/* Pictures and files a cached page refers to. */
var ASSET = /(?:src|href)="(\/(?:static|media)\/[^"#?]+)/g;

/* The reminders' push handler lives in its own file; Limber works without it. */
if (CONFIG.push) {
  try {
    importScripts(CONFIG.push);
  } catch (error) {
    /* No push handler: reminders by push are off, everything else works. */
  }
}

function isPatientPage(pathname) {
  return PATIENT_PAGES.some(function (pattern) { return pattern.test(pathname); });
}

function isAsset(url) {
  return url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/media/") === 0;
}

/* A patient's picture may be private to the clinic: it goes with the pages, not the shell. */
function cacheFor(url) {
  return url.pathname.indexOf("/media/") === 0 ? PAGES_CACHE : SHELL_CACHE;
}

function keepable(response) {
  return response && response.status === 200 && response.type === "basic";
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      /* One by one: a file that fails must not stop the rest from being kept. */
      return Promise.all(CONFIG.shell.map(function (url) {
        return cache.add(url).catch(function () { return null; });
      }));
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("limber-") === 0 && name !== SHELL_CACHE && name !== PAGES_CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function forgetPages() {
  return caches.delete(PAGES_CACHE);
}

/* Keep the files a page refers to, so its pictures show offline too. */
function keepAssets(html) {
  var seen = {};
  var match;
  var work = [];
  ASSET.lastIndex = 0;
  while ((match = ASSET.exec(html)) !== null) {
    var url = new URL(match[1], self.location.origin);
    if (seen[url.pathname]) {
      continue;
    }
    seen[url.pathname] = true;
    work.push(keepAsset(url));
  }
  return Promise.all(work);
}

function keepAsset(url) {
  return caches.open(cacheFor(url)).then(function (cache) {
    return cache.match(url.pathname).then(function (hit) {
      if (hit) {
        return null;
      }
      return fetch(url.pathname).then(function (response) {
        return keepable(response) ? cache.put(url.pathname, response) : null;
      });
    });
  }).catch(function () { return null; });
}

/* Requests for the same page can overlap (a reload, a refresh after a saved step): each is
 * numbered when it starts, and an answer never replaces one to a later request. */
var requestNumber = 0;
var keptNumber = {};

/* Store a patient's page under its path (its query and fragment do not change it). */
function keepPage(pathname, response, number) {
  return response.clone().text().then(function (html) {
    if ((keptNumber[pathname] || 0) > number) {
      return null;
    }
    keptNumber[pathname] = number;
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.put(pathname, response);
    }).then(function () {
      return keepAssets(html);
    });
  });
}

/* Fetch a patient's page now and keep it: the open session's player while online, say. */
function fetchAndKeep(pathname) {
  var number = ++requestNumber;
  return fetch(pathname, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
    return answered(pathname, response, number);
  }).catch(function () { return null; });
}

/* What the server said about a patient's page decides what the cache holds. */
function answered(pathname, response, number) {
  if (keepable(response) && !response.redirected) {
    return keepPage(pathname, response.clone(), number).then(function () { return response; });
  }
  if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
    /* Signed out (the server sends the patient to sign in): nothing of theirs stays. */
    return forgetPages().then(function () { return response; });
  }
  if (response.status === 404) {
    /* Not this person's page (another person signed in, or a session gone). */
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.delete(pathname);
    }).then(function () { return response; });
  }
  return Promise.resolve(response);
}

function pageFromNetwork(event, url) {
  var patientPage = isPatientPage(url.pathname);
  var number = ++requestNumber;
  return fetch(event.request).then(function (response) {
    if (!patientPage) {
      return response;
    }
    var settled = answered(url.pathname, response, number);
    event.waitUntil(settled);
    return response;
  }, function (error) {
    /* No connection. "/" (where the installed app starts) opens Today. */
    var pathname = url.pathname === "/" ? "/today/" : url.pathname;
    if (!isPatientPage(pathname)) {
      throw error;
    }
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.match(pathname);
    }).then(function (cached) {
      if (!cached) {
        throw error;
      }
      return cached;
    });
  });
}

/* Shell and pictures: the cached copy at once, a fresh one fetched for next time. Uploaded
 * pictures (/media/) are only kept with a patient's page (keepAssets), never because some
 * other page, a staff page say, showed them. */
function assetFromCache(event, url) {
  var media = url.pathname.indexOf("/media/") === 0;
  return caches.open(cacheFor(url)).then(function (cache) {
    return cache.match(url.pathname).then(function (cached) {
      if (media && !cached) {
        return fetch(event.request);
      }
      var fresh = fetch(event.request).then(function (response) {
        if (keepable(response) && !event.request.headers.has("range")) {
          return cache.put(url.pathname, response.clone()).then(function () { return response; });
        }
        return response;
      });
      if (cached) {
        event.waitUntil(fresh.catch(function () { return null; }));
        return cached;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    /* Never cached and never answered from a cache: the browser sends it as usual. */
    if (request.method === "POST" && url.pathname === SIGN_OUT) {
      event.waitUntil(forgetPages());
    }
    return;
  }
  if (request.mode === "navigate") {
    /* Only the patient's pages and "/" (where the installed app starts); every other page,
     * staff pages included, goes to the network untouched. */
    if (isPatientPage(url.pathname) || url.pathname === "/") {
      event.respondWith(pageFromNetwork(event, url));
    }
    return;
  }
  if (isAsset(url)) {
    event.respondWith(assetFromCache(event, url));
  }
  /* Anything else, the API included, goes to the network untouched. */
});

/* From limber/pwa.js: keep these patient pages (the one shown, from Today the plan and the
 * open session, the player again after it saved a step), or forget all pages (sign-out). */
self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type === "keep-pages" && Array.isArray(message.paths)) {
    event.waitUntil(Promise.all(message.paths.filter(isPatientPage).map(fetchAndKeep)));
  } else if (message.type === "forget-pages") {
    event.waitUntil(forgetPages());
  }
});
