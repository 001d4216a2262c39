// The person's calendar, a month at a time (#/calendar/2026-12), with answers, calendar export and
// invitations; and scheduling a meeting from the case room: people picked from a search box as
// chips, whether everyone is free at the chosen time shown while choosing.
import { state, bus, request, orgName } from '../store.js';
import { t, networkZone, todayInNetwork } from '../i18n.js';
import { zonedToUtc, utcToZoned, addMonths } from '../logic.js';
import { validPhone } from '../identifiers.js';
import { $, el, button, runDialog, fieldError, confirmIrreversible, copyableLink, guarded } from '../ui.js';
import { navigate } from '../router.js';

// The room opens 30 minutes before the start and closes 2 hours after the end (the server's rule).
export const ROOM_OPENS_MS = 30 * 60000;
export const ROOM_CLOSES_MS = 2 * 3600000;

let shownMonth = null;
let countdown = null;

export async function showCalendar(month) {
  shownMonth = month || todayInNetwork().slice(0, 7);
  const from = zonedToUtc(shownMonth + '-01', networkZone());
  const to = zonedToUtc(addMonths(shownMonth, 1) + '-01', networkZone());
  const r = await request({ type: 'meeting.list', from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  const [y, m] = shownMonth.split('-');
  $('cal-month-title').textContent = t('cal_month_title', { y, m: Number(m) });
  const box = $('cal-days');
  box.replaceChildren();
  if (!r.meetings.length) box.append(el('p', { className: 'muted', text: t('cal_none') }));
  let day = '';
  let list = null;
  for (const mt of r.meetings) {
    const d = mt.local_start.slice(0, 10);
    if (d !== day) {
      day = d;
      const weekday = new Date(zonedToUtc(d, networkZone()) + 12 * 3600000).getUTCDay();
      box.append(el('h3', { text: `${d} ${t('weekday_' + weekday)}` }));
      list = el('ul', { className: 'meeting-list' });
      box.append(list);
    }
    list.append(el('li', {}, meetingItem(mt)));
  }
  tickJoinButtons();
  clearInterval(countdown);
  countdown = setInterval(tickJoinButtons, 1000);
}

// Join buttons are greyed with a countdown until the room opens.
function tickJoinButtons() {
  if ($('calendar-view').hidden) { clearInterval(countdown); return; }
  for (const b of document.querySelectorAll('button.join[data-start]')) {
    const wait = Date.parse(b.dataset.start) - ROOM_OPENS_MS - Date.now();
    const over = Date.now() > Date.parse(b.dataset.end) + ROOM_CLOSES_MS;
    // Greyed but still reachable by keyboard, so the countdown can be read.
    b.setAttribute('aria-disabled', String(wait > 0 || over));
    b.textContent = over ? t('join_over') : wait > 0 ? t('join_in', { left: waitText(wait) }) : t('join');
  }
}

export function waitText(ms) {
  const min = Math.ceil(ms / 60000);
  if (min < 60) return t('n_minutes', { n: min });
  const h = Math.floor(min / 60);
  if (h < 48) return t('n_hours', { n: h, m: min % 60 });
  return t('n_days', { n: Math.floor(h / 24) });
}

function meetingItem(m) {
  const box = el('div', { className: 'meeting-item', dataset: { meetingId: m.id } });
  const me = m.participants.find((p) => p.user === state.user.id);
  box.append(el('strong', { text: `${m.local_start.slice(11, 16)}–${m.local_end.slice(11, 16)} ${m.title}` }));
  const kase = state.cases.find((c) => String(c.id) === String(m.case));
  if (kase) box.append(' ', el('a', { href: `#/cases/${kase.id}`, className: 'small', text: `${kase.number} ${kase.title}` }));
  box.append(el('p', { className: 'small muted', text: [m.place, m.status === 'cancelled' ? t('cancelled_mt') : '',
    m.required_declined ? t('required_declined') : '',
    // People on a party's side are marked with it; staff (neutral) are not.
    m.participants.map((p) => `${p.name}（${p.side === 'neutral' ? '' : t('side_' + p.side) + '，'}${t('ans_' + p.answer)}）`).join('、')]
    .filter(Boolean).join(' · ') }));
  const acts = el('div', { className: 'actions wrap' });
  const out = el('div', { className: 'small' });
  const act = (label, fn, props) => acts.append(button(label, guarded($('cal-error'), fn), props));
  if (me && m.status === 'scheduled' && m.organiser.id !== state.user.id)
    for (const answer of ['accepted', 'tentative', 'declined'])
      act(t('rsvp_' + answer), async () => {
        await request({ type: 'meeting.respond', meeting: m.id, answer });
        await showCalendar(shownMonth);
      }, { 'aria-pressed': String(me.answer === answer) });
  act(t('ics'), async () => {
    const r = await fetch(m.ics, { headers: { Authorization: 'Bearer ' + state.token } });
    el('a', { href: URL.createObjectURL(new Blob([await r.text()], { type: 'text/calendar' })), download: `meeting-${m.id}.ics` }).click();
  });
  if (m.remote && m.status === 'scheduled' && (me || m.organiser.id === state.user.id))
    acts.append(button(t('join'), (ev) => { if (ev.currentTarget.getAttribute('aria-disabled') !== 'true') navigate({ view: 'meeting', id: m.id }); },
      { className: 'join', dataset: { start: m.start, end: m.end } }));
  if (m.organiser.id === state.user.id && m.status === 'scheduled') {
    // A guest is always on one party's side: one invitation per side.
    for (const side of ['petitioner', 'respondent'])
      act(t('mt_invite_' + side), () => inviteGuest(m, side, out));
    act(t('mt_cancel'), () => cancelMeeting(m));
  }
  box.append(acts, out);
  return box;
}

function inviteGuest(m, side, out) {
  runDialog('dlg-guest', (f) => {
    $('guest-side').textContent = t('side_' + side);
    $('guest-link').replaceChildren();
  }, async (f) => {
    const name = f.name.value.trim(), phone = f.phone.value.trim();
    if (!name) throw fieldError('name', 'v_required');
    if (phone && !validPhone(phone)) throw fieldError('phone', 'v_phone');
    const r = await request({ type: 'meeting.invite_guest', meeting: m.id, name, side, ...(phone ? { phone } : {}) });
    out.replaceChildren(el('span', { text: t('mt_invite_link_for', { name }) + ' ' }), copyableLink(location.origin + r.url));
  });
}

function cancelMeeting(m) {
  runDialog('dlg-cancel-meeting', (f) => { $('cancel-title').textContent = m.title; }, async (f) => {
    const reason = f.reason.value.trim();
    if (!reason) throw fieldError('reason', 'v_required');
    if (!await confirmIrreversible(t('confirm_cancel', { title: m.title }), { title: t('confirm_cancel_title'), action: t('mt_cancel') })) throw Object.assign(new Error(''), { keepOpen: true });
    await request({ type: 'meeting.cancel', meeting: m.id, reason });
    await showCalendar(shownMonth);
  });
}

// ---- scheduling --------------------------------------------------------------------------------------

const picker = { users: [], chosen: new Map() };  // chosen: user id -> {user, side}

// People from outside the network's staff (lawyers, judicial staff) take part on a side the organiser
// chooses: a neutral participant reads the staff's internal discussion, a party's side never does.
const OUTSIDE_ROLES = ['lawyer', 'judicial'];

function renderChips() {
  const box = $('mt-chips');
  box.replaceChildren();
  for (const { user: u, side } of picker.chosen.values()) {
    const chip = el('li', { className: 'chip' + (OUTSIDE_ROLES.includes(u.role) ? ' outside' : '') },
      el('span', { text: `${u.name} · ${orgName(u.org)}` }));
    if (OUTSIDE_ROLES.includes(u.role)) {
      const select = el('select', { 'aria-label': t('side_of', { name: u.name }), dataset: { field: `participants.${u.id}.side` } },
        el('option', { value: '', text: t('choose_side') }),
        ...['petitioner', 'respondent', 'neutral'].map((x) => el('option', { value: x, text: t(x === 'neutral' ? 'side_neutral_reads' : 'side_' + x) })));
      select.value = side || '';
      select.addEventListener('change', () => { picker.chosen.get(u.id).side = select.value; });
      chip.append(select);
    }
    chip.append(button('×', () => { picker.chosen.delete(u.id); renderChips(); checkTime(); $('mt-search').focus(); },
      { className: 'chip-remove', 'aria-label': t('remove_person', { name: u.name }) }));
    box.append(chip);
  }
}

function renderMatches() {
  const q = $('mt-search').value.trim().toLowerCase();
  const ul = $('mt-matches');
  ul.replaceChildren();
  if (!q) { ul.hidden = true; $('mt-search').setAttribute('aria-expanded', 'false'); return; }
  const found = picker.users.filter((u) => !picker.chosen.has(u.id) &&
    `${u.name} ${u.username || ''} ${orgName(u.org)} ${t('role_' + u.role)}`.toLowerCase().includes(q)).slice(0, 8);
  for (const [i, u] of found.entries())
    ul.append(el('li', { role: 'option', id: `mt-match-${i}`, dataset: { userId: u.id }, 'aria-selected': String(i === 0),
      text: `${u.name} · ${t('role_' + u.role)} · ${orgName(u.org)}`, onmousedown: (ev) => { ev.preventDefault(); choose(u); } }));
  if (!found.length) ul.append(el('li', { className: 'muted', text: t('no_match') }));
  ul.hidden = false;
  $('mt-search').setAttribute('aria-expanded', 'true');
}

function choose(u) {
  picker.chosen.set(u.id, { user: u, side: OUTSIDE_ROLES.includes(u.role) ? '' : 'neutral' });
  $('mt-search').value = '';
  renderMatches();
  renderChips();
  checkTime();
}

function onSearchKey(ev) {
  const options = [...$('mt-matches').querySelectorAll('li[role=option]')];
  const at = options.findIndex((o) => o.getAttribute('aria-selected') === 'true');
  const select = (i) => options.forEach((o, j) => o.setAttribute('aria-selected', String(i === j)));
  if (ev.key === 'ArrowDown' && options.length) { ev.preventDefault(); select(Math.min(options.length - 1, at + 1)); }
  else if (ev.key === 'ArrowUp' && options.length) { ev.preventDefault(); select(Math.max(0, at - 1)); }
  else if (ev.key === 'Enter' && options.length && $('mt-search').value.trim()) {
    // Enter in the search box picks the person, it does not send the form.
    ev.preventDefault();
    ev.stopPropagation();
    choose(picker.users.find((u) => u.id === options[Math.max(0, at)].dataset.userId));
  } else if (ev.key === 'Escape' && $('mt-search').value) {
    ev.preventDefault();
    $('mt-search').value = '';
    renderMatches();
  } else if (ev.key === 'Backspace' && !$('mt-search').value && picker.chosen.size) {
    picker.chosen.delete([...picker.chosen.keys()].pop());
    renderChips();
    checkTime();
  }
}

let checkTimer = null;
let checkSerial = 0;

// Whether everyone chosen is free at the chosen time, asked while choosing: the next free slot of all
// of them from that time on either is that time or says when they are.
function checkTime() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => checkNow().catch((e) => { $('mt-conflicts').textContent = ''; void e; }), 300);
}

