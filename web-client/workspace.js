// The workspace around the case room: list filters and search with paging, the case's workflow
// actions (triage, escalation, clocks, closure and evaluation, supervision, attachments), and the
// statistics dashboard with charts.
'use strict';

// ---- filters, search and paging ------------------------------------------------------------------

window.caseFilter = () => {
  const f = $('case-filter');
  return ClientLogic.caseFilter({ q: f.q.value, status: f.status.value, inbox: f.inbox.checked, overdue: f.overdue.checked,
    mine: f.mine.checked, leader_owned: f.leader_owned.checked, week: f.week.checked });
};

let filterTimer = null;
function filterChanged() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => refreshCases().catch((e) => { $('no-cases').hidden = false; $('no-cases').textContent = errText(e); }), 250);
}
$('case-filter').addEventListener('input', filterChanged);
$('case-filter').addEventListener('submit', (e) => { e.preventDefault(); filterChanged(); });

async function moreCases() {
  if (!state.nextCases) return;
  const r = await state.conn.request({ type: 'case.list', ...window.caseFilter(), before: state.nextCases });
  state.cases = state.cases.concat(r.cases);
  state.nextCases = r.next;
  renderCases();
}
$('more-cases').addEventListener('click', () => moreCases().catch((e) => alert(errText(e))));
const baseRenderCases = renderCases;
// eslint-disable-next-line no-global-assign
renderCases = function () {
  baseRenderCases();
  $('more-cases').hidden = !state.nextCases;
};

// ---- the case's workflow --------------------------------------------------------------------------

function renderWorkflow() {
  const c = state.current;
  if (!c) return;
  // Someone on a party's side has the case's summary only: no workflow to show.
  $('room-workflow').hidden = c.view === 'party';
  if (c.view === 'party') return;
  const due = c.due ? `${fmtDate(c.due)} · ${relDue(c.due)}` : '—';
  $('room-workflow').textContent = t('wf_info', {
    level: t('lv_' + c.level), org: c.handling_org ? c.handling_org.name : '', stage: t('stage_' + c.stage), due,
    overdue: c.overdue ? ` · ${t('overdue')}` : '', eval: c.evaluation ? ` · ${t('evl_' + c.evaluation.value)}` : '',
  });
}
const baseRenderCaseHead = renderCaseHead;
// eslint-disable-next-line no-global-assign
renderCaseHead = function () {
  baseRenderCaseHead();
  renderWorkflow();
  const worker = ['petition_officer', 'leader', 'mediator', 'committee_mediator', 'grid_worker'].includes(state.user.role);
  const party = state.current && state.current.view === 'party';
  $('act-more').hidden = party || (!worker && state.user.role !== 'lawyer' && state.user.role !== 'guest');
};

function availableActions(c) { return ClientLogic.availableActions(c, state.user.role); }

const actionFields = {
  triage_divert: ['route', 'text'], escalate: ['text'], return: ['text'], pause: ['text'], extend: ['text'],
  close: ['outcome', 'text'], evaluate: ['evaluation', 'text'], supervise: ['kind', 'text'], attach: ['file'],
  answer_supervision: ['text'],
};

function showFields(form) {
  const need = actionFields[form.action.value] || [];
  for (const l of form.querySelectorAll('label[data-for]')) l.hidden = !need.includes(l.dataset.for);
}

async function runAction(form) {
  const c = state.current, a = form.action.value, text = form.text.value.trim();
  if (a === 'close') {
    // Closing cannot be undone: a note is required, and the consequence is spelled out first.
    if (!text) throw Object.assign(new Error(t('v_close_note')), { field: 'note' });
    const outcome = form.outcome.selectedOptions[0] ? form.outcome.selectedOptions[0].textContent : form.outcome.value;
    if (!confirm(t('confirm_close', { outcome }))) throw Object.assign(new Error(''), { declined: true });
  }
  const base = { case: c.id };
  const requests = {
    triage_accept: { type: 'case.triage', decision: 'accept' },
    triage_divert: { type: 'case.triage', decision: 'divert', reason: text, route: form.route.value.trim() },
    escalate: { type: 'case.escalate', reason: text }, return: { type: 'case.return', reason: text },
    pause: { type: 'case.pause', reason: text }, resume: { type: 'case.resume' }, extend: { type: 'case.extend', reason: text },
    own: { type: 'case.own' }, close: { type: 'case.close', outcome: form.outcome.value, note: text },
    evaluate: { type: 'case.evaluate', evaluation: form.evaluation.value, comment: text },
    evaluation_link: { type: 'case.evaluation_link' }, supervise: { type: 'supervision.issue', kind: form.kind.value, body: text },
  };
  if (a === 'answer_supervision') {
    const list = await state.conn.request({ type: 'supervision.list', case: c.id });
    const open = list.supervisions.find((x) => !x.answered_at);
    if (!open) throw new Error(t('no_supervision'));
    await state.conn.request({ type: 'supervision.answer', supervision: open.id, body: text });
    return;
  }
  if (a === 'group') {
    const similar = await state.conn.request({ type: 'group.suggest', case: c.id });
    if (!similar.cases.length) throw new Error(t('no_similar'));
    const g = await state.conn.request({ type: 'group.create', title: `${c.title}（类案）`,
      cases: [c.id, ...similar.cases.map((x) => x.id)] });
    $('wf-output').textContent = t('group_made', { number: g.case.number, n: g.members });
    await refreshCases();
    throw Object.assign(new Error(''), { keepOpen: true });
  }
  if (a === 'audit') {
    const log = await state.conn.request({ type: 'audit.list', case: c.id, limit: 50 });
    $('wf-output').textContent = log.entries.map((x) => `${x.at.slice(0, 19).replace('T', ' ')} ${x.user ? x.user.name : ''} ${x.action} ${x.detail} ${x.remote}`).join('\n');
    throw Object.assign(new Error(''), { keepOpen: true });
  }
  if (a === 'attach') {
    const file = form.file.files[0];
    if (!file) throw new Error(t('wf_file'));
    const r = await fetch(`/api/cases/${c.id}/attachments`, { method: 'POST', body: file, headers: {
      Authorization: 'Bearer ' + state.token, 'Content-Type': file.type || 'application/octet-stream',
      'X-File-Name': encodeURIComponent(file.name) } });
    const body = await r.json();
    if (!r.ok) throw Object.assign(new Error(body.error.message), body.error);
    return;
  }
  const r = await state.conn.request({ ...base, ...requests[a] });
  if (r.case) { state.current = r.case; renderCaseHead(); }
  if (r.url) {
    $('wf-output').textContent = location.origin + r.url;
    throw Object.assign(new Error(''), { keepOpen: true });
  }
  await refreshCases();
}

