// The browser client: login, case list, case room. Talks only the documented protocol
// (protocol/README.md): POST /api/login, then one WebSocket at /ws.
'use strict';

const $ = (id) => document.getElementById(id);

// ---- connection: one socket, requests by rid, automatic reconnect and resume ------------------

class Connection {
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;  // {onEvent, onState, onReady, onAuthFailed}
    this.pending = new Map();  // rid -> {resolve, reject}
    this.nextRid = 1;
    this.retry = 0;
    this.closedByUser = false;
    this.open();
  }

  open() {
    this.handlers.onState('connecting');
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    this.ws = ws;
    ws.onopen = async () => {
      try {
        const r = await this.request({ type: 'auth', token: this.token });
        this.retry = 0;
        this.handlers.onState('online');
        this.handlers.onReady(r.user, r.network);
      } catch (e) {
        if (e.code === 'unauthenticated') { this.closedByUser = true; ws.close(); this.handlers.onAuthFailed(); }
      }
    };
    ws.onmessage = (m) => {
      let f;
      try { f = JSON.parse(m.data); } catch { return; }
      if (f.type === 'event') { this.handlers.onEvent(f); return; }
      if ((f.type === 'room' || f.type === 'signal') && this.handlers.onRoom) { this.handlers.onRoom(f); return; }
      if (f.type === 'notice' && this.handlers.onNotice) { this.handlers.onNotice(f); return; }
      const p = this.pending.get(f.rid);
      if (!p) return;
      this.pending.delete(f.rid);
      if (f.type === 'ok') p.resolve(f); else p.reject(Object.assign(new Error(f.message), { code: f.code, field: f.field }));
    };
    ws.onclose = () => {
      for (const p of this.pending.values()) p.reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
      this.pending.clear();
      if (this.closedByUser) return;
      this.handlers.onState('offline');
      const delay = Math.min(10000, 300 * 2 ** this.retry++) + Math.random() * 300;
      setTimeout(() => this.open(), delay);
    };
  }

  request(frame) {
    const rid = String(this.nextRid++);
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
        return;
      }
      this.pending.set(rid, { resolve, reject });
      this.ws.send(JSON.stringify({ ...frame, rid }));
    });
  }

  close() { this.closedByUser = true; if (this.ws) this.ws.close(); }
}

// ---- state -------------------------------------------------------------------------------------

const state = {
  token: storedToken(),
  user: null,
  conn: null,
  orgs: [],
  cases: [],
  current: null,       // the open case
  place: 'internal',   // which of its threads is open: internal (内部讨论) or parties (与当事人沟通)
  lastSeq: 0,          // newest seq shown for the open thread
  oldestSeq: null,     // oldest seq loaded (for history paging)
  outbox: new Map(),   // cmid -> body, posts not yet acknowledged (resent after a reconnect)
  typingTimer: null,
  lastTypingSent: 0,
  reads: new Map(),    // user id -> {name, seq}
  events: new Map(),   // seq -> event, the open thread's loaded events (re-rendered on a language switch)
  connState: '',
};

// ---- login -------------------------------------------------------------------------------------

// A staff session is kept per browser (every tab) until its token expires, and ended in every tab
// by a logout in any; a guest's link session stays in its own tab.
function storedToken() {
  const guest = sessionStorage.getItem('token');
  if (guest) return guest;
  try {
    const s = JSON.parse(localStorage.getItem('session') || 'null');
    if (s && s.token && (!s.expires_at || Date.parse(s.expires_at) > Date.now())) return s.token;
  } catch { /* a damaged entry is no session */ }
  localStorage.removeItem('session');
  return null;
}

// Ends the session in this browser: the token, and every draft (a draft may hold a party's ID or
// phone number, which the next person at this screen must not find).
function forgetToken() {
  sessionStorage.removeItem('token');
  localStorage.removeItem('session');
  forgetDrafts();
}

