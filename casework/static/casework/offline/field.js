// The field page: the teacher's list and the quick visit form, working from what the phone keeps.
// Every visit goes into the queue first and is sent from there, online or not.
(function () {
  'use strict';

  const Queue = window.CaseworkQueue;
  const config = JSON.parse(document.getElementById('fld-config').textContent);
  const T = JSON.parse(document.getElementById('fld-text').textContent);
  const urls = config.urls;
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  const caseForm = $('[data-visit-form]');
  const campaignForm = $('[data-campaign-form]');
  let form = caseForm; // the form open now: a case's visit or a campaign household's
  let snapshot = null; // {refreshed_at, user, cases, households}
  let editing = null; // the entry being corrected, if any
  let currentCase = null;
  let currentHousehold = null; // {household, child} of the campaign form
  let formId = null; // the id of the visit being entered: made when the form opens, not on save
  let saving = false;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
  }

  function longDate(iso) {
    const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
    return `${y}年${m}月${d}日`;
  }

  function longTime(iso) {
    const t = new Date(iso);
    const pad = (n) => String(n).padStart(2, '0');
    return `${t.getFullYear()}年${t.getMonth() + 1}月${t.getDate()}日 ${pad(t.getHours())}:${pad(t.getMinutes())}`;
  }

  function localDate(date = new Date()) {
    const pad = (n) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  function addDays(iso, days) {
    const [y, m, d] = iso.split('-').map(Number);
    return localDate(new Date(y, m - 1, d + days));
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : '';
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function notice(text, { link, kind = 'info' } = {}) {
    const box = $('[data-notice]');
    box.replaceChildren(text);
    box.className = `fld-notice fld-notice--${kind}`;
    if (link) box.append(' ', el('a', { href: link.href, class: 'fld-button fld-button--small' }, link.text));
    box.hidden = !text;
  }

  function loginLink() {
    return { href: `${urls.login}?next=${encodeURIComponent(urls.shell)}`, text: T.login };
  }

  function showNet() {
    const net = $('[data-net]');
    net.textContent = navigator.onLine ? T.online : T.offline;
    net.classList.toggle('fld-net--off', !navigator.onLine);
  }

  // --- the list -------------------------------------------------------------------------

  function dueText(c) {
    if (!c.next_visit_due) return T.noVisitPlanned;
    return fill(c.overdue ? T.overdueSince : T.due, { date: longDate(c.next_visit_due) });
  }

  function caseRow(c) {
    return el(
      'li',
      { class: `fld-case${c.overdue ? ' fld-case--overdue' : ''}`, 'data-case': c.id },
      el(
        'div',
        { class: 'fld-case__who' },
        el('strong', {}, c.name),
        el('span', { class: 'fld-meta' }, `${c.class} · ${c.concern} · ${c.risk}`),
        el('span', { class: c.overdue ? 'fld-overdue' : 'fld-meta' }, dueText(c)),
      ),
      el('button', { type: 'button', class: 'fld-button fld-button--small', onclick: () => openForm(c) }, T.visit),
    );
  }

  // A campaign household not yet visited this term: its children, each with the form's button
  // (the visit is logged for one child and covers the siblings, as online).
  function householdRow(h) {
    return el(
      'li',
      { class: 'fld-case fld-household', 'data-household': h.id },
      el(
        'div',
        { class: 'fld-case__who' },
        el('span', { class: 'fld-meta' }, h.village || '—'),
        el(
          'ul',
          { class: 'fld-children' },
          ...h.children.map((child) =>
            el(
              'li',
              { 'data-child': child.id },
              el('span', {}, el('strong', {}, child.name), ' ', el('span', { class: 'fld-meta' }, child.class)),
              el('button', { type: 'button', class: 'fld-button fld-button--small', onclick: () => openCampaign(h, child) }, T.visit),
            ),
          ),
        ),
      ),
    );
  }

  function renderList() {
    const refreshed = $('[data-refreshed]');
    if (!snapshot) {
      refreshed.textContent = T.never;
    } else {
      const time = longTime(snapshot.refreshed_at);
      refreshed.textContent = fill(navigator.onLine ? T.refreshed : T.stale, { time });
    }
    const cases = snapshot ? snapshot.cases : [];
    const lists = {
      overdue: cases.filter((c) => c.overdue),
      due: cases.filter((c) => c.due_this_week),
      all: cases,
    };
    for (const [name, rows] of Object.entries(lists)) {
      const ul = $(`[data-list="${name}"]`);
      ul.replaceChildren(...(rows.length ? rows.map(caseRow) : [el('li', { class: 'fld-none' }, T.empty)]));
    }
    const households = (snapshot && snapshot.households) || [];
    $('[data-list="households"]').replaceChildren(
      ...(households.length ? households.map(householdRow) : [el('li', { class: 'fld-none' }, T.empty)]),
    );
  }

  async function refreshList() {
    if (!navigator.onLine) return;
    let response;
    try {
      response = await fetch(urls.data, { credentials: 'same-origin', redirect: 'manual', cache: 'no-store' });
    } catch (e) {
      return; // no signal after all: the saved list stays
    }
    if (response.type === 'opaqueredirect' || !response.ok) {
      notice(T.session, { link: loginLink(), kind: 'warning' });
      return;
    }
    const data = await response.json();
    snapshot = data;
    await Queue.setMeta('list', data);
    renderList();
  }

  // --- the queue ------------------------------------------------------------------------

  const STATUS = { pending: 'pending', session: 'pending', invalid: 'fix', conflict: 'conflict' };

  // An entry another account made on this phone (its session ended, someone else logged in):
  // kept for that account, never sent or shown by name under this one.
  const mine = (entry) => String(entry.user) === String(config.user);

  function othersRow(entry) {
    return el(
      'li',
      { class: 'fld-case fld-entry fld-entry--other', 'data-entry': entry.client_id, 'data-status': 'other' },
      el('div', { class: 'fld-case__who' }, el('span', { class: 'fld-entry__message' }, T.otherAccount)),
    );
  }

  async function renderQueue() {
    const entries = await Queue.all();
    const box = $('[data-queue-box]');
    box.hidden = !entries.length;
    $('[data-queue-count]').textContent = `（${entries.length}）`;
    $('[data-queue]').replaceChildren(
      ...entries.map((entry) => {
        if (!mine(entry)) return othersRow(entry);
        const actions = el('div', { class: 'fld-actions fld-actions--row' });
        const campaign = entry.kind === 'campaign';
        if (entry.status === 'invalid') {
          const edit = campaign ? () => openCampaign(entry.householdRow, entry.child, entry) : () => openForm(entry.caseRow, entry);
          actions.append(el('button', { type: 'button', class: 'fld-button fld-button--small', onclick: edit }, T.edit));
        }
        if (entry.status === 'conflict' && entry.reason === 'reassigned') {
          actions.append(
            el('button', { type: 'button', class: 'fld-button fld-button--small', onclick: () => sendAnyway(entry) }, T.sendAnyway),
          );
        }
        if (entry.status === 'invalid' || entry.status === 'conflict') {
          actions.append(
            el('button', { type: 'button', class: 'fld-button fld-button--small fld-button--secondary', onclick: () => discard(entry) }, T.discard),
          );
        }
        return el(
          'li',
          { class: `fld-case fld-entry fld-entry--${entry.status}`, 'data-entry': entry.client_id, 'data-status': entry.status },
          el(
            'div',
            { class: 'fld-case__who' },
            el('strong', {}, campaign ? entry.child.name : entry.caseRow.name),
            el('span', { class: 'fld-meta' }, `${campaign ? `${T.campaign} · ` : ''}${longDate(entry.visited_on)} · ${T[STATUS[entry.status]]}`),
            entry.message ? el('span', { class: 'fld-entry__message' }, entry.message) : '',
          ),
          actions,
        );
      }),
    );
    return entries;
  }

  async function sync() {
    if (!navigator.onLine) return;
    await Queue.setMeta('csrf', csrfToken());
    const summary = await Queue.syncAll(urls.sync, csrfToken(), config.user);
    await report(summary);
    return summary;
  }

  // Says what a sync did, whether this page or the service worker's Background Sync sent it.
  // Entries refused by an earlier send (perhaps the worker's) count too, so the notice never
  // says "saved on the phone" while the list shows a visit that was not stored.
  async function report(summary) {
    await renderQueue();
    const refused = (await Queue.all()).filter((e) => mine(e) && (e.status === 'invalid' || e.status === 'conflict'));
    if (summary.session) {
      notice(T.session, { link: loginLink(), kind: 'warning' });
    } else if (summary.offline) {
      notice(T.failed, { kind: 'warning' });
    } else if (refused.length) {
      notice(fill(T.problems, { count: refused.length }), { kind: 'warning' });
    } else if (summary.stored.length) {
      reportStored(summary.stored.map((answer) => answer.message));
    }
    // A conflict (a case closed or moved meanwhile) changes the list as much as a stored visit.
    if (summary.stored.length || summary.problems) await refreshList();
  }

  function reportStored(messages) {
    if (!messages.length) return;
    notice(messages.length === 1 ? messages[0] : fill(T.synced, { count: messages.length }), { kind: 'success' });
  }

  async function sendAnyway(entry) {
    entry.confirm_reassigned = true;
    entry.status = 'pending';
    entry.message = '';
    await Queue.put(entry);
    await renderQueue();
    sync();
  }

  async function discard(entry) {
    if (!window.confirm(T.confirmDiscard)) return;
    await Queue.remove(entry.client_id);
    renderQueue();
  }

  // --- the form -------------------------------------------------------------------------

  function show(view) {
    for (const section of $$('[data-view]')) section.hidden = section.dataset.view !== view;
    window.scrollTo(0, 0);
  }

  function setValue(name, value) {
    for (const input of $$(`[name="${name}"]`, form)) {
      if (input.type === 'radio') input.checked = input.value === value;
      else if (input.type === 'checkbox') input.checked = Boolean(value);
      else if (input.type === 'file') input.value = '';
      else input.value = value == null ? '' : value;
    }
  }

  function clearErrors() {
    for (const p of $$('[data-error-for]', form)) p.textContent = '';
    for (const f of $$('.fld-field--error', form)) f.classList.remove('fld-field--error');
  }

  function showErrors(errors) {
    clearErrors();
    for (const [name, error] of Object.entries(errors || {})) {
      const target = $(`[data-error-for="${name}"]`, form) || $('[data-error-for="__all__"]', form);
      target.textContent = (error.messages || []).join(' ');
      const field = target.closest('.fld-field');
      if (field) field.classList.add('fld-field--error');
    }
  }

  function toggleLeaveReason() {
    const state = (form.querySelector('[name="child_state"]:checked') || {}).value;
    for (const f of $$('.fld-leave', form)) f.hidden = state !== config.outOfSchool;
  }

  function resetSignature() {
    const clear = $('[data-cw-signature-clear]', form);
    if (clear) clear.click();
  }

  // What an entry being corrected held: its fields back on the form, its errors shown.
  function restore(entry) {
    const kept = $('[data-kept-files]', form);
    kept.hidden = true;
    const values = {};
    for (const [name, value] of entry.fields) if (!(value instanceof Blob)) values[name] = value;
    for (const input of $$('[name]', form)) if (input.type !== 'file') setValue(input.name, values[input.name]);
    const files = entry.fields.filter(([, value]) => value instanceof Blob).length;
    if (files) {
      kept.textContent = fill(T.filesKept, { count: files });
      kept.hidden = false;
    }
    if (values.signature) {
      // Redraw the kept signature on the pad.
      const img = new Image();
      img.onload = () => $('canvas', form).getContext('2d').drawImage(img, 0, 0);
      img.src = values.signature;
    }
    showErrors(entry.errors);
  }

  // The campaign visit form (全覆盖家访) for one child of a household, offline as online.
  function openCampaign(h, child, entry = null) {
    form = campaignForm;
    currentHousehold = { household: h, child };
    currentCase = null;
    editing = entry;
    formId = entry ? entry.client_id : crypto.randomUUID();
    notice('');
    form.reset();
    resetSignature();
    clearErrors();
    const today = localDate();
    $('[name="visited_on"]', form).max = today;
    $('[data-campaign-student]').textContent = child.name;
    $('[data-campaign-meta]').textContent = `${T.campaign} · ${child.class} · ${h.village || '—'}`;
    const siblings = h.children.filter((s) => s.id !== child.id);
    $('[data-campaign-covers]').textContent = siblings.length
      ? `${T.covers}：${siblings.map((s) => `${s.name}（${s.class}）`).join('、')}`
      : '';
    $('[data-kept-files]', form).hidden = true;
    if (entry) {
      restore(entry);
    } else {
      setValue('visited_on', today);
      setValue('child_state', config.inSchool);
      setValue('mode', 'home');
      setValue('visitors', config.visitors);
      setValue('risk', config.mediumRisk);
    }
    toggleLeaveReason();
    show('campaign');
  }

  function openForm(c, entry = null) {
    form = caseForm;
    currentCase = c;
    currentHousehold = null;
    editing = entry;
    // A correction keeps its id (the server never stored the refused entry); a new visit gets
    // its id now, so a double tap on 保存 queues the same entry twice, which the server stores once.
    formId = entry ? entry.client_id : crypto.randomUUID();
    notice('');
    form.reset();
    resetSignature();
    clearErrors();
    const today = localDate();
    $('[name="visited_on"]', form).max = today;
    $('[data-student]').textContent = c.name;
    $('[data-student-meta]').textContent = `${c.class} · ${c.concern} · ${c.risk} · ${dueText(c)}`;
    $('[data-due-help]', form).textContent = fill(T.suggestion, { days: c.suggestion_days });
    $('[data-kept-files]', form).hidden = true;
    if (entry) {
      restore(entry);
    } else {
      setValue('visited_on', today);
      setValue('child_state', c.last_state || config.inSchool);
      setValue('next_visit_due', addDays(today, c.suggestion_days));
      setValue('mode', 'home');
      setValue('visitors', config.visitors);
    }
    toggleLeaveReason();
    show('form');
  }

  // The browser's own check of required fields, shown in Chinese on the field before queueing;
  // the server checks everything again when the entry arrives.
  function checkRequired() {
    clearErrors();
    const errors = {};
    for (const input of $$('[required]', form)) {
      if (input.closest('[hidden]')) continue;
      const missing = input.type === 'radio' ? !form.querySelector(`[name="${input.name}"]:checked`) : !input.value.trim();
      if (missing) errors[input.name] = { messages: [T.required] };
    }
    showErrors(errors);
    const first = Object.keys(errors)[0];
    if (first) $(`[name="${first}"]`, form).focus();
    return !first;
  }

  function formFields() {
    const fields = [];
    for (const input of form.elements) {
      if (!input.name || input.disabled) continue;
      if (input.type === 'file') {
        for (const file of input.files) fields.push([input.name, file, file.name]);
      } else if (input.type === 'radio' || input.type === 'checkbox') {
        if (input.checked) fields.push([input.name, input.value]);
      } else {
        fields.push([input.name, input.value]);
      }
    }
    // Photos chosen before a correction are kept unless new ones replace them.
    if (editing) {
      const chosen = new Set(fields.filter(([, v]) => v instanceof Blob).map(([name]) => name));
      for (const field of editing.fields) {
        if (field[1] instanceof Blob && !chosen.has(field[0])) fields.push(field);
      }
    }
    return fields;
  }

  async function save(event) {
    event.preventDefault();
    if (saving || !checkRequired()) return; // a double tap queues the visit once
    saving = true;
    try {
      await queueVisit();
    } finally {
      saving = false;
    }
    if (navigator.onLine) {
      await sync();
    } else if (navigator.serviceWorker) {
      const reg = await navigator.serviceWorker.getRegistration(urls.shell);
      if (reg && reg.sync) reg.sync.register('casework-visits').catch(() => {});
    }
  }

  async function queueVisit() {
    const fields = formFields();
    const target = currentHousehold
      ? { kind: 'campaign', household: currentHousehold.household.id, student: currentHousehold.child.id,
          householdRow: currentHousehold.household, child: currentHousehold.child }
      : { kind: 'case', case: currentCase.id, caseRow: currentCase };
    const entry = {
      client_id: formId,
      ...target,
      user: snapshot ? snapshot.user : config.user,
      entered_at: editing ? editing.entered_at : new Date().toISOString(),
      visited_on: fields.find(([name]) => name === 'visited_on')[1],
      fields,
      status: 'pending',
      confirm_reassigned: editing ? Boolean(editing.confirm_reassigned) : false,
    };
    await Queue.put(entry);
    editing = null;
    show('list');
    notice(T.queued);
    await renderQueue();
  }

  // --- logging out ----------------------------------------------------------------------

  async function logout() {
    const count = (await Queue.all()).length;
    if (count && !window.confirm(fill(T.confirmLogout, { count }))) return;
    await Queue.clearAll();
    const out = el('form', { method: 'post', action: urls.logout },
      el('input', { type: 'hidden', name: 'csrfmiddlewaretoken', value: csrfToken() }));
    document.body.append(out);
    out.submit();
  }

  // --- start ----------------------------------------------------------------------------

  async function start() {
    showNet();
    for (const f of [caseForm, campaignForm]) {
      f.addEventListener('submit', save);
      f.addEventListener('change', (e) => e.target.name === 'child_state' && toggleLeaveReason());
    }
    for (const cancel of $$('[data-cancel]')) cancel.addEventListener('click', () => { editing = null; show('list'); });
    $('[data-refresh]').addEventListener('click', () => refreshList());
    $('[data-sync]').addEventListener('click', () => sync());
    $('[data-logout]').addEventListener('click', logout);
    window.addEventListener('online', () => { showNet(); renderList(); sync(); });
    window.addEventListener('offline', () => { showNet(); renderList(); });
    if (navigator.serviceWorker) {
      navigator.serviceWorker.register(urls.worker).catch(() => {});
      navigator.serviceWorker.addEventListener('message', (e) => {
        // The worker's Background Sync sent the queue while the page was open.
        if (e.data && e.data.type === 'casework-synced') report(e.data.summary);
      });
    }
    snapshot = (await Queue.getMeta('list')) || null;
    if (snapshot && String(snapshot.user) !== String(config.user)) {
      // The list another account saved on this phone: never shown to this one.
      snapshot = null;
      await Queue.setMeta('list', null);
    }
    renderList();
    await renderQueue();
    await Queue.setMeta('urls', urls);
    if (navigator.onLine) {
      await refreshList();
      await sync();
    }
    document.documentElement.dataset.ready = '1';
  }

  start();
})();
