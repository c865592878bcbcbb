// Logging out of the admin clears what the field pages keep on this device (the list, the
// queue, the cached shell), after asking if visits are still waiting to be sent.
const cwOfflineLogoutConfirm = document.currentScript.dataset.confirm;
document.addEventListener(
  'submit',
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !/\/logout\/$/.test(new URL(form.action, location.href).pathname)) return;
    if (form.dataset.cwCleared || !window.CaseworkQueue || !window.indexedDB) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    (async () => {
      const Queue = window.CaseworkQueue;
      const count = await Queue.unsentCount().catch(() => 0);
      const text = cwOfflineLogoutConfirm.replace('%(count)s', count);
      if (count && !window.confirm(text)) return;
      await Queue.clearAll().catch(() => {});
      form.dataset.cwCleared = '1';
      form.submit();
    })();
  },
  true,
);