function forgetDrafts() {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('draft:')) sessionStorage.removeItem(key);
}

async function login(ev) {
  ev.preventDefault();
  const form = ev.target;
  $('login-error').textContent = '';
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: form.username.value.trim(), password: form.password.value }),
  }).catch(() => null);
  if (!res || !res.ok) { $('login-error').textContent = t(res && res.status === 429 ? 'login_locked' : 'login_failed'); return; }
  const body = await res.json();
  state.token = body.token;
  localStorage.setItem('session', JSON.stringify({ token: body.token, expires_at: body.expires_at }));
  form.password.value = '';
  start();
}

async function logout() {
  if (state.token) await fetch('/api/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + state.token } }).catch(() => {});
  forgetToken();
  state.token = null;
  if (state.conn) state.conn.close();
  location.hash = '';
  location.reload();
}

function showLogin() {
  $('login-view').hidden = false;
  $('work-view').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('conn-state').textContent = '';
}

function start() {
  if (!state.token) { showLogin(); return; }
  $('login-view').hidden = true;
  $('work-view').hidden = false;
  $('logout').hidden = false;
  state.conn = new Connection(state.token, {
    onState: (s) => { state.connState = s; renderHeader(); },
    onAuthFailed: () => { forgetToken(); state.token = null; showLogin(); },
    onReady: async (user, network) => {
      state.user = user;
      setNetworkTimeZone(network && network.time_zone);
      renderHeader();
      await refreshCases();
      if (state.current) await resubscribe();
      else if (caseInAddress()) await followAddress();
    },
    onEvent,
    onRoom: (f) => { if (window.onRoomFrame) window.onRoomFrame(f); },
    onNotice,
  });
  $('open-calendar').hidden = false;
  $('open-stats').hidden = false;
}

// An invited outsider arrives with /#guest=<token>: the invitation is exchanged for a session.
async function guestEntry() {
  const m = location.hash.match(/^#guest=(.+)$/);
  if (!m) return false;
  history.replaceState(null, '', location.pathname);
  const r = await fetch('/api/guest-login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: decodeURIComponent(m[1]) }) });
  const body = await r.json();
  if (!r.ok) { showLogin(); $('login-error').textContent = errText(body.error); return true; }
  state.token = body.token;
  sessionStorage.setItem('token', body.token);
  start();
  return true;
}

function renderHeader() {
  $('conn-state').textContent = state.connState ? t(state.connState) : '';
  $('conn-state').dataset.state = state.connState;
  const u = state.user;
  $('who').textContent = u ? `${u.name} · ${t('role_' + u.role)} · ${u.org.name}` : '';
}

// Everything drawn from data, drawn again in the current language.
function rerender() {
  renderHeader();
  renderCases();
  if (!state.current) return;
  renderCaseHead();
  renderReads();
  const tl = $('timeline');
  const pending = [...tl.querySelectorAll('li.pending')];
  tl.replaceChildren(...[...state.events.keys()].sort((a, b) => a - b).map((seq) => eventElement(state.events.get(seq))), ...pending);
}

// ---- case list ---------------------------------------------------------------------------------

async function refreshCases() {
  // Guests (invited outsiders) have no directory: only their case.
  const guest = state.user && state.user.role === 'guest';
  const [orgs, list] = await Promise.all([
    guest ? Promise.resolve({ orgs: [] }) : state.conn.request({ type: 'orgs.list' }),
    state.conn.request({ type: 'case.list', ...(window.caseFilter ? window.caseFilter() : {}) }),
  ]);
  state.orgs = orgs.orgs;
  state.cases = list.cases;
  state.nextCases = list.next;
  renderCases();
}

function renderCases() {
  const ul = $('case-list');
  ul.replaceChildren();
  $('no-cases').hidden = state.cases.length > 0;
  for (const c of state.cases) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'case-item' + (state.current && state.current.id === c.id ? ' active' : '');
    b.dataset.caseId = c.id;
    const title = document.createElement('strong');
    title.textContent = c.title;
    const meta = document.createElement('span');
    meta.className = 'muted small';
    meta.textContent = `${c.number} · ${t('st_' + c.status)}` +
      (c.due && c.status !== 'closed' ? ` · ${t('due_on', { due: fmtDate(c.due) })} · ${relDue(c.due)}` : '');
    if (c.overdue) {
      const mark = document.createElement('strong');
      mark.className = 'overdue';
      mark.textContent = t('overdue');
      meta.append(' ', mark);
    }
    b.append(title, meta);
    b.addEventListener('click', () => openCase(c.id));
    li.append(b);
    ul.append(li);
  }
}

// ---- case room ---------------------------------------------------------------------------------

async function openCase(id) {
  const r = await state.conn.request({ type: 'case.get', case: id });
  const before = openThread();
  if (before && state.current.id !== r.case.id) state.conn.request({ type: 'unsubscribe', thread: before }).catch(() => {});
  if (!state.current || state.current.id !== r.case.id) state.place = 'internal';
  state.current = r.case;
  $('room-empty').hidden = true;
  $('room-body').hidden = false;
  renderCaseHead();
  renderCases();
  // Every case has its address: Back returns to the case before, reload and a new tab reopen it.
  const address = '#/cases/' + r.case.id;
  if (location.hash !== address) history.pushState(null, '', address);
  await loadThread();
  $('message').focus();
}

// The case the address names (#/cases/123), or null.
function caseInAddress() {
  const m = location.hash.match(/^#\/cases\/(\d+)$/);
  return m ? m[1] : null;
}

// Back and Forward between cases; an address without a case closes the case room.
async function followAddress() {
  const id = caseInAddress();
  if (id && (!state.current || String(state.current.id) !== id)) {
    await openCase(id).catch((e) => { $('room-empty').hidden = false; $('room-empty').textContent = errText(e); });
  } else if (!id && state.current && !location.hash.startsWith('#guest=')) {
    const before = openThread();
    if (before) state.conn.request({ type: 'unsubscribe', thread: before }).catch(() => {});
    state.current = null;
    $('room-body').hidden = true;
    $('room-empty').hidden = false;
    renderCases();
  }
}

// The open thread of the open case. People on a party's side (view "party") have only the parties'.
function openThread() {
  const c = state.current;
  if (!c) return null;
  return c.view === 'party' || state.place === 'parties' ? c.parties_thread : c.thread;
}

// Switches the case room between the staff's internal thread and the thread shared with the parties.
async function switchPlace(place) {
  if (!state.current || state.place === place || state.current.view === 'party') return;
  const before = openThread();
  state.place = place;
  state.conn.request({ type: 'unsubscribe', thread: before }).catch(() => {});
  await loadThread();
}

function renderPlace() {
  const party = state.current && state.current.view === 'party';
  const place = party ? 'parties' : state.place;
  $('room-body').dataset.place = place;
  $('place-internal').hidden = party;
  $('place-internal').setAttribute('aria-selected', String(place === 'internal'));
  $('place-parties').setAttribute('aria-selected', String(place === 'parties'));
  $('place-note').textContent = t(place === 'internal' ? 'place_internal_note' : party ? 'place_parties_note_party' : 'place_parties_note');
}

// The newest page of the open thread's history, then live events from there on.
async function loadThread() {
  state.lastSeq = 0;
  state.oldestSeq = null;
  state.reads.clear();
  state.events.clear();
  $('timeline').replaceChildren();
  renderPlace();
  const thread = openThread();
  const h = await state.conn.request({ type: 'history', thread, limit: 50 });
  for (const e of h.events) showEvent(e);
  await resubscribe();
  const reads = await state.conn.request({ type: 'read.list', thread });
  for (const m of reads.reads) state.reads.set(m.user.id, { name: m.user.name, seq: m.seq });
  renderReads();
  markRead();
}

async function resubscribe() {
  const c = state.current;
  await state.conn.request({ type: 'subscribe', thread: openThread(), since: state.lastSeq });
  // Posts that were not acknowledged before a disconnect are sent again with the same cmid:
  // the server stores each at most once.
  for (const [cmid, body] of state.outbox) sendPost(cmid, body);
}

function renderCaseHead() {
  const c = state.current;
  $('room-title').textContent = c.title;
  renderPlace();
  if (c.view === 'party') {
    // Someone on a party's side: the case's summary and the parties' thread only.
    $('room-meta').textContent = `${c.number} · ${c.org.name} · ${t('st_' + c.status)}`;
    for (const id of ['act-handoff', 'act-invite', 'act-accept', 'act-decline', 'act-agreement', 'act-meeting'])
      $(id).hidden = true;
    return;
  }
  const handlers = c.handlers.map((h) => `${h.org.name}（${t('hs_' + h.status)}）`).join('，');
  $('room-meta').textContent = `${c.number} · ${c.org.name} · ${t('st_' + c.status)}` + (handlers ? ` · ${handlers}` : '');
  const mine = state.user.org.id;
  const worker = ['petition_officer', 'leader', 'mediator', 'committee_mediator', 'grid_worker'].includes(state.user.role);
  const pending = c.handlers.some((h) => h.org.id === mine && h.status === 'pending');
  const acting = c.org.id === mine || c.handlers.some((h) => h.org.id === mine && h.status === 'accepted');
  $('act-handoff').hidden = !(worker && acting);
  $('act-invite').hidden = !(worker && acting);
  $('act-accept').hidden = !(worker && pending);
  $('act-decline').hidden = !(worker && pending);
  $('act-agreement').hidden = !worker;
  $('act-meeting').hidden = !(worker && acting);
}

function describe(e) {
  const d = e.data || {};
  const author = e.author ? e.author.name : '';
  switch (e.kind) {
    case 'created': return t('ev_created', { author, number: d.case ? d.case.number : '' });
    case 'handed_over': return t('ev_handed_over', { author, to: d.to_org.name, due: d.due ? t('due_suffix', { due: fmtDate(d.due) }) : '' });
    case 'accepted': return t('ev_accepted', { org: d.org.name, first: d.first_handler ? t('first_handler') : '' });
    case 'declined': return t('ev_declined', { org: d.org.name, reason: d.reason });
    case 'invited': return t('ev_invited', { author, user: d.user.name })
      + (d.capacity ? ` · ${t('cap_' + d.capacity)}${d.side ? '（' + t('side_' + d.side) + '）' : ''}` : '');
    case 'triaged': return t('ev_triaged', { author, decision: t('tr_' + d.decision, { route: d.route || '' }) });
    case 'returned': return t('ev_returned', { org: d.org.name, to: d.to_org.name, reason: d.reason });
    case 'paused': return t('ev_paused', { author, reason: d.reason });
    case 'resumed': return t('ev_resumed', { author });
    case 'extended': return t('ev_extended', { author, days: d.days });
    case 'leader_assigned': return t('ev_leader_assigned', { author });
    case 'escalated': return t('ev_escalated', { rule: t('rule_' + d.rule), from: d.from_org.name, to: d.to_org.name });
    case 'escalation_blocked': return t('ev_escalation_blocked', { rule: t('rule_' + d.rule) });
    case 'closed': return t('ev_closed', { author, outcome: t('oc_' + d.outcome) });
    case 'evaluated': return t('ev_evaluated', { evaluation: t('evl_' + d.evaluation) });
    case 'evaluation_link_created': return t('ev_evaluation_link_created', { author });
    case 'supervision_issued': return t('ev_supervision_issued', { from: d.from_org.name, kind: t('sk_' + d.kind), body: d.body });
    case 'supervision_answered': return t('ev_supervision_answered', { author, body: d.body });
    case 'grouped': return t('ev_grouped', { group: d.group.number });
    case 'member_added': return t('ev_member_added', { case: d.case.number });
    case 'repeat_merged': return t('ev_repeat_merged', { case: d.case.number });
    case 'attachment': return t('ev_attachment', { author, name: d.name });
    case 'agreement_drafted': return t('ev_agreement_drafted', { author, number: d.agreement.number, v: d.version });
    case 'agreement_signed': return t('ev_agreement_signed', { name: d.name, number: d.agreement.number });
    case 'agreement_sealed': return t('ev_agreement_sealed', { author, number: d.agreement.number });
    case 'agreement_in_force': return t('ev_agreement_in_force', { number: d.agreement.number });
    case 'agreement_sign_link_created': return t('ev_agreement_sign_link_created', { author, name: d.name });
    case 'term_performed': return t('ev_term_performed', { text: d.text });
    case 'term_overdue': return t('ev_term_overdue', { text: d.text });
    case 'confirmation_applied': return t('ev_confirmation_applied', { court: d.court });
    case 'confirmation_decided': return t('ev_confirmation_decided', { decision: d.decision });
    case 'confirmation_reminder': return t('ev_confirmation_reminder', { due: fmtDate(d.due) });
    case 'confirmation_window_closed': return t('ev_confirmation_window_closed');
    case 'meeting_scheduled': case 'meeting_rescheduled': case 'meeting_cancelled': case 'meeting_reminder':
      return t('ev_' + e.kind, { author, title: d.meeting.title, when: d.meeting.local_start.slice(0, 16).replace('T', ' ') });
    case 'meeting_answered': return t('ev_meeting_answered', { author, title: d.meeting.title, answer: t('ans_' + d.answer) });
    case 'guest_invited': case 'guest_revoked': return t('ev_' + e.kind, { author, name: d.guest.name });
    case 'meeting_side_set': return t('ev_meeting_side_set', { author, name: d.participant.name, side: t('side_' + d.side) });
    default: return e.kind;
  }
}

function eventElement(e) {
  const li = document.createElement('li');
  li.dataset.seq = e.seq;
  const when = document.createElement('time');
  when.dateTime = e.at;
  when.textContent = fmtDateTime(e.at);
  if (e.kind === 'message') {
    li.className = 'msg' + (e.author && state.user && e.author.id === state.user.id ? ' mine' : '');
    const who = document.createElement('span');
    who.className = 'author';
    who.textContent = e.author.name;
    const body = document.createElement('p');
    body.textContent = e.data.body;
    li.append(who, when, body);
  } else {
    li.className = 'sys';
    const text = document.createElement('span');
    text.textContent = describe(e);
    li.append(text, when);
    if (e.kind === 'attachment') {
      const a = document.createElement('button');
      a.type = 'button';
      a.className = 'link';
      a.textContent = e.data.name;
      a.addEventListener('click', () => downloadAttachment(e.data));
      li.append(' ', a);
    }
  }
  return li;
}

// A change in a case the user is not looking at: a line in the header, and the list refreshed.
let noticeTimer = null;
function onNotice(n) {
  $('notice').textContent = describe(n);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => refreshCases().catch(() => {}), 300);
  if (window.afterNotice) window.afterNotice(n);
}

// Shows a stored event once, in seq order (history pages may arrive before or after live events).
function showEvent(e) {
  const tl = $('timeline');
  if (state.events.has(e.seq)) return;
  state.events.set(e.seq, e);
  const el = eventElement(e);
  const after = [...tl.children].find((li) => Number(li.dataset.seq) > e.seq);
  const atBottom = tl.scrollHeight - tl.scrollTop - tl.clientHeight < 40;
  tl.insertBefore(el, after || null);
  if (e.seq > state.lastSeq) state.lastSeq = e.seq;
  if (state.oldestSeq === null || e.seq < state.oldestSeq) state.oldestSeq = e.seq;
  if (e.kind === 'message' && e.data && state.outbox.has(e.data.cmid) && e.author.id === state.user.id) {
    state.outbox.delete(e.data.cmid);
    const pending = tl.querySelector(`li.pending[data-cmid="${CSS.escape(e.data.cmid)}"]`);
    if (pending) pending.remove();
  }
  if (!after && atBottom) tl.scrollTop = tl.scrollHeight;
}

async function loadOlder() {
  if (!state.current || state.oldestSeq === null || state.oldestSeq <= 1 || state.loadingOlder) return;
  state.loadingOlder = true;
  const tl = $('timeline');
  const before = tl.scrollHeight;
  try {
    const h = await state.conn.request({ type: 'history', thread: openThread(), before: state.oldestSeq, limit: 50 });
    for (const e of h.events) showEvent(e);
    tl.scrollTop += tl.scrollHeight - before;
  } finally {
    state.loadingOlder = false;
  }
}

function onEvent(e) {
  if (!state.current || e.thread !== openThread()) return;
  if (e.kind === 'typing') {
    $('typing').textContent = t('typing', { name: e.author.name });
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 4000);
    return;
  }
  if (e.kind === 'read') {
    state.reads.set(e.author.id, { name: e.author.name, seq: e.data.seq });
    renderReads();
    return;
  }
  if (e.kind === 'unsubscribed') {
    $('room-meta').textContent = t('revoked');
    refreshCases();
    return;
  }
  if (e.author && e.kind === 'message') $('typing').textContent = '';
  showEvent(e);
  if (e.kind !== 'message') {
    state.conn.request({ type: 'case.get', case: state.current.id })
      .then((r) => { state.current = r.case; renderCaseHead(); })
      .catch(() => {});
    refreshCases().catch(() => {});
  }
  if (document.visibilityState === 'visible') markRead();
}

function renderReads() {
  // Who has read the newest event, by name; the others are not listed.
  const list = [...state.reads.values()].filter((r) => r.seq >= state.lastSeq).map((r) => r.name)
    .join(lang === 'en' ? ', ' : '、');
  $('reads').textContent = list ? t('read_by', { list }) : '';
}

function markRead() {
  if (!state.current || !state.lastSeq) return;
  const mine = state.reads.get(state.user.id);
  if (mine && mine.seq >= state.lastSeq) return;
  state.conn.request({ type: 'read', thread: openThread(), seq: state.lastSeq }).catch(() => {});
}

// ---- composing ----------------------------------------------------------------------------------

function newCmid() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).slice(0, 64);
}

