// The browser client's entry: signing in, the header (a menu on narrow screens), the connection, and
// which view the address shows. Talks only the documented protocol (protocol/README.md): POST
// /api/login, then one WebSocket at /ws.
import { state, bus, orgName } from './store.js';
import { Connection } from './connection.js';
import { t, lang, applyLanguage, toggleLanguage, setNetworkTimeZone, errText } from './i18n.js';
import { storedToken, keepStaffSession, keepGuestSession, isGuestSession, forgetSession, forgetDrafts } from './session.js';
import { tabTitle, mentions } from './logic.js';
import { $ } from './ui.js';
import { currentRoute, navigate, installRouter } from './router.js';
import { installCaseList, refreshCases, unread } from './views/case-list.js';
import { installCaseRoom, openCase, closeCase, resubscribe } from './views/case-room.js';
import { installCaseActions } from './views/case-actions.js';
import { installCalendar, showCalendar } from './views/calendar.js';
import { installMeetingRoom, showMeeting } from './views/meeting-room.js';
import { installAgreements, showAgreements } from './views/agreements.js';
import { installStats, showStats } from './views/stats.js';
import { describe } from './views/describe.js';

// ---- signing in ----------------------------------------------------------------------------------

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
  keepStaffSession(body.token, body.expires_at);
  form.password.value = '';
  start();
}