async function checkNow() {
  const f = $('dlg-meeting').querySelector('form');
  const box = $('mt-conflicts');
  const serial = ++checkSerial;
  if (!f.start.value) { box.textContent = ''; return; }
  const start = zonedToUtc(f.start.value, networkZone());
  const people = [...picker.chosen.keys(), state.user.id];
  const r = await request({ type: 'meeting.suggest', participants: people, duration_minutes: Number(f.minutes.value) || 60,
    from: new Date(start).toISOString() });
  if (serial !== checkSerial) return;  // an older answer arriving late
  const first = r.slots[0];
  box.className = 'small';
  if (first && Date.parse(first.start) === start) {
    box.textContent = t('mt_all_free');
    box.classList.add('ok');
  } else {
    box.textContent = first ? t('mt_not_free', { next: first.local_start.slice(0, 16).replace('T', ' ') }) : t('mt_no_slot');
    box.classList.add('warn');
  }
  renderSlots(r.slots.slice(0, 5));
}

function renderSlots(slots) {
  const f = $('dlg-meeting').querySelector('form');
  $('mt-slots').replaceChildren(...slots.map((s) => button(s.local_start.slice(5, 16).replace('T', ' '), () => {
    f.start.value = s.local_start.slice(0, 16);
    checkTime();
  }, { className: 'link' })));
}