function sendPost(cmid, body) {
  state.conn.request({ type: 'post', thread: openThread(), cmid, body })
    .then(() => {})
    .catch(() => {});  // kept in the outbox; resent after the reconnect
}

function submitMessage(ev) {
  ev.preventDefault();
  const input = $('message');
  const body = input.value.trim();
  if (!body || !state.current) return;
  const cmid = newCmid();
  state.outbox.set(cmid, body);
  const li = document.createElement('li');
  li.className = 'msg mine pending';
  li.dataset.cmid = cmid;
  const p = document.createElement('p');
  p.textContent = body;
  const s = document.createElement('span');
  s.className = 'muted small';
  s.textContent = t('sending');
  li.append(p, s);
  $('timeline').append(li);
  $('timeline').scrollTop = $('timeline').scrollHeight;
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
  if (state.current && now - state.lastTypingSent > 3000) {
    state.lastTypingSent = now;
    state.conn.request({ type: 'typing', thread: openThread() }).catch(() => {});
  }
}

async function downloadAttachment(att) {
  const r = await fetch(att.url, { headers: { Authorization: 'Bearer ' + state.token } });
  if (!r.ok) { alert(errText((await r.json()).error)); return; }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await r.blob());
  a.download = att.name;
  a.click();
}

// ---- dialogs: new case, hand-over, decline, invite ---------------------------------------------

