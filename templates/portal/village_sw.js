/* The village officer's service worker (scope /desa/), served by portal.views.village_offline.
 *
 * Install: keep the village pages (home, the report and complaint forms, the outbox) and the static files they load.
 * Pages: network first, the kept copy when there is no connection (or it is too slow), so the
 * officer's village and forms open with no signal after one visit. Static files: cache first.
 * Never the API, never a POST: entries made offline wait in the page's outbox (IndexedDB,
 * village-offline.js), not here. A new version drops the caches of the old ones. */
"use strict";

const CONFIG = {{ config|safe }};
const PREFIX = "siskop2mi-village-";
const CACHE = PREFIX + CONFIG.version;
const NETWORK_TIMEOUT_MS = 7000;
const MATCH = { ignoreVary: true };

async function keep(cache, url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
    // A page that sends to the login page (the session ended) is not worth keeping.
    if (response.ok && !response.redirected) await cache.put(url, response);
  } catch (error) {
    // No connection or no such page: it is kept on its first visit instead.
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(CONFIG.static.concat(CONFIG.pages).map((url) => keep(cache, url))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.indexOf(PREFIX) === 0 && name !== CACHE).map((name) => caches.delete(name)))
      )
      .then(() => self.clients.claim())
  );
});

// The page script asks to forget the kept pages (an officer logs out on a shared phone).
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget-pages") {
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        cache.keys().then((requests) =>
          Promise.all(
            requests
              .filter((request) => new URL(request.url).pathname.indexOf(CONFIG.staticPrefix) !== 0)
              .map((request) => cache.delete(request))
          )
        )
      )
    );
  }
});

function timeout(ms) {
  return new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms));
}

async function pageFromCache(url) {
  const cache = await caches.open(CACHE);
  return (await cache.match(url.href, MATCH)) || (await cache.match(url.pathname, { ignoreVary: true, ignoreSearch: true }));
}

async function networkFirst(event, url) {
  const cache = await caches.open(CACHE);
  const network = fetch(event.request).then((response) => {
    if (response.ok && response.type === "basic" && !response.redirected) {
      return cache.put(url.pathname + url.search, response.clone()).then(() => response);
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
  try {
    return await Promise.race([network, timeout(NETWORK_TIMEOUT_MS)]);
  } catch (error) {
    const kept = await pageFromCache(url);
    if (kept) return kept;
    return network; // nothing kept: wait for the network after all (or fail as the browser would)
  }
}

async function cacheFirst(event) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(event.request, MATCH);
  if (kept) return kept;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") await cache.put(event.request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POSTs go to the server as they are
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(CONFIG.apiPrefix) === 0) return; // never the API
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) {
    event.respondWith(cacheFirst(event));
    return;
  }
  if (request.mode === "navigate" && url.pathname.indexOf(CONFIG.scope) === 0 && url.pathname !== self.location.pathname) {
    event.respondWith(networkFirst(event, url));
  }
});
