/* Hybrid Sessions service worker: lets a room page reload with no connection.

   Room pages are network-first (fresh when online, the last copy when offline); the
   app's static files are cache-first under a versioned name. The socket and every
   other request go straight to the network. Posts themselves never wait here: they
   live in the page's localStorage outbox until the server acks them. */
"use strict";

const VERSION = {{ version | tojson }};
const STATIC_CACHE = `hs-static-${VERSION}`;
const PAGE_CACHE = "hs-pages";
const ASSETS = {{ assets | tojson }};
const ROOM_PAGE = /^\/s\/[^/]+\/rooms\/\d+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("hs-static-") && k !== STATIC_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && ROOM_PAGE.test(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(PAGE_CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() => caches.open(PAGE_CACHE).then((cache) => cache.match(url.pathname)).then((hit) => hit || Response.error()))
    );
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