// A dialog with a form. Enter submits (Shift+Enter is a new line in a multi-line field), Escape and
// the cancel button close without sending; what was typed survives an accidental close as a draft
// until it is sent. An error is shown in the user's language beside the field it names.
function runDialog(id, prepare, submit) {
  const dlg = $(id);
  const form = dlg.querySelector('form');
  const err = form.querySelector('.error');
  const draftKey = `draft:${state.user ? state.user.id : ''}:${id}`;  // one person's drafts are theirs only
  err.textContent = '';
  form.reset();
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  if (prepare) prepare(form);
  restoreDraft(form, draftKey);
  // Cancel buttons never submit: the form's default button (Enter) is the one that sends.
  for (const b of form.querySelectorAll('button[value="cancel"]')) {
    b.type = 'button';
    b.onclick = () => dlg.close('cancel');
  }
  form.oninput = () => saveDraft(form, draftKey);
  form.onkeydown = (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.target.tagName === 'TEXTAREA') {
      ev.preventDefault();
      form.requestSubmit();
    }
  };
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    try {
      await submit(form);
      sessionStorage.removeItem(draftKey);
      dlg.close('ok');
    } catch (e) {
      if (e.keepOpen) return;
      err.textContent = errText(e);
      const at = e.field && form.querySelector(`[data-field="${CSS.escape(e.field)}"]`);
      if (at) { at.setAttribute('aria-invalid', 'true'); at.focus(); }
    }
  };
  dlg.showModal();
}

