// What is done to a case through a form: registering one, handing it over, accepting or declining
// it, inviting someone, and the workflow actions (triage, escalation, clocks, closure, evaluation,
// supervision, attachments, similar cases, the audit log).
import { state, bus, request, isWorker, orgName } from '../store.js';
import { t, lang, todayInNetwork, fmtDateTime } from '../i18n.js';
import { availableActions } from '../logic.js';
import { validPhone, validResidentId, validCreditCode } from '../identifiers.js';
import { $, el, runDialog, fieldError, confirmIrreversible, copyableLink, reportError } from '../ui.js';
import { refreshCases } from './case-list.js';
import { navigate } from '../router.js';

function caseChanged(kase) {
  if (!kase) return;
  state.current = kase;
  bus.emit('case', kase);
}

function newCase() {
  runDialog('dlg-case', null, async (f) => {
    const phone = f.petitioner_phone.value.trim(), idNumber = f.petitioner_id.value.trim();
    // The respondent is the first party or the second, as the server will number them.
    const ri = f.petitioner.value.trim() ? 1 : 0;
    f.respondent.dataset.field = `parties[${ri}].name`;
    f.respondent_phone.dataset.field = `parties[${ri}].phone`;
    f.respondent_id.dataset.field = `parties[${ri}].id_number`;
    if (!f.title.value.trim()) throw fieldError('title', 'v_required');
    if ((phone || idNumber) && !f.petitioner.value.trim()) throw fieldError('parties[0].name', 'v_required');
    if (phone && !validPhone(phone)) throw fieldError('parties[0].phone', 'v_phone');
    if (idNumber && !validResidentId(idNumber) && !validCreditCode(idNumber)) throw fieldError('parties[0].id_number', 'v_id_number');
    const parties = [];
    if (f.petitioner.value.trim())
      parties.push({ role: 'petitioner', name: f.petitioner.value.trim(), phone, id_number: idNumber });
    const rPhone = f.respondent_phone.value.trim(), rId = f.respondent_id.value.trim();
    if ((rPhone || rId) && !f.respondent.value.trim()) throw fieldError(`parties[${parties.length}].name`, 'v_required');
    if (rPhone && !validPhone(rPhone)) throw fieldError(`parties[${parties.length}].phone`, 'v_phone');
    if (rId && !validResidentId(rId) && !validCreditCode(rId)) throw fieldError(`parties[${parties.length}].id_number`, 'v_id_number');
    if (f.respondent.value.trim())
      parties.push({ role: 'respondent', name: f.respondent.value.trim(), ...(rPhone ? { phone: rPhone } : {}), ...(rId ? { id_number: rId } : {}) });
    const r = await request({
      type: 'case.create', title: f.title.value.trim(), category: f.category.value, channel: f.channel.value,
      description: f.description.value, parties, location: f.location.value.trim(), urgency: f.urgency.value,
    });
    await refreshCases();
    navigate({ view: 'case', id: r.case.id });
  });
}

function handoff() {
  runDialog('dlg-handoff', (f) => {
    f.to_org.replaceChildren();
    for (const o of state.orgs) {
      // A hand-over goes to an organisation that handles cases (never a law firm or a court).
      if (o.id === state.user.org.id || o.id === state.current.org.id || o.kind === 'law_firm' || o.kind === 'court') continue;
      f.to_org.append(el('option', { value: o.id, text: lang === 'en' && o.name_en ? o.name_en : o.name }));
    }
    f.due.min = todayInNetwork();  // no deadline in the past
  }, async (f) => {
    const req = { type: 'case.handoff', case: state.current.id, to_org: f.to_org.value, note: f.note.value };
    if (f.due.value && f.due.value < todayInNetwork()) throw fieldError('due', 'v_due_past');
    if (f.due.value) req.due = f.due.value;
    caseChanged((await request(req)).case);
  });
}

async function accept() {
  caseChanged((await request({ type: 'case.accept', case: state.current.id })).case);
}

function decline() {
  runDialog('dlg-decline', null, async (f) => {
    if (!f.reason.value.trim()) throw fieldError('reason', 'v_required');
    await request({ type: 'case.decline', case: state.current.id, reason: f.reason.value });
  });
}

async function invite() {
  const users = await request({ type: 'users.list' });
  runDialog('dlg-invite', (f) => {
    // A representative acts for one party: the side is asked only then.
    f.capacity.value = 'professional';
    $('invite-side').hidden = true;
    f.capacity.onchange = () => { $('invite-side').hidden = f.capacity.value !== 'representative'; };
    f.user.replaceChildren();
    for (const u of users.users)
      f.user.append(el('option', { value: u.id, text: `${u.name} · ${t('role_' + u.role)} · ${orgName(u.org)}` }));
  }, async (f) => {
    const capacity = f.capacity.value;
    const req = { type: 'case.invite', case: state.current.id, user: f.user.value, capacity };
    if (capacity === 'representative') req.side = f.side.value;
    caseChanged((await request(req)).case);
  });
}

