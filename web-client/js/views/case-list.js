// The case list: filters, search and paging, each case's state and deadline, and how many new
// events each has that this person has not seen.
import { state, bus, request } from '../store.js';
import { t, fmtDate, relDue, errText } from '../i18n.js';
import { caseFilter } from '../logic.js';
import { $, el } from '../ui.js';

function filterValues() {
  const f = $('case-filter');
  return caseFilter({ q: f.q.value, status: f.status.value, inbox: f.inbox.checked, overdue: f.overdue.checked,
    mine: f.mine.checked, leader_owned: f.leader_owned.checked, week: f.week.checked });
}

export async function refreshCases() {
  // Guests (invited outsiders) have no directory: only their case.
  const guest = state.user && state.user.role === 'guest';
  const [orgs, list] = await Promise.all([
    guest ? Promise.resolve({ orgs: [] }) : request({ type: 'orgs.list' }),
    request({ type: 'case.list', ...filterValues() }),
  ]);
  state.orgs = orgs.orgs;
  state.cases = list.cases;
  state.nextCases = list.next;
  takeUnread(list.cases);
  bus.emit('cases');
  bus.emit('unread');
}

// The server counts what is new to this reader in each case (since their read marker); the open
// case's count is this page's own (what arrived while the tab was in the background).
function takeUnread(cases) {
  for (const c of cases) {
    if (state.current && String(state.current.id) === String(c.id)) continue;
    if (c.unread) unread.set(String(c.id), c.unread); else unread.delete(String(c.id));
  }
}

async function moreCases() {
  if (!state.nextCases) return;
  const r = await request({ type: 'case.list', ...filterValues(), before: state.nextCases });
  state.cases = state.cases.concat(r.cases);
  state.nextCases = r.next;
  takeUnread(r.cases);
  bus.emit('cases');
  bus.emit('unread');
}

// Unread events per case id: the server's count at each refresh, and live notices in between.
export const unread = new Map();

function render() {
  const ul = $('case-list');
  ul.replaceChildren();
  $('no-cases').hidden = state.cases.length > 0;
  $('no-cases').textContent = t('no_cases');
  $('more-cases').hidden = !state.nextCases;
  for (const c of state.cases) {
    const meta = el('span', { className: 'muted small', text: `${c.number} · ${t('st_' + c.status)}` +
      (c.due && c.status !== 'closed' ? ` · ${t('due_on', { due: fmtDate(c.due) })} · ${relDue(c.due)}` : '') });
    if (c.overdue) meta.append(' ', el('strong', { className: 'overdue', text: t('overdue') }));
    const n = unread.get(String(c.id)) || 0;
    const badge = n ? el('span', { className: 'badge', text: String(n), 'aria-label': t('unread_n', { n }) }) : null;
    const active = state.current && String(state.current.id) === String(c.id);
    const link = el('a', { href: `#/cases/${c.id}`, className: 'case-item' + (active ? ' active' : '') + (n ? ' unread' : ''),
      dataset: { caseId: c.id }, 'aria-current': active ? 'page' : undefined },
    el('span', { className: 'case-line' }, el('strong', { text: c.title }), badge), meta);
    ul.append(el('li', {}, link));
  }
}

export function markSeen(id) {
  if (unread.delete(String(id))) { render(); bus.emit('unread'); }
}

export function countUnread(id) {
  const key = String(id);
  unread.set(key, (unread.get(key) || 0) + 1);
  render();
  bus.emit('unread');
}

export function installCaseList() {
  let filterTimer = null;
  const filterChanged = () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => refreshCases().catch((e) => { $('no-cases').hidden = false; $('no-cases').textContent = errText(e); }), 250);
  };
  $('case-filter').addEventListener('input', filterChanged);
  $('case-filter').addEventListener('submit', (e) => { e.preventDefault(); filterChanged(); });
  $('more-cases').addEventListener('click', () => moreCases().catch((e) => { $('no-cases').hidden = false; $('no-cases').textContent = errText(e); }));
  bus.on('cases', render);
  bus.on('case', render);
  bus.on('language', render);
  bus.on('user', (u) => { $('case-filter').hidden = u.role === 'guest'; });
}
