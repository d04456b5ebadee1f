// Keeps the page working with the network gone: on install it stores every file of this
// build, and it answers the page's requests from that store. scripts/build-web.sh fills
// in the file list and a version derived from the files' contents, so a new build is a
// new service worker (the browser compares its bytes) with a new cache, and the old cache
// is deleted once the new one is in place.
'use strict';

const VERSION = '@VERSION@';
const FILES = ['./', @FILES@];
const CACHE = `kubecheck-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // `reload`: straight from the server, not from an HTTP cache of an older build.
    await cache.addAll(FILES.map((file) => new Request(file, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('kubecheck-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The build's own files come from the cache (the page is the same with or without a
// network); anything else, e.g. a file of a newer build, goes to the server.
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // A navigation to the page with a query is still the page; the fragment never
    // reaches the service worker.
    const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    return cached ?? fetch(request);
  })());
});