function saveDraft(form, key) {
  const values = {};
  for (const el of form.elements) if (el.name && el.type !== 'checkbox' && el.type !== 'file') values[el.name] = el.value;
  sessionStorage.setItem(key, JSON.stringify(values));
}

function restoreDraft(form, key) {
  let values = null;
  try { values = JSON.parse(sessionStorage.getItem(key) || 'null'); } catch { values = null; }
  if (!values) return;
  for (const el of form.elements) {
    if (!el.name || !(el.name in values) || el.type === 'file') continue;
    el.value = values[el.name];
    if (el.tagName === 'SELECT') el.dispatchEvent(new Event('change'));  // dependent fields follow
  }
}

// A check before sending, in the user's language, naming the field as the server would.
function fieldError(field, key) {
  return Object.assign(new Error(t(key)), { field });
}

function newCase() {
  runDialog('dlg-case', null, async (f) => {
    const ids = window.ClientModules && window.ClientModules.identifiers;
    const phone = f.petitioner_phone.value.trim(), idNumber = f.petitioner_id.value.trim();
    if (!f.title.value.trim()) throw fieldError('title', 'v_required');
    if ((phone || idNumber) && !f.petitioner.value.trim()) throw fieldError('parties[0].name', 'v_required');
    if (ids && phone && !ids.validPhone(phone)) throw fieldError('parties[0].phone', 'v_phone');
    if (ids && idNumber && !ids.validResidentId(idNumber) && !ids.validCreditCode(idNumber))
      throw fieldError('parties[0].id_number', 'v_id_number');
    const parties = [];
    if (f.petitioner.value.trim())
      parties.push({ role: 'petitioner', name: f.petitioner.value.trim(), phone: f.petitioner_phone.value.trim(),
        id_number: f.petitioner_id.value.trim() });
    if (f.respondent.value.trim()) parties.push({ role: 'respondent', name: f.respondent.value.trim() });
    const r = await state.conn.request({
      type: 'case.create', title: f.title.value.trim(), category: f.category.value, channel: f.channel.value,
      description: f.description.value, parties, location: f.location.value.trim(), urgency: f.urgency.value,
    });
    await refreshCases();
    await openCase(r.case.id);
  });
}

