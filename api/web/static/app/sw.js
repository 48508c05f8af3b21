// The service worker of the Navigator's tablet app (scope /app/). The
// server writes VERSION and SHELL above this line: the app shell's files,
// whose names carry their digests. The shell is kept at install; static
// files are served from the cache; pages are asked of the network first and
// a copy kept, so the app opens without network on the last copy of each
// page, or on the offline page, where hours can still be entered.
const SHELL_CACHE = "navigator-shell-" + VERSION;
const PAGES_CACHE = "navigator-pages";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names
          .filter((n) => n.startsWith("navigator-shell-") && n !== SHELL_CACHE)
          .map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

function fromCacheFirst(request) {
  return caches.match(request).then((hit) => hit || fetch(request).then((answer) => {
    if (answer.ok) {
      const copy = answer.clone();
      caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
    }
    return answer;
  }));
}

// A search's results are not the page: the copy kept of the FAQ is the
// whole FAQ.
function searched(url) {
  return url.searchParams.has("q");
}

function page(request, url) {
  return fetch(request).then((answer) => {
    const landed = answer.url ? new URL(answer.url).pathname : url.pathname;
    if (landed === "/app/accedi") {
      // Signed out: no copy of anyone's pages stays on the device.
      caches.delete(PAGES_CACHE);
    } else if (answer.ok && answer.type === "basic" && landed === url.pathname && !searched(url)) {
      const copy = answer.clone();
      caches.open(PAGES_CACHE).then((cache) => cache.put(url.pathname, copy));
    }
    return answer;
  }).catch(() => caches.open(PAGES_CACHE)
    .then((cache) => cache.match(url.pathname))
    .then((hit) => hit || caches.match("/app/offline")));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    event.respondWith(page(request, url));
  } else if (url.pathname === "/app/manifest.webmanifest") {
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname)));
  }
});