function openActions() {
  runDialog('dlg-workflow', (f) => {
    f.action.replaceChildren();
    for (const a of availableActions(state.current)) {
      const o = document.createElement('option');
      o.value = a;
      o.textContent = t('a_' + a);
      f.action.append(o);
    }
    f.action.onchange = () => showFields(f);
    $('wf-output').textContent = '';
    showFields(f);
  }, async (f) => {
    try {
      await runAction(f);
    } catch (e) {
      if (e.declined) throw Object.assign(new Error(''), { keepOpen: true });  // the person changed their mind
      if (e.keepOpen) { $('dlg-workflow').querySelector('.error').textContent = ''; throw Object.assign(new Error(t('wf_done'))); }
      throw e;
    }
  });
}
$('act-more').addEventListener('click', openActions);

// ---- statistics ---------------------------------------------------------------------------------

const charts = {};

async function openStats() {
  const dlg = $('dlg-stats');
  const f = dlg.querySelector('form');
  // Own organisation and those below it.
  const mine = state.user.org.id;
  const below = new Set([mine]);
  for (let changed = true; changed;) {
    changed = false;
    for (const o of state.orgs) if (o.parent && below.has(o.parent) && !below.has(o.id)) { below.add(o.id); changed = true; }
  }
  if (!f.org.options.length) {
    for (const o of state.orgs) {
      if (!below.has(o.id) && state.user.role !== 'administrator') continue;
      const opt = document.createElement('option');
      opt.value = o.id;
      opt.textContent = lang === 'en' && o.name_en ? o.name_en : o.name;
      f.org.append(opt);
    }
    f.org.value = mine;
    f.org.onchange = f.from.onchange = f.to.onchange = () => loadStats().catch((e) => { dlg.querySelector('.error').textContent = errText(e); });
  }
  await loadStats();
  if (!dlg.open) dlg.showModal();
}

const percent = ClientLogic.percent;

async function loadStats() {
  const f = $('dlg-stats').querySelector('form');
  const req = { type: 'stats.summary', org: f.org.value };
  if (f.from.value) req.from = f.from.value;
  if (f.to.value) req.to = f.to.value;
  const r = await state.conn.request(req);
  const tot = r.totals;
  const rows = [
    ['s_received', tot.received], ['s_accepted', tot.accepted], ['s_closed', tot.closed], ['s_resolved', tot.resolved],
    ['s_resolution_rate', percent(tot.resolution_rate)], ['s_on_time_rate', percent(tot.on_time_rate)],
    ['s_average_handling_days', tot.average_handling_days === null ? '—' : tot.average_handling_days.toFixed(1)],
    ['s_satisfaction_rate', percent(tot.satisfaction_rate)], ['s_grassroots_share', percent(tot.grassroots_share)],
    ['s_escalations', tot.escalations], ['s_overdue_open', r.overdue_open],
  ];
  const table = $('stats-totals');
  table.replaceChildren();
  for (const [k, v] of rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = t(k);
    const td = document.createElement('td');
    td.textContent = v;
    td.dataset.figure = k;
    tr.append(th, td);
    table.append(tr);
  }
  drawChart('chart-category', r.by_category, (k) => t('cat_' + k));
  drawChart('chart-level', r.by_level, (k) => t('lv_' + k));
}

function drawChart(id, groups, label) {
  const keys = Object.keys(groups);
  const data = {
    labels: keys.map(label),
    datasets: [
      { label: t('s_received'), data: keys.map((k) => groups[k].received), backgroundColor: '#b3261e' },
      { label: t('s_resolved'), data: keys.map((k) => groups[k].resolved), backgroundColor: '#2e7d32' },
    ],
  };
  if (charts[id]) charts[id].destroy();
  charts[id] = new Chart($(id), { type: 'bar', data, options: { animation: false, responsive: true,
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
}

$('open-stats').addEventListener('click', () => openStats().catch((e) => alert(errText(e))));
// The dashboard stays current while it is open: on every notice, and every 30 seconds.
window.afterNotice = () => { if ($('dlg-stats').open) loadStats().catch(() => {}); };
setInterval(() => { if ($('dlg-stats').open) loadStats().catch(() => {}); }, 30000);

const baseRenderHeader = renderHeader;
// eslint-disable-next-line no-global-assign
renderHeader = function () {
  baseRenderHeader();
  const u = state.user;
  const staff = u && (['petition_officer', 'leader', 'mediator', 'committee_mediator', 'grid_worker', 'administrator'].includes(u.role));
  $('open-stats').hidden = !staff;
  $('case-filter').hidden = !u || u.role === 'guest';
  // Only the network's case workers register cases; a guest or a lawyer never does.
  $('new-case').hidden = !u || !['petition_officer', 'leader', 'mediator', 'committee_mediator', 'grid_worker'].includes(u.role);
};
