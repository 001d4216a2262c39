// The case room: a fixed header with the case's actions, the thread (internal or with the parties)
// scrolling by itself and loading older history as it is scrolled up, the composer at the bottom,
// and a side panel with what was recorded at intake.
import { state, bus, request, isWorker, orgName } from '../store.js';
import { t, lang, fmtDate, fmtDateTime, relDue, errText } from '../i18n.js';
import { $, el, button, reportError } from '../ui.js';
import { refreshCases, markSeen, countUnread } from './case-list.js';
import { describe } from './describe.js';

const room = {
  place: 'internal',   // which thread is open: internal (内部讨论) or parties (与当事人沟通)
  lastSeq: 0,          // newest seq shown for the open thread
  oldestSeq: null,     // oldest seq loaded (for history paging)
  outbox: new Map(),   // cmid -> body, posts not yet acknowledged (resent after a reconnect)
  typingTimer: null,
  lastTypingSent: 0,
  reads: new Map(),    // user id -> {name, seq}
  events: new Map(),   // seq -> event, the open thread's loaded events (drawn again on a language switch)
  loadingOlder: false,
  newBelow: 0,         // events that arrived while the reader was scrolled up
};

// The open thread of the open case. People on a party's side (view "party") have only the parties'.
export function openThread() {
  const c = state.current;
  if (!c) return null;
  return c.view === 'party' || room.place === 'parties' ? c.parties_thread : c.thread;
}

export async function openCase(id) {
  const r = await request({ type: 'case.get', case: id });
  const before = openThread();
  const same = state.current && String(state.current.id) === String(r.case.id);
  if (before && !same) request({ type: 'unsubscribe', thread: before }).catch(() => {});
  if (!same) room.place = 'internal';
  state.current = r.case;
  $('room-empty').hidden = true;
  $('room-body').hidden = false;
  document.body.dataset.caseOpen = 'true';
  bus.emit('case', state.current);
  markSeen(r.case.id);
  if (!same || !room.lastSeq) await loadThread();
  loadAttachments().catch(() => {});
  $('message').focus({ preventScroll: true });
}

export function closeCase(message) {
  const before = openThread();
  if (before) request({ type: 'unsubscribe', thread: before }).catch(() => {});
  state.current = null;
  room.lastSeq = 0;
  $('room-body').hidden = true;
  $('room-empty').hidden = false;
  $('room-empty').textContent = message || t('pick_case');
  delete document.body.dataset.caseOpen;
  bus.emit('case', null);
}

async function switchPlace(place) {
  if (!state.current || room.place === place || state.current.view === 'party') return;
  const before = openThread();
  room.place = place;
  request({ type: 'unsubscribe', thread: before }).catch(() => {});
  await loadThread();
}

function renderPlace() {
  const party = state.current && state.current.view === 'party';
  const place = party ? 'parties' : room.place;
  $('room-body').dataset.place = place;
  $('place-internal').hidden = party;
  $('place-internal').setAttribute('aria-selected', String(place === 'internal'));
  $('place-parties').setAttribute('aria-selected', String(place === 'parties'));
  $('place-internal').tabIndex = place === 'internal' ? 0 : -1;
  $('place-parties').tabIndex = place === 'parties' ? 0 : -1;
  $('place-note').textContent = t(place === 'internal' ? 'place_internal_note' : party ? 'place_parties_note_party' : 'place_parties_note');
  $('message').placeholder = t(place === 'internal' ? 'message_ph_internal' : 'message_ph_parties');
}

// The newest page of the open thread's history, then live events from there on.
async function loadThread() {
  room.lastSeq = 0;
  room.oldestSeq = null;
  room.reads.clear();
  room.events.clear();
  room.newBelow = 0;
  $('timeline').replaceChildren();
  $('new-below').hidden = true;
  renderPlace();
  const thread = openThread();
  const h = await request({ type: 'history', thread, limit: 50 });
  for (const e of h.events) showEvent(e);
  renderHistoryEdge(h.events.length < 50);
  $('timeline').scrollTop = $('timeline').scrollHeight;
  await resubscribe();
  const reads = await request({ type: 'read.list', thread });
  for (const m of reads.reads) room.reads.set(m.user.id, { name: m.user.name, seq: m.seq });
  renderReads();
  markRead();
}