async function scheduleMeeting() {
  const users = await request({ type: 'users.list' });
  // Administrators take no part in cases.
  picker.users = users.users.filter((u) => u.id !== state.user.id && u.role !== 'administrator');
  picker.chosen.clear();
  runDialog('dlg-meeting', (f) => {
    f.title.value = state.current.title;
    // The next full hour, in the network's zone.
    const soon = Math.ceil((Date.now() + 30 * 60000) / 3600000) * 3600000;
    f.start.value = utcToZoned(soon, networkZone());
    f.start.min = utcToZoned(Date.now(), networkZone());
    $('mt-conflicts').textContent = '';
    $('mt-slots').replaceChildren();
    $('mt-search').value = '';
    renderMatches();
    renderChips();
    $('mt-zone').textContent = t('mt_zone', { zone: networkZone() });
    checkTime();
  }, async (f) => {
    if (!f.title.value.trim()) throw fieldError('title', 'v_required');
    if (!f.start.value) throw fieldError('start', 'v_required');
    const start = zonedToUtc(f.start.value, networkZone());
    if (start < Date.now() - 60000) throw fieldError('start', 'v_start_past');
    const minutes = Number(f.minutes.value);
    if (!(minutes >= 15 && minutes <= 480)) throw fieldError('end', 'v_minutes');
    const end = start + minutes * 60000;
    // Staff picked from the directory take part as neutrals (the organiser's choice); an external
    // person is always on a party's side.
    const participants = [];
    for (const { user: u, side } of picker.chosen.values()) {
      if (!side) throw fieldError(`participants.${u.id}.side`, 'v_side_for', { name: u.name });
      participants.push({ user: u.id, side });
    }
    const extPhone = f.ext_phone.value.trim();
    if (extPhone && !validPhone(extPhone)) throw fieldError('participants.phone', 'v_phone');
    if (f.ext_name.value.trim())
      participants.push({ name: f.ext_name.value.trim(), ...(extPhone ? { phone: extPhone } : {}), side: f.ext_side.value });
    if (!participants.length) throw fieldError('participants', 'v_people');
    const r = await request({ type: 'meeting.schedule', case: state.current.id, title: f.title.value.trim(),
      start: new Date(start).toISOString(), end: new Date(end).toISOString(), tz: networkZone(), place: f.place.value,
      remote: f.remote.checked, participants });
    if (r.conflicts.length)
      bus.emit('status', t('mt_conflicts', { list: r.conflicts.map((c) => `${c.participant.name}「${c.meeting.title || t('busy')}」${c.meeting.local_start.slice(0, 16).replace('T', ' ')}`).join('；') }));
  });
}

