// The portal's service worker (gateway/web/portal/app_shell.py). It keeps the shell - styles, scripts, icons and
// the offline page - and never a page: every page is fetched from the network, so nothing a client saw can be
// shown from here, before or after signing out. When the network fails, the offline page stands in.
"use strict";

const CACHE_PREFIX = {{ cache_prefix | tojson }};
const CACHE = {{ cache | tojson }};
const OFFLINE_PAGE = {{ offline | tojson }};
const SHELL = {{ shell | tojson }};
const STATIC = {{ static | tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([OFFLINE_PAGE, ...SHELL]))
      .then(() => self.skipWaiting()),
  );
});

// A new release's worker drops the caches of the ones before it (this business's only), then takes over.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function isShell(url) {
  return url.origin === self.location.origin && (url.pathname.startsWith(STATIC) || SHELL.includes(url.pathname));
}

async function fromCacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

async function pageOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    return (await cache.match(OFFLINE_PAGE)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;  // forms go to the network as they are
  }
  if (request.mode === "navigate") {
    event.respondWith(pageOrOffline(request));
  } else if (isShell(new URL(request.url))) {
    event.respondWith(fromCacheFirst(request));
  }
});