export async function resubscribe() {
  if (!state.current) return;
  await request({ type: 'subscribe', thread: openThread(), since: room.lastSeq });
  // Posts that were not acknowledged before a disconnect are sent again with the same cmid:
  // the server stores each at most once.
  for (const [cmid, body] of room.outbox) sendPost(cmid, body);
}

// "The beginning of the case" once the whole history is loaded; until then scrolling up loads more.
function renderHistoryEdge(complete) {
  $('history-edge').textContent = complete ? t('history_start') : t('load_more');
  $('history-edge').dataset.complete = String(complete);
}

function renderHead() {
  const c = state.current;
  if (!c) return;
  $('room-title').textContent = c.title;
  renderPlace();
  const party = c.view === 'party';
  $('room-workflow').hidden = party;
  if (party) {
    // Someone on a party's side: the case's summary and the parties' thread only.
    $('room-meta').textContent = `${c.number} · ${orgName(c.org)} · ${t('st_' + c.status)}`;
    for (const id of ['act-handoff', 'act-invite', 'act-accept', 'act-decline', 'act-agreement', 'act-meeting', 'act-more'])
      $(id).hidden = true;
    renderIntake();
    return;
  }
  const handlers = c.handlers.map((h) => `${orgName(h.org)}（${t('hs_' + h.status)}）`).join(lang === 'en' ? ', ' : '，');
  $('room-meta').textContent = `${c.number} · ${orgName(c.org)} · ${t('st_' + c.status)}` + (handlers ? ` · ${handlers}` : '');
  const mine = state.user.org.id;
  const worker = isWorker();
  const pending = c.handlers.some((h) => h.org.id === mine && h.status === 'pending');
  const acting = c.org.id === mine || c.handlers.some((h) => h.org.id === mine && h.status === 'accepted');
  $('act-handoff').hidden = !(worker && acting);
  $('act-invite').hidden = !(worker && acting);
  $('act-accept').hidden = !(worker && pending);
  $('act-decline').hidden = !(worker && pending);
  $('act-agreement').hidden = !worker;
  $('act-meeting').hidden = !(worker && acting);
  $('act-more').hidden = !worker && state.user.role !== 'lawyer';
  const due = c.due ? `${fmtDate(c.due)} · ${relDue(c.due)}` : '—';
  $('room-workflow').textContent = t('wf_info', {
    level: t('lv_' + c.level), org: orgName(c.handling_org), stage: t('stage_' + c.stage), due,
    overdue: c.overdue ? ` · ${t('overdue')}` : '', eval: c.evaluation ? ` · ${t('evl_' + c.evaluation.value)}` : '',
  });
  renderIntake();
}

// ---- the intake record ---------------------------------------------------------------------------

let attachments = [];

async function loadAttachments() {
  const c = state.current;
  if (!c || c.view === 'party') { attachments = []; return; }
  const r = await request({ type: 'attachment.list', case: c.id });
  if (state.current && state.current.id === c.id) { attachments = r.attachments; renderIntake(); }
}

function row(label, value) {
  if (value === undefined || value === null || value === '') return null;
  return [el('dt', { text: label }), el('dd', { text: value })];
}