// ---- the workflow actions ----------------------------------------------------------------------

const actionFields = {
  triage_divert: ['route', 'text'], escalate: ['text'], return: ['text'], pause: ['text'], extend: ['text'],
  close: ['outcome', 'text'], evaluate: ['evaluation', 'text'], supervise: ['kind', 'text'], attach: ['file'],
  answer_supervision: ['text'],
};

// A case nobody has accepted closes only as withdrawn, not accepted or referred (the server's rule).
const UNACCEPTED_OUTCOMES = ['withdrawn', 'not_accepted', 'referral'];

function showFields(form) {
  const need = actionFields[form.action.value] || [];
  for (const l of form.querySelectorAll('label[data-for]')) l.hidden = !need.includes(l.dataset.for);
  const accepted = !!(state.current && state.current.accepted_at);
  for (const o of form.outcome.options) o.disabled = !accepted && !UNACCEPTED_OUTCOMES.includes(o.value);
  if (form.outcome.selectedOptions[0] && form.outcome.selectedOptions[0].disabled) form.outcome.value = UNACCEPTED_OUTCOMES[0];
}

// A result to show in the dialog, which stays open (a link, the audit log, a new group).
class Shown extends Error {
  constructor(node) { super(''); this.node = node; }
}

async function runAction(form) {
  const c = state.current, a = form.action.value, text = form.text.value.trim();
  if (a === 'close') {
    // Closing cannot be undone: a note is required, and the consequence is spelled out first.
    if (!text) throw fieldError('note', 'v_close_note');
    const outcome = form.outcome.selectedOptions[0] ? form.outcome.selectedOptions[0].textContent : form.outcome.value;
    if (!await confirmIrreversible(t('confirm_close', { outcome }), { title: t('confirm_close_title'), action: t('a_close') })) throw Object.assign(new Error(''), { keepOpen: true });
  }
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
    const list = await request({ type: 'supervision.list', case: c.id });
    const open = list.supervisions.find((x) => !x.answered_at);
    if (!open) throw new Error(t('no_supervision'));
    await request({ type: 'supervision.answer', supervision: open.id, body: text });
    return;
  }
  if (a === 'group') {
    const similar = await request({ type: 'group.suggest', case: c.id });
    if (!similar.cases.length) throw new Error(t('no_similar'));
    const g = await request({ type: 'group.create', title: `${c.title}（类案）`, cases: [c.id, ...similar.cases.map((x) => x.id)] });
    await refreshCases();
    throw new Shown(el('span', { text: t('group_made', { number: g.case.number, n: g.members }) }));
  }
  if (a === 'audit') {
    const log = await request({ type: 'audit.list', case: c.id, limit: 50 });
    throw new Shown(el('span', { text: log.entries.map((x) => `${fmtDateTime(x.at)} ${x.user ? x.user.name : ''} ${x.action} ${x.detail} ${x.remote}`).join('\n') }));
  }
  if (a === 'attach') {
    const file = form.file.files[0];
    if (!file) throw fieldError('file', 'wf_file_missing');
    const r = await fetch(`/api/cases/${c.id}/attachments`, { method: 'POST', body: file, headers: {
      Authorization: 'Bearer ' + state.token, 'Content-Type': file.type || 'application/octet-stream',
      'X-File-Name': encodeURIComponent(file.name) } });
    const body = await r.json().catch(() => ({ error: { code: r.status === 413 ? 'too_large' : 'internal' } }));
    if (!r.ok) throw Object.assign(new Error(''), body.error, r.status === 415 ? { code: 'unsupported_type' } : {});
    return;
  }
  const r = await request({ case: c.id, ...requests[a] });
  caseChanged(r.case);
  if (r.url) throw new Shown(copyableLink(location.origin + r.url));
  await refreshCases();
}

function openActions() {
  runDialog('dlg-workflow', (f) => {
    f.action.replaceChildren();
    for (const a of availableActions(state.current, state.user.role)) f.action.append(el('option', { value: a, text: t('a_' + a) }));
    f.action.onchange = () => showFields(f);
    $('wf-output').replaceChildren();
    showFields(f);
  }, async (f) => {
    $('wf-output').replaceChildren();
    try {
      await runAction(f);
    } catch (e) {
      if (e instanceof Shown) {
        $('wf-output').replaceChildren(e.node);
        $('dlg-workflow').querySelector('.status').textContent = t('wf_done');
        throw Object.assign(new Error(''), { keepOpen: true });
      }
      throw e;
    }
  });
}

export function installCaseActions() {
  $('new-case').addEventListener('click', newCase);
  $('act-handoff').addEventListener('click', handoff);
  $('act-accept').addEventListener('click', () => accept().catch(reportError));
  $('act-decline').addEventListener('click', decline);
  $('act-invite').addEventListener('click', () => invite().catch(reportError));
  $('act-more').addEventListener('click', openActions);
  // Only the network's case workers register cases; a guest or a lawyer never does.
  bus.on('user', () => { $('new-case').hidden = !isWorker(); });
}