async function logout() {
  if (state.token) await fetch('/api/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + state.token } }).catch(() => {});
  forgetSession();
  state.token = null;
  if (state.conn) state.conn.close();
  location.hash = '';
  location.reload();
}

function showLogin(message) {
  $('login-view').hidden = false;
  $('work-view').hidden = true;
  for (const id of ['logout', 'open-calendar', 'open-stats', 'open-cases']) $(id).hidden = true;
  $('who').textContent = '';
  $('conn-state').textContent = '';
  $('login-error').textContent = message || '';
  document.querySelector('#login-form input[name=username]').focus();
}

function start() {
  state.token = state.token || storedToken();
  if (!state.token) { showLogin(); return; }
  $('login-view').hidden = true;
  $('work-view').hidden = false;
  $('logout').hidden = false;
  const isGuest = isGuestSession();
  const conn = new Connection(state.token);
  state.conn = conn;
  conn.on('state', (s) => { state.connState = s; renderHeader(); });
  conn.on('auth-failed', () => {
    forgetSession();
    state.token = null;
    bus.emit('signed-out');
    for (const d of document.querySelectorAll('dialog[open]')) d.close();
    showLogin(t(isGuest ? 'guest_session_ended' : 'session_ended'));
  });
  conn.on('event', (e) => bus.emit('event', e));
  conn.on('room', (f) => bus.emit('room', f));
  conn.on('notice', (n) => bus.emit('notice', n));
  conn.on('ready', async (user, network) => {
    const first = !state.user;
    state.user = user;
    setNetworkTimeZone(network && network.time_zone);
    renderHeader();
    bus.emit('user', user);
    try {
      await refreshCases();
      if (first) await showRoute(currentRoute());
      else if (state.current) await resubscribe();
    } catch (e) {
      report(e);
    }
  });
  if (!started) {
    installCaseList();
    installCaseRoom();
    installCaseActions();
    installCalendar();
    installMeetingRoom();
    installAgreements();
    installStats();
    started = true;
  }
  conn.open();
}
let started = false;

// An invited outsider arrives with /#guest=<token>: the invitation is exchanged for a session.
async function guestEntry() {
  const m = location.hash.match(/^#guest=(.+)$/);
  if (!m) return false;
  history.replaceState(null, '', location.pathname);
  const r = await fetch('/api/guest-login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: decodeURIComponent(m[1]) }) });
  const body = await r.json();
  if (!r.ok) { showLogin(errText(body.error)); return true; }
  state.token = body.token;
  keepGuestSession(body.token);
  start();
  return true;
}

// ---- the header ------------------------------------------------------------------------------------

function renderHeader() {
  $('conn-state').textContent = state.connState ? t(state.connState) : '';
  $('conn-state').dataset.state = state.connState;
  const u = state.user;
  $('who').textContent = u ? `${u.name} · ${t('role_' + u.role)} · ${orgName(u.org)}` : '';
  const staff = u && ['petition_officer', 'leader', 'mediator', 'committee_mediator', 'grid_worker', 'administrator'].includes(u.role);
  $('open-stats').hidden = !staff;
  $('open-calendar').hidden = !u;
  $('open-cases').hidden = !u;
}

function report(e) {
  $('notice').textContent = errText(e);
  $('notice').dataset.kind = 'error';
}

// A line in the header: a change elsewhere (a notice) or the result of what was just done.
let noticeTimer = null;
function onNotice(n) {
  $('notice').textContent = describe(n);
  $('notice').dataset.kind = 'info';
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => refreshCases().catch(() => {}), 300);
  notify(n);
}

function renderTitle() {
  document.title = tabTitle(t('app_title'), [...unread.values()].filter((n) => n > 0).length);
}

// ---- browser notifications (with permission) --------------------------------------------------------

function notificationsWanted() { return localStorage.getItem('notify') === 'on' && 'Notification' in window && Notification.permission === 'granted'; }

function renderNotifyButton() {
  const b = $('notify-toggle');
  if (!('Notification' in window)) { b.hidden = true; return; }
  b.hidden = !state.user;
  b.setAttribute('aria-pressed', String(notificationsWanted()));
  b.textContent = notificationsWanted() ? t('notify_on') : t('notify_off');
}

async function toggleNotifications() {
  if (notificationsWanted()) localStorage.setItem('notify', 'off');
  else if (await Notification.requestPermission() === 'granted') localStorage.setItem('notify', 'on');
  renderNotifyButton();
}

// A hand-over to one's organisation, a mention, or a meeting starting, when the tab is not in view:
// from a notice (a case not open here) or from the open case's thread.
function notify(n) {
  if (!notificationsWanted() || document.visibilityState === 'visible') return;
  const u = state.user;
  const handedToMe = n.kind === 'handed_over' && n.data && n.data.to_org && n.data.to_org.id === u.org.id;
  const meeting = n.kind === 'meeting_reminder';
  const mention = n.kind === 'message' && n.author && n.author.id !== u.id && mentions(n.data && n.data.body, u.name);
  if (!handedToMe && !meeting && !mention) return;
  const body = n.kind === 'message' ? t('mentioned_by', { name: n.author.name, body: n.data.body }) : describe(n);
  const note = new Notification(t('app_name'), { body, tag: `case-${n.case}` });
  note.onclick = () => { window.focus(); navigate({ view: 'case', id: n.case }); };
}

// ---- views by address ---------------------------------------------------------------------------------

let shownAddress = null;

async function showRoute(route) {
  if (!state.user) return;
  const address = location.hash;
  if (address === shownAddress) return;  // popstate and hashchange both announce one change
  shownAddress = address;
  const main = route.view === 'calendar' ? 'calendar' : route.view === 'stats' ? 'stats' : 'room';
  $('room').hidden = main !== 'room';
  $('calendar-view').hidden = main !== 'calendar';
  $('stats-view').hidden = main !== 'stats';
  document.body.dataset.view = route.view;
  for (const [id, view] of [['open-cases', 'cases'], ['open-calendar', 'calendar'], ['open-stats', 'stats']])
    $(id).setAttribute('aria-current', String(view === main || (view === 'cases' && main === 'room')));
  closeMenu();
  if ($('notice').dataset.kind === 'error') { $('notice').textContent = ''; delete $('notice').dataset.kind; }
  if (route.view !== 'meeting' && $('dlg-room').open) $('dlg-room').close();
  if (!(route.view === 'case' && route.agreements) && $('dlg-agreement').open) $('dlg-agreement').close();
  try {
    if (route.view === 'case') {
      await openCase(route.id);
      // People on a party's side have no agreement panel: the case itself opens.
      if (route.agreements && state.current.view === 'party') navigate({ view: 'case', id: route.id }, { replace: true });
      else if (route.agreements) await showAgreements();
    } else if (route.view === 'cases') {
      if (state.current) closeCase();
      document.title = tabTitle(t('app_title'), 0);
    } else if (route.view === 'calendar') {
      await showCalendar(route.month);
      $('cal-month-title').focus({ preventScroll: true });
    } else if (route.view === 'stats') {
      await showStats();
    } else if (route.view === 'meeting') {
      $('calendar-view').hidden = false;
      $('room').hidden = true;
      await showCalendar(null);
      await showMeeting(route.id);
    }
  } catch (e) {
    if (route.view === 'case') closeCase(errText(e));
    else report(e);
  }
  renderTitle();
}

// ---- the narrow screen's menu --------------------------------------------------------------------------

function closeMenu() {
  document.body.dataset.menu = 'closed';
  $('menu-toggle').setAttribute('aria-expanded', 'false');
}

function toggleMenu() {
  const open = document.body.dataset.menu !== 'open';
  document.body.dataset.menu = open ? 'open' : 'closed';
  $('menu-toggle').setAttribute('aria-expanded', String(open));
  if (open) $('menu').querySelector('button:not([hidden])').focus();
}

// ---- wiring ----------------------------------------------------------------------------------------------

$('lang').addEventListener('click', () => { toggleLanguage(); renderHeader(); renderNotifyButton(); renderTitle(); bus.emit('language'); });
$('logout').addEventListener('click', logout);
$('login-form').addEventListener('submit', login);
$('open-cases').addEventListener('click', () => navigate(state.current ? { view: 'case', id: state.current.id } : { view: 'cases' }));
$('open-calendar').addEventListener('click', () => navigate({ view: 'calendar' }));
$('open-stats').addEventListener('click', () => navigate({ view: 'stats' }));
$('menu-toggle').addEventListener('click', toggleMenu);
$('notify-toggle').addEventListener('click', () => toggleNotifications().catch(report));
$('back-to-list').addEventListener('click', () => navigate({ view: 'cases' }));
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && document.body.dataset.menu === 'open') { closeMenu(); $('menu-toggle').focus(); }
});
bus.on('route', (route) => { showRoute(route); });
// Messages in cases not open here send no notice: the list (and its unread counts) is refreshed
// every minute while the tab is in view.
setInterval(() => {
  if (state.conn && state.connState === 'online' && document.visibilityState === 'visible') refreshCases().catch(() => {});
}, 60000);
bus.on('notice', onNotice);
bus.on('thread-event', (e) => notify({ ...e, case: state.current && state.current.id }));
bus.on('unread', renderTitle);
bus.on('user', renderNotifyButton);
bus.on('status', (text) => { $('notice').textContent = text; $('notice').dataset.kind = 'info'; });
// A logout in another tab ends this one too.
window.addEventListener('storage', (ev) => {
  if (ev.key === 'session' && !ev.newValue && state.token && !isGuestSession()) {
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
for (const form of document.querySelectorAll('form')) form.noValidate = true;  // our checks speak the user's language
for (const form of document.querySelectorAll('dialog form')) {
  form.addEventListener('submit', (ev) => {
    if (!form.querySelector('button:not([type="button"]), input[type="submit"]')) ev.preventDefault();
  });
}

installRouter();
applyLanguage();
document.documentElement.dataset.lang = lang;
guestEntry().then((handled) => { if (!handled) start(); });