function renderIntake() {
  const c = state.current;
  const box = $('intake-body');
  box.replaceChildren();
  if (!c) return;
  const dl = el('dl', { className: 'facts' });
  const add = (r) => { if (r) dl.append(...r); };
  add(row(t('case_number'), c.number));
  add(row(t('category'), t('cat_' + c.category)));
  add(row(t('registered_at'), fmtDateTime(c.created_at)));
  if (c.view !== 'party') {
    add(row(t('channel'), c.channel ? t('ch_' + c.channel) : ''));
    add(row(t('urgency'), c.urgency ? t('u_' + c.urgency) : ''));
    add(row(t('location'), c.location));
    add(row(t('handling_org'), orgName(c.handling_org)));
    add(row(t('due'), c.due ? `${fmtDate(c.due)}（${relDue(c.due)}）` : ''));
    if (c.clock) {
      const clock = c.clock;
      add(row(t('clock'), t('clock_text', { name: t('clock_' + clock.name) === 'clock_' + clock.name ? clock.name : t('clock_' + clock.name),
        start: fmtDate(clock.started_at), days: clock.days + (clock.extended_days || 0),
        unit: t(clock.working_days ? 'working_days' : 'calendar_days') }) + (clock.paused_since ? ` · ${t('paused_since', { at: fmtDate(clock.paused_since) })}` : '')));
    }
    if (c.review_until) add(row(t('review_until'), fmtDate(c.review_until)));
    if (c.closed_at) add(row(t('closed_at'), `${fmtDate(c.closed_at)} · ${t('oc_' + c.outcome)}`));
    add(row(t('closure_note'), c.closure_note));
  }
  box.append(dl);
  if (c.description) box.append(el('h4', { text: t('description') }), el('p', { className: 'description', text: c.description }));
  if (c.parties && c.parties.length) {
    box.append(el('h4', { text: t('parties') }));
    const ul = el('ul', { className: 'parties' });
    for (const p of c.parties) {
      const bits = [p.phone, p.id_number, p.address].filter(Boolean).join(' · ');
      ul.append(el('li', {}, el('strong', { text: `${t('pr_' + p.role)}${lang === 'en' ? ': ' : '：'}${p.name}` }), bits ? el('span', { className: 'small muted', text: ' ' + bits }) : null));
    }
    box.append(ul);
    if (c.personal_data === 'masked') box.append(el('p', { className: 'small muted', text: t('numbers_masked') }));
  }
  if (attachments.length) {
    box.append(el('h4', { text: t('attachments') }));
    const ul = el('ul', { className: 'attachments' });
    for (const a of attachments)
      ul.append(el('li', {}, button(a.name, () => downloadAttachment(a).catch(reportError), { className: 'link' }),
        el('span', { className: 'small muted', text: ` ${Math.max(1, Math.round(a.size / 1024))} KB` })));
    box.append(ul);
  }
}

// ---- the thread ------------------------------------------------------------------------------------

function eventElement(e) {
  const li = el('li', { dataset: { seq: e.seq } });
  const when = el('time', { dateTime: e.at, text: fmtDateTime(e.at) });
  if (e.kind === 'message') {
    li.className = 'msg' + (e.author && state.user && e.author.id === state.user.id ? ' mine' : '');
    li.append(el('span', { className: 'author', text: e.author.name }), when, el('p', { text: e.data.body }));
  } else {
    li.className = 'sys';
    li.append(el('span', { text: describe(e) }), when);
    if (e.kind === 'attachment')
      li.append(' ', button(e.data.name, () => downloadAttachment(e.data).catch(reportError), { className: 'link' }));
  }
  return li;
}

function atBottom() {
  const tl = $('timeline');
  return tl.scrollHeight - tl.scrollTop - tl.clientHeight < 40;
}

