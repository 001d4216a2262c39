// The statistics dashboard: an organisation (with those below it) over a period, the totals the
// network is judged by, and charts by category and level. It stays current while it is shown.
import { state, bus, request } from '../store.js';
import { t, lang } from '../i18n.js';
import { percent } from '../logic.js';
import { $, el, guarded } from '../ui.js';

const charts = {};

function fillOrgs() {
  const f = $('stats-form');
  // Own organisation and those below it (an administrator sees every one).
  const mine = state.user.org.id;
  const below = new Set([mine]);
  for (let changed = true; changed;) {
    changed = false;
    for (const o of state.orgs) if (o.parent && below.has(o.parent) && !below.has(o.id)) { below.add(o.id); changed = true; }
  }
  const chosen = f.org.value || mine;
  f.org.replaceChildren();
  for (const o of state.orgs) {
    if (!below.has(o.id) && state.user.role !== 'administrator') continue;
    f.org.append(el('option', { value: o.id, text: lang === 'en' && o.name_en ? o.name_en : o.name }));
  }
  f.org.value = chosen;
}

export async function showStats() {
  fillOrgs();
  await loadStats();
}

async function loadStats() {
  const f = $('stats-form');
  // The period ends after it starts.
  if (f.from.value && f.to.value && f.to.value < f.from.value) {
    for (const x of [f.from, f.to]) x.removeAttribute('aria-invalid');
    f.to.setAttribute('aria-invalid', 'true');
    $('stats-totals').replaceChildren();
    throw Object.assign(new Error(t('v_end_before_start')), { field: 'to' });
  }
  for (const x of [f.from, f.to]) x.removeAttribute('aria-invalid');
  const req = { type: 'stats.summary', org: f.org.value };
  if (f.from.value) req.from = f.from.value;
  if (f.to.value) req.to = f.to.value;
  let r;
  try {
    r = await request(req);
  } catch (e) {
    $('stats-totals').replaceChildren();  // no figures left standing under an error
    throw e;
  }
  const tot = r.totals;
  const rows = [
    ['s_received', tot.received], ['s_accepted', tot.accepted], ['s_closed', tot.closed], ['s_resolved', tot.resolved],
    ['s_resolution_rate', percent(tot.resolution_rate)], ['s_on_time_rate', percent(tot.on_time_rate)],
    ['s_average_handling_days', tot.average_handling_days === null ? '—' : tot.average_handling_days.toFixed(1)],
    ['s_satisfaction_rate', percent(tot.satisfaction_rate)], ['s_grassroots_share', percent(tot.grassroots_share)],
    ['s_escalations', tot.escalations], ['s_overdue_open', r.overdue_open],
  ];
  $('stats-totals').replaceChildren(...rows.map(([k, v]) =>
    el('tr', {}, el('th', { scope: 'row', text: t(k) }), el('td', { text: String(v), dataset: { figure: k } }))));
  drawChart('chart-category', r.by_category, (k) => t('cat_' + k), t('chart_by_category'));
  drawChart('chart-level', r.by_level, (k) => t('lv_' + k), t('chart_by_level'));
}

function drawChart(id, groups, label, title) {
  const keys = Object.keys(groups);
  const canvas = $(id);
  canvas.setAttribute('aria-label', title + '：' + keys.map((k) => `${label(k)} ${groups[k].received}/${groups[k].resolved}`).join('，'));
  const data = {
    labels: keys.map(label),
    datasets: [
      { label: t('s_received'), data: keys.map((k) => groups[k].received), backgroundColor: '#b3261e' },
      { label: t('s_resolved'), data: keys.map((k) => groups[k].resolved), backgroundColor: '#2e7d32' },
    ],
  };
  if (charts[id]) charts[id].destroy();
  charts[id] = new window.Chart(canvas, { type: 'bar', data, options: { animation: false, responsive: true,
    plugins: { title: { display: true, text: title } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
}

export function installStats() {
  const f = $('stats-form');
  const reload = guarded(f.querySelector('.error'), loadStats);
  f.org.onchange = f.from.onchange = f.to.onchange = reload;
  f.addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  const shown = () => !$('stats-view').hidden;
  bus.on('notice', () => { if (shown()) reload(); });
  bus.on('language', () => { if (shown()) showStats().catch(() => {}); });
  setInterval(() => { if (shown() && document.visibilityState === 'visible') reload(); }, 30000);
}