export function installCalendar() {
  $('act-meeting').addEventListener('click', guarded(null, scheduleMeeting));
  $('mt-search').addEventListener('input', renderMatches);
  $('mt-search').addEventListener('keydown', onSearchKey);
  $('mt-search').addEventListener('blur', () => setTimeout(() => { $('mt-matches').hidden = true; }, 150));
  const f = $('dlg-meeting').querySelector('form');
  f.start.addEventListener('change', checkTime);
  f.minutes.addEventListener('change', checkTime);
  $('cal-prev').addEventListener('click', () => navigate({ view: 'calendar', month: addMonths(shownMonth, -1) }));
  $('cal-next').addEventListener('click', () => navigate({ view: 'calendar', month: addMonths(shownMonth, 1) }));
  $('cal-today').addEventListener('click', () => navigate({ view: 'calendar', month: todayInNetwork().slice(0, 7) }));
  $('cal-feed').addEventListener('click', guarded($('cal-error'), async () => {
    const r = await request({ type: 'calendar.feed' });
    $('cal-feed-url').replaceChildren(copyableLink(location.origin + r.url));
  }));
  bus.on('language', () => { if (!$('calendar-view').hidden) showCalendar(shownMonth).catch(() => {}); });
  // A guest's session is one meeting's: no calendar feed to subscribe to.
  bus.on('user', (u) => { $('cal-feed').hidden = u.role === 'guest'; });
  bus.on('notice', (n) => { if (!$('calendar-view').hidden && String(n.kind).startsWith('meeting')) showCalendar(shownMonth).catch(() => {}); });
}
