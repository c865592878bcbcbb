{% load static %}// The field pages' service worker. Its scope is the field pages' path alone: no other admin page
// is ever cached. It keeps the shell and its files; the list and the queue live in IndexedDB.
const CONFIG = {{ config|safe }};
const CACHE = 'casework-offline-' + CONFIG.version;
importScripts('{% static "casework/offline/queue.js" %}');

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const url of [CONFIG.shell, ...CONFIG.static]) {
        const response = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
        // Never keep a login page (an ended session) in place of the shell.
        if (response.ok && !response.redirected) await cache.put(url, response);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CaseworkQueue.CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function shell(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic' && !response.redirected) {
      await cache.put(CONFIG.shell, response.clone());
    }
    return response; // an ended session's redirect goes to the login page as usual
  } catch (e) {
    const cached = await cache.match(CONFIG.shell);
    if (cached) return cached;
    throw e;
  }
}

async function staticFile(request) {
  const cached = await caches.match(request, { ignoreSearch: true, cacheName: CACHE });
  return cached || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== 'GET') return;
  if (event.request.mode === 'navigate' && url.pathname === CONFIG.shell) {
    event.respondWith(shell(event.request));
  } else if (CONFIG.static.includes(url.pathname)) {
    event.respondWith(staticFile(event.request));
  }
  // Anything else (the list data, other pages) goes to the network untouched and uncached.
});

self.addEventListener('sync', (event) => {
  if (event.tag !== 'casework-visits') return;
  event.waitUntil(
    (async () => {
      const urls = await CaseworkQueue.getMeta('urls');
      const token = await CaseworkQueue.getMeta('csrf');
      if (!urls) return;
      const summary = await CaseworkQueue.syncAll(urls.sync, token);
      for (const client of await self.clients.matchAll({ type: 'window' })) {
        client.postMessage({ type: 'casework-synced', summary });
      }
    })(),
  );
});
