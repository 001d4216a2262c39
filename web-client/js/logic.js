// The browser client's pure logic, shared by its pages and unit-tested under Node
// (tests/e2e/logic.test.mjs). No DOM, no network.

export const ClientLogic = {
  // Whether a participant of `side` hears the live room in `mode` (the server decides the same way).
  hears(mode, side) { return mode === 'joint' || side === 'neutral' || side === mode; },

  // Whether this browser offers to `peer` (so that each pair of participants connects once).
  offersTo(myId, peerId) { return Number(myId) > Number(peerId); },

  // A rate as a percentage with one decimal, or a dash when there is nothing to count.
  percent(v) { return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`; },

  // The case.list filter fields from the filter form's values.
  caseFilter({ q = '', status = '', inbox = false, overdue = false, mine = false, leader_owned = false, week = false } = {}) {
    const out = {};
    if (q.trim()) out.q = q.trim();
    if (status) out.status = status;
    if (inbox) out.inbox = true;
    if (overdue) out.overdue = true;
    if (mine) out.mine = true;
    if (leader_owned) out.leader_owned = true;
    if (week) out.due_within_days = 7;
    return out;
  },

  // The workflow actions offered for a case to a user of `role` (the server decides in the end).
  availableActions(c, role) {
    const open = c.status !== 'closed';
    const leader = role === 'leader';
    const list = [];
    if (open && !c.accepted_at) list.push('triage_accept', 'triage_divert');
    if (open) list.push('escalate', c.paused ? 'resume' : 'pause', 'return');
    if (open && leader) list.push('extend');
    if (leader) list.push('own');
    if (open) list.push('close', 'supervise', 'answer_supervision', 'group');
    if (!open && !c.evaluation) list.push('evaluate', 'evaluation_link');
    if (role === 'petition_officer' || role === 'leader') list.push('audit');
    list.push('attach');
    return list;
  },

  // Who has not yet signed version `v` of an agreement, by party index (and the mediator).
  unsignedParties(agreement, v) {
    const signed = agreement.signatures.filter((s) => s.version === v);
    const parties = agreement.current.content.parties
      .map((p, i) => i)
      .filter((i) => !signed.some((s) => s.role === 'party' && s.party === i));
    return { parties, mediator: !signed.some((s) => s.role === 'mediator') };
  },
};

export const { hears, offersTo, percent, caseFilter, availableActions, unsignedParties } = ClientLogic;

// ---- agreements ---------------------------------------------------------------------------------------

// The first text of an agreement's content that still holds a template's blank (＿＿ or __), as its
// field path (terms[0].text), or null; the server refuses signatures and the seal while one remains.
export function firstBlank(content) {
  const blank = (v) => typeof v === 'string' && ['\uFF3F', '\uFE4F', '\u2017', '__', '_ _'].some((m) => v.includes(m));
  for (const f of ['facts', 'organisation']) if (blank(content[f])) return f;
  const lists = [['parties', 'name'], ['parties', 'address'], ['disputes', null], ['responsibilities', 'text'], ['terms', 'text'], ['terms', 'way'],
    ['terms', 'place'], ['mediators', null]];
  for (const [name, field] of lists) {
    const items = Array.isArray(content[name]) ? content[name] : [];
    for (const [i, item] of items.entries())
      if (field === null ? blank(item) : item && blank(item[field])) return `${name}[${i}]${field ? '.' + field : ''}`;
  }
  return null;
}

// ---- time in the network's zone -------------------------------------------------------------------

// How far `timeZone` is ahead of UTC at the instant `ms`, in milliseconds.
export function zoneOffsetMs(ms, timeZone) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour),
    Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

// The instant (ms) of a wall-clock time 'YYYY-MM-DDTHH:MM' (or a date 'YYYY-MM-DD', at midnight) in
// `timeZone`, whatever the browser's own zone.
export function zonedToUtc(local, timeZone) {
  const text = local.length === 10 ? local + 'T00:00' : local;
  const guess = Date.parse(text + ':00Z');
  if (Number.isNaN(guess)) return NaN;
  const first = guess - zoneOffsetMs(guess, timeZone);
  const second = guess - zoneOffsetMs(first, timeZone);  // across a change of offset
  return second;
}

// The wall-clock time 'YYYY-MM-DDTHH:MM' of the instant `ms` in `timeZone` (for datetime-local fields).
export function utcToZoned(ms, timeZone) {
  const shifted = new Date(ms + zoneOffsetMs(ms, timeZone));
  return shifted.toISOString().slice(0, 16);
}

// The month 'YYYY-MM' after (+1) or before (-1) `month`.
export function addMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

// ---- addresses ------------------------------------------------------------------------------------

// The view an address names: #/cases, #/cases/123, #/cases/123/agreements, #/calendar/2026-12,
// #/stats, #/meetings/45. Anything else is the case list.
export function parseRoute(hash) {
  const h = (hash || '').replace(/^#/, '');
  let m;
  if ((m = h.match(/^\/cases\/(\d+)(\/agreements)?$/))) return { view: 'case', id: m[1], agreements: !!m[2] };
  if ((m = h.match(/^\/calendar(?:\/(\d{4}-(?:0[1-9]|1[0-2])))?$/))) return { view: 'calendar', month: m[1] || null };
  if (h === '/stats') return { view: 'stats' };
  if ((m = h.match(/^\/meetings\/(\d+)$/))) return { view: 'meeting', id: m[1] };
  return { view: 'cases' };
}

export function routeAddress(route) {
  switch (route.view) {
    case 'case': return `#/cases/${route.id}${route.agreements ? '/agreements' : ''}`;
    case 'calendar': return route.month ? `#/calendar/${route.month}` : '#/calendar';
    case 'stats': return '#/stats';
    case 'meeting': return `#/meetings/${route.id}`;
    default: return '#/cases';
  }
}

// ---- unread counts --------------------------------------------------------------------------------

// The tab's title: the number of cases with something new, in front of the application's name.
export function tabTitle(base, unreadCases) { return unreadCases > 0 ? `(${unreadCases}) ${base}` : base; }

// Whether a message mentions `name` (@name, as people type it).
export function mentions(body, name) { return !!name && typeof body === 'string' && body.includes('@' + name); }