// Shows a stored event once, in seq order (history pages may arrive before or after live events).
// A reader scrolled up to read older history keeps their place; a button says what came below.
function showEvent(e) {
  const tl = $('timeline');
  if (room.events.has(e.seq)) return;
  room.events.set(e.seq, e);
  const li = eventElement(e);
  const after = [...tl.children].find((x) => x.dataset.seq && Number(x.dataset.seq) > e.seq) ||
    tl.querySelector('li.pending');
  const wasAtBottom = atBottom();
  tl.insertBefore(li, after || null);
  const live = e.seq > room.lastSeq && room.lastSeq > 0;
  if (e.seq > room.lastSeq) room.lastSeq = e.seq;
  if (room.oldestSeq === null || e.seq < room.oldestSeq) room.oldestSeq = e.seq;
  if (e.kind === 'message' && e.data && room.outbox.has(e.data.cmid) && e.author.id === state.user.id) {
    room.outbox.delete(e.data.cmid);
    const pending = tl.querySelector(`li.pending[data-cmid="${CSS.escape(e.data.cmid)}"]`);
    if (pending) pending.remove();
    tl.scrollTop = tl.scrollHeight;
    return;
  }
  if (!live) return;
  if (wasAtBottom) tl.scrollTop = tl.scrollHeight;
  else { room.newBelow++; renderNewBelow(); }
}

function renderNewBelow() {
  $('new-below').hidden = room.newBelow === 0;
  $('new-below').textContent = t('new_below', { n: room.newBelow });
}

async function loadOlder() {
  if (!state.current || room.oldestSeq === null || room.oldestSeq <= 1 || room.loadingOlder) return;
  if ($('history-edge').dataset.complete === 'true') return;
  room.loadingOlder = true;
  const tl = $('timeline');
  const height = tl.scrollHeight, top = tl.scrollTop;
  try {
    const h = await request({ type: 'history', thread: openThread(), before: room.oldestSeq, limit: 50 });
    for (const e of h.events) showEvent(e);
    renderHistoryEdge(h.events.length < 50 || room.oldestSeq <= 1);
    // The reader keeps their place: what was on screen stays where it was.
    tl.scrollTop = top + (tl.scrollHeight - height);
  } finally {
    room.loadingOlder = false;
  }
}

function onEvent(e) {
  if (!state.current || e.thread !== openThread()) return;
  if (e.kind === 'typing') {
    $('typing').textContent = t('typing', { name: e.author.name });
    clearTimeout(room.typingTimer);
    room.typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 4000);
    return;
  }
  if (e.kind === 'read') {
    room.reads.set(e.author.id, { name: e.author.name, seq: e.data.seq });
    renderReads();
    return;
  }
  if (e.kind === 'unsubscribed') {
    closeCase(t('revoked'));
    refreshCases().catch(() => {});
    return;
  }
  if (e.author && e.kind === 'message') $('typing').textContent = '';
  showEvent(e);
  if (e.kind !== 'message') {
    request({ type: 'case.get', case: state.current.id })
      .then((r) => { state.current = r.case; bus.emit('case', state.current); })
      .catch(() => {});
    refreshCases().catch(() => {});
    if (e.kind === 'attachment') loadAttachments().catch(() => {});
  }
  if (document.visibilityState === 'visible') markRead();
  else countUnread(state.current.id);
  bus.emit('thread-event', e);
}

function renderReads() {
  // Who has read the newest event, by name; the others are not listed.
  const list = [...room.reads.values()].filter((r) => r.seq >= room.lastSeq && r.name !== (state.user && state.user.name))
    .map((r) => r.name).join(lang === 'en' ? ', ' : '、');
  $('reads').textContent = list ? t('read_by', { list }) : '';
}

function markRead() {
  if (!state.current || !room.lastSeq) return;
  const mine = room.reads.get(state.user.id);
  if (mine && mine.seq >= room.lastSeq) return;
  room.reads.set(state.user.id, { name: state.user.name, seq: room.lastSeq });
  request({ type: 'read', thread: openThread(), seq: room.lastSeq }).catch(() => {});
}

// ---- composing -------------------------------------------------------------------------------------

function newCmid() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).slice(0, 64);
}

function sendPost(cmid, body) {
  request({ type: 'post', thread: openThread(), cmid, body }).catch((e) => {
    // Kept in the outbox and resent after the reconnect; a refusal is said and the text given back.
    if (e.code === 'disconnected') return;
    room.outbox.delete(cmid);
    const pending = $('timeline').querySelector(`li.pending[data-cmid="${CSS.escape(cmid)}"]`);
    if (pending) pending.remove();
    if (!$('message').value) $('message').value = body;
    $('composer-error').textContent = errText(e);
  });
}