function handoff() {
  runDialog('dlg-handoff', (f) => {
    const select = f.to_org;
    select.replaceChildren();
    for (const o of state.orgs) {
      if (o.id === state.user.org.id || o.id === state.current.org.id) continue;
      const opt = document.createElement('option');
      opt.value = o.id;
      opt.textContent = lang === 'en' && o.name_en ? o.name_en : o.name;
      select.append(opt);
    }
    f.due.min = todayInNetwork();  // no deadline in the past
  }, async (f) => {
    const req = { type: 'case.handoff', case: state.current.id, to_org: f.to_org.value, note: f.note.value };
    if (f.due.value && f.due.value < todayInNetwork()) throw fieldError('due', 'v_due_past');
    if (f.due.value) req.due = f.due.value;
    const r = await state.conn.request(req);
    state.current = r.case;
    renderCaseHead();
  });
}

async function decide(accept) {
  if (accept) {
    const r = await state.conn.request({ type: 'case.accept', case: state.current.id });
    state.current = r.case;
    renderCaseHead();
    return;
  }
  runDialog('dlg-decline', null, async (f) => {
    await state.conn.request({ type: 'case.decline', case: state.current.id, reason: f.reason.value });
  });
}

async function invite() {
  const users = await state.conn.request({ type: 'users.list' });
  runDialog('dlg-invite', (f) => {
    // A representative acts for one party: the side is asked only then.
    f.capacity.value = 'professional';
    $('invite-side').hidden = true;
    f.capacity.onchange = () => { $('invite-side').hidden = f.capacity.value !== 'representative'; };
    f.user.replaceChildren();
    for (const u of users.users) {
      const opt = document.createElement('option');
      opt.value = u.id;
      opt.textContent = `${u.name} · ${t('role_' + u.role)} · ${u.org.name}`;
      f.user.append(opt);
    }
  }, async (f) => {
    const capacity = f.capacity.value;
    const req = { type: 'case.invite', case: state.current.id, user: f.user.value, capacity };
    if (capacity === 'representative') req.side = f.side.value;
    const r = await state.conn.request(req);
    state.current = r.case;
  });
}

