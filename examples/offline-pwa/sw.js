// App-shell service worker: the page, its script and the client library are served from the
// cache first (so the app opens offline) and refreshed in the background when online. Flag
// requests go to the relay untouched: the client keeps its own snapshot in IndexedDB.
const SHELL = 'flagcast-shell-v1';
const FILES = ['./', './index.html', './app.js', './flagcast.iife.js', './manifest.webmanifest', './icon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(
    caches.open(SHELL).then(async (cache) => {
      // The relay address travels in the query string; the shell is the same for every one.
      const cached = await cache.match(event.request, { ignoreSearch: true });
      const refreshed = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(url.pathname === '/' ? './' : event.request, response.clone());
          return response;
        })
        .catch(() => undefined);
      return cached || (await refreshed) || new Response('offline', { status: 503 });
    }),
  );
});