function submitMessage(ev) {
  ev.preventDefault();
  const input = $('message');
  const body = input.value.trim();
  $('composer-error').textContent = '';
  if (!body || !state.current) return;
  const cmid = newCmid();
  room.outbox.set(cmid, body);
  $('timeline').append(el('li', { className: 'msg mine pending', dataset: { cmid } },
    el('p', { text: body }), el('span', { className: 'muted small', text: t('sending') })));
  $('timeline').scrollTop = $('timeline').scrollHeight;
  room.newBelow = 0;
  renderNewBelow();
  input.value = '';
  sendPost(cmid, body);
}

function onComposerKey(ev) {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    $('composer').requestSubmit();
    return;
  }
  const now = Date.now();
  if (state.current && now - room.lastTypingSent > 3000) {
    room.lastTypingSent = now;
    request({ type: 'typing', thread: openThread() }).catch(() => {});
  }
}

export async function downloadAttachment(att) {
  const r = await fetch(att.url, { headers: { Authorization: 'Bearer ' + state.token } });
  if (!r.ok) throw Object.assign(new Error(''), (await r.json()).error);
  const a = el('a', { href: URL.createObjectURL(await r.blob()), download: att.name });
  a.click();
}

// Everything drawn from data, drawn again in the current language.
function redraw() {
  if (!state.current) { $('room-empty').textContent = t('pick_case'); return; }
  renderHead();
  renderReads();
  renderNewBelow();
  renderHistoryEdge($('history-edge').dataset.complete === 'true');
  const tl = $('timeline');
  const pending = [...tl.querySelectorAll('li.pending')];
  tl.replaceChildren(...[...room.events.keys()].sort((a, b) => a - b).map((seq) => eventElement(room.events.get(seq))), ...pending);
}

export function installCaseRoom() {
  // On a phone the intake record is folded away until asked for; the thread comes first.
  if (matchMedia('(max-width: 720px)').matches) {
    $('room-body').dataset.intake = 'hidden';
    $('toggle-intake').setAttribute('aria-expanded', 'false');
  }
  $('composer').addEventListener('submit', submitMessage);
  $('message').addEventListener('keydown', onComposerKey);
  $('timeline').addEventListener('scroll', () => {
    if ($('timeline').scrollTop < 60) loadOlder().catch(reportError);
    if (atBottom() && room.newBelow) { room.newBelow = 0; renderNewBelow(); }
  });
  $('history-edge').addEventListener('click', () => loadOlder().catch(reportError));
  $('new-below').addEventListener('click', () => {
    $('timeline').scrollTop = $('timeline').scrollHeight;
    room.newBelow = 0;
    renderNewBelow();
  });
  $('place-internal').addEventListener('click', () => switchPlace('internal').catch(reportError));
  $('place-parties').addEventListener('click', () => switchPlace('parties').catch(reportError));
  // Arrow keys move between the two tabs, as in every tab list.
  $('place-tabs').addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
    const target = room.place === 'internal' ? 'parties' : 'internal';
    if (state.current && state.current.view === 'party') return;
    // Focus moves with the key at once, as in every tab list; the thread follows when it has loaded.
    $('place-' + target).focus();
    switchPlace(target).catch(reportError);
  });
  $('toggle-intake').addEventListener('click', () => {
    const shown = $('room-body').dataset.intake !== 'shown';
    $('room-body').dataset.intake = shown ? 'shown' : 'hidden';
    $('toggle-intake').setAttribute('aria-expanded', String(shown));
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') { markRead(); if (state.current) markSeen(state.current.id); }
  });
  bus.on('event', onEvent);
  bus.on('case', () => renderHead());
  bus.on('language', redraw);
  bus.on('notice', (n) => { if (!state.current || String(n.case) !== String(state.current.id)) countUnread(n.case); });
}