// ---- wiring ----------------------------------------------------------------------------------------

$('lang').addEventListener('click', () => { toggleLanguage(); rerender(); });
$('logout').addEventListener('click', logout);
$('login-form').addEventListener('submit', login);
$('new-case').addEventListener('click', newCase);
$('composer').addEventListener('submit', submitMessage);
$('message').addEventListener('keydown', onComposerKey);
$('timeline').addEventListener('scroll', () => { if ($('timeline').scrollTop < 30) loadOlder(); });
$('act-handoff').addEventListener('click', handoff);
$('act-accept').addEventListener('click', () => decide(true));
$('act-decline').addEventListener('click', () => decide(false));
$('act-invite').addEventListener('click', invite);
$('place-internal').addEventListener('click', () => switchPlace('internal'));
$('place-parties').addEventListener('click', () => switchPlace('parties'));
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') markRead(); });
window.addEventListener('popstate', () => { if (state.conn) followAddress(); });
// A logout in another tab ends this one too.
window.addEventListener('storage', (ev) => {
  if (ev.key === 'session' && !ev.newValue && state.token && !sessionStorage.getItem('token')) {
    state.token = null;
    forgetDrafts();
    if (state.conn) state.conn.close();
    location.reload();
  }
});
// Cancel and close buttons never submit: Enter in a field must not throw a form away or leave a
// meeting. A dialog's form without a sending button is never submitted by Enter either.
for (const b of document.querySelectorAll('dialog button[value="cancel"]')) {
  b.type = 'button';
  b.addEventListener('click', () => b.closest('dialog').close('cancel'));
}
for (const form of document.querySelectorAll('dialog form')) {
  form.addEventListener('submit', (ev) => {
    if (!form.querySelector('button:not([type="button"]), input[type="submit"]')) ev.preventDefault();
  });
}

applyLanguage();
guestEntry().then((handled) => { if (!handled) start(); });
