// The phone's queue of home visits (IndexedDB), shared by the field page, the service worker's
// Background Sync and the admin's logout. Each entry carries the id the phone made for it, so the
// server stores it once however often it is sent.
(function (scope) {
  'use strict';

  const DB_NAME = 'casework-offline';
  const CACHE_PREFIX = 'casework-offline-';

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function open() {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('visits', { keyPath: 'client_id' });
      db.createObjectStore('meta', { keyPath: 'key' });
    };
    return request(req);
  }

  async function withStore(name, mode, fn) {
    const db = await open();
    try {
      const tx = db.transaction(name, mode);
      const result = await fn(tx.objectStore(name));
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
      return result;
    } finally {
      db.close();
    }
  }

  const Queue = {
    DB_NAME,
    CACHE_PREFIX,

    all() {
      return withStore('visits', 'readonly', (s) => request(s.getAll())).then((rows) =>
        rows.sort((a, b) => (a.entered_at < b.entered_at ? -1 : 1)),
      );
    },
    get(id) {
      return withStore('visits', 'readonly', (s) => request(s.get(id)));
    },
    put(entry) {
      return withStore('visits', 'readwrite', (s) => request(s.put(entry)));
    },
    remove(id) {
      return withStore('visits', 'readwrite', (s) => request(s.delete(id)));
    },
    getMeta(key) {
      return withStore('meta', 'readonly', (s) => request(s.get(key))).then((row) =>
        row ? row.value : undefined,
      );
    },
    setMeta(key, value) {
      return withStore('meta', 'readwrite', (s) => request(s.put({ key, value })));
    },

    // Whether the database exists at all, without creating it (the admin's other pages).
    async exists() {
      if (!indexedDB.databases) return true;
      const dbs = await indexedDB.databases();
      return dbs.some((db) => db.name === DB_NAME);
    },

    async unsentCount() {
      if (!(await Queue.exists())) return 0;
      return (await Queue.all()).length;
    },

    // Everything the field pages keep on this device: the queue, the list, the cached shell.
    async clearAll() {
      await request(indexedDB.deleteDatabase(DB_NAME)).catch(() => {});
      if (scope.caches) {
        for (const name of await caches.keys()) {
          if (name.startsWith(CACHE_PREFIX)) await caches.delete(name);
        }
      }
      if (scope.navigator && navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
        for (const reg of await navigator.serviceWorker.getRegistrations()) {
          if (reg.active && reg.active.scriptURL.includes('/field/sw.js')) await reg.unregister();
        }
      }
    },

    formData(entry) {
      const body = new FormData();
      for (const [name, value, filename] of entry.fields) {
        if (value instanceof Blob) body.append(name, value, filename || 'photo.jpg');
        else body.append(name, value);
      }
      body.append('client_id', entry.client_id);
      if (entry.kind === 'campaign') {
        // A campaign household's visit (全覆盖家访): the child it is logged for.
        body.append('kind', 'campaign');
        body.append('household', entry.household);
        body.append('student', entry.student);
      } else {
        body.append('case', entry.case);
      }
      body.append('entered_by', entry.user);
      body.append('entered_at', entry.entered_at);
      if (entry.confirm_reassigned) body.append('confirm_reassigned', '1');
      return body;
    },

    // Send one entry; returns what to do with it: 'stored', 'invalid', 'conflict', 'session'
    // (log in again, keep it) or 'offline' (no answer, keep it).
    async send(entry, syncUrl, csrfToken) {
      let response;
      try {
        response = await fetch(syncUrl, {
          method: 'POST',
          body: Queue.formData(entry),
          credentials: 'same-origin',
          headers: { 'X-CSRFToken': csrfToken || '', Accept: 'application/json' },
          // An ended session answers with a redirect to the login page: not followed.
          redirect: 'manual',
        });
      } catch (e) {
        return { status: 'offline' };
      }
      const type = response.headers.get('Content-Type') || '';
      if (response.type === 'opaqueredirect' || !type.includes('application/json')) {
        // A redirect to the login page, or the CSRF refusal of a session that has changed.
        return response.status >= 500 ? { status: 'offline' } : { status: 'session' };
      }
      const answer = await response.json();
      if (answer.status === 'forbidden') answer.status = 'conflict';
      return answer;
    },

    // Send every entry that is waiting; one sender at a time across tabs and the worker. Given
    // ``user``, only that account's entries (the page knows who is logged in; the worker not).
    async syncAll(syncUrl, csrfToken, user) {
      const run = async () => {
        const summary = { stored: [], problems: 0, session: false, offline: false };
        for (const entry of await Queue.all()) {
          if (!['pending', 'session'].includes(entry.status)) continue;
          if (user !== undefined && String(entry.user) !== String(user)) continue;
          const answer = await Queue.send(entry, syncUrl, csrfToken);
          if (answer.status === 'stored') {
            await Queue.remove(entry.client_id);
            summary.stored.push(answer);
          } else if (answer.status === 'offline') {
            summary.offline = true;
            break;
          } else if (answer.status === 'session') {
            entry.status = 'session';
            await Queue.put(entry);
            summary.session = true;
            break;
          } else {
            entry.status = answer.status; // invalid or conflict: kept, shown, never dropped
            entry.reason = answer.reason || '';
            entry.message = answer.message || '';
            entry.errors = answer.errors || {};
            await Queue.put(entry);
            summary.problems += 1;
          }
        }
        return summary;
      };
      if (scope.navigator && navigator.locks) return navigator.locks.request('casework-sync', run);
      return run();
    },
  };

  scope.CaseworkQueue = Queue;
})(self);
