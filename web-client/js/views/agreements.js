// The agreements of the open case (#/cases/123/agreements): drafts and versions, signatures drawn on
// this device or through a link (a signer's status updates live when a party signs by link), the
// seal, a completion notice (in force, and when the judicial confirmation window ends), printing,
// verification, performance and judicial confirmation; and the editor (multi-line clauses, parties
// from the case, rows that can be removed).
import { state, bus, request } from '../store.js';
import { t, lang, fmtDate, todayInNetwork } from '../i18n.js';
import { fieldLabel } from '../errors.js';
import { unsignedParties, firstBlank } from '../logic.js';
import { validPhone, validResidentId, validCreditCode } from '../identifiers.js';
import { $, el, button, showDialog, runDialog, fieldError, confirmIrreversible, copyableLink, guarded } from '../ui.js';
import { AgreementView } from '../agreement-view.js';
import { SignaturePad } from '../signature.js';
import { navigate } from '../router.js';

const ag = { list: [], current: null, pad: null, signing: null };

function agStatus(a) {
  const v = a.current ? t('ag_version', { v: a.current.version }) : '';
  return `${a.number} · ${t('ag_status_' + a.status)} · ${v}`;
}

const errorLine = () => $('dlg-agreement').querySelector('.error');
const agButton = (label, fn, props) => button(label, guarded(errorLine(), fn), props);

export async function showAgreements() {
  const dlg = $('dlg-agreement');
  errorLine().textContent = '';
  $('ag-detail').hidden = true;
  if (!ag.pad) ag.pad = SignaturePad.attach($('ag-pad'));
  await loadAgreements();
  showDialog(dlg);
}

async function loadAgreements(selectId) {
  if (!state.current) return;
  const r = await request({ type: 'agreement.list', case: state.current.id });
  ag.list = r.agreements;
  const box = $('ag-list');
  box.replaceChildren();
  if (!ag.list.length) box.append(el('p', { className: 'muted', text: t('ag_none') }));
  const keep = selectId || (ag.current && ag.current.id);
  for (const a of ag.list)
    box.append(agButton(agStatus(a), () => loadAgreements(a.id), { 'aria-pressed': String(a.id === keep) }));
  const pick = ag.list.find((a) => a.id === keep) || ag.list[ag.list.length - 1];
  if (pick) showAgreement(pick);
}

function showAgreement(a) {
  const changed = !ag.current || ag.current.id !== a.id;
  ag.current = a;
  $('ag-detail').hidden = false;
  if (changed) { $('ag-sign').hidden = true; $('ag-output').replaceChildren(); }
  $('ag-status').textContent = agStatus(a);
  AgreementView.render($('ag-text'), a.number, a.current.content, lang);
  renderSigners(a);
  renderDone(a);
  const acts = $('ag-actions');
  acts.replaceChildren();
  const v = a.current.version;
  const unsigned = unsignedParties(a, v);
  // A template's blanks still in the text: nobody signs until a new version fills them.
  const blank = a.status === 'draft' ? firstBlank(a.current.content) : null;
  $('ag-blanks').hidden = !blank;
  if (blank) $('ag-blanks').textContent = t('ag_blanks', { where: fieldLabel(blank, lang) });
  if (a.status === 'draft') {
    acts.append(agButton(t('ag_new_version'), () => openEditor(a.current.content, { agreement: a.id }), blank ? { className: 'primary' } : {}));
  }
  if (a.status === 'draft' && !blank) {
    a.current.content.parties.forEach((p, i) => {
      if (!unsigned.parties.includes(i)) return;
      acts.append(agButton(t('ag_sign_party', { name: p.name }), () => startSigning(i, p.name)));
      acts.append(agButton(`${t('ag_link')} · ${p.name}`, async () => {
        const r = await request({ type: 'agreement.sign_link', agreement: a.id, version: v, party: i });
        $('ag-output').replaceChildren(el('span', { text: t('ag_link_for', { name: p.name }) + ' ' }), copyableLink(location.origin + r.url));
      }));
    });
    if (['mediator', 'committee_mediator'].includes(state.user.role) && unsigned.mediator)
      acts.append(agButton(t('ag_sign_mediator'), () => agreementRequest({ type: 'agreement.sign', agreement: a.id, version: v, role: 'mediator' })));
    if (!a.missing) {
      // Sealing cannot be undone: say what it does before it is done.
      acts.append(agButton(t('ag_seal'), async () => {
        if (!await confirmIrreversible(t('confirm_seal'), { title: t('confirm_seal_title'), action: t('ag_seal') })) return;
        await agreementRequest({ type: 'agreement.seal', agreement: a.id, version: v });
      }, { className: 'primary' }));
    }
    if (v > 1) acts.append(agButton(t('ag_diff'), async () => {
      const r = await request({ type: 'agreement.diff', agreement: a.id, from: v - 1, to: v });
      $('ag-output').textContent = r.changes.map((c) => `${c.path}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('\n');
    }));
  }
  if (a.status === 'in_force') {
    acts.append(agButton(t('ag_correct'), () => openEditor(a.current.content, { supersedes: a.id })));
    if (a.confirmation.open) acts.append(agButton(t('ag_apply'), () => applyForConfirmation(a)));
    if (a.confirmation.applied_at && !a.confirmation.decision)
      for (const decision of ['confirmed', 'refused'])
        acts.append(agButton(t('ag_decision_' + decision), () =>
          agreementRequest({ type: 'agreement.confirmation', agreement: a.id, action: 'decide', decision })));
  }
  acts.append(agButton(t('ag_print'), () => printAgreement(a.id)));
  acts.append(agButton(t('ag_verify'), async () => {
    const r = await request({ type: 'agreement.verify', agreement: a.id });
    $('ag-output').textContent = r.ok ? t('ag_verified', { n: r.entries, hash: r.head || '' })
      : t('ag_broken', { pos: r.first_break.position, kind: r.first_break.kind, reason: r.first_break.reason });
  }));
  const terms = $('ag-terms');
  terms.replaceChildren();
  for (const term of a.terms) {
    const li = el('li', { text: t('ag_term', { text: term.text, due: fmtDate(term.due), status: t('term_' + term.status) }) + ' ' });
    if (term.status !== 'performed')
      li.append(agButton(t('ag_perform'), () => agreementRequest({ type: 'agreement.perform', agreement: a.id, term: term.term })));
    terms.append(li);
  }
}

// Who has signed this version and who has not, by name: updated live as signatures arrive.
function renderSigners(a) {
  const v = a.current.version;
  const signed = a.signatures.filter((s) => s.version === v);
  const ul = $('ag-signers');
  ul.replaceChildren();
  const line = (name, sig) => el('li', { className: sig ? 'signed' : 'unsigned' },
    el('span', { text: name }), ' ',
    el('span', { className: 'small', text: sig ? t('ag_signed_at', { at: fmtDate(sig.at), how: t('ag_method_' + sig.method) }) : t('ag_not_signed') }));
  a.current.content.parties.forEach((p, i) => ul.append(line(p.name, signed.find((s) => s.role === 'party' && s.party === i))));
  ul.append(line(t('ag_mediator'), signed.find((s) => s.role === 'mediator')));
  // Who is still to sign, by name, in the user's language (the server's `missing` is a sentence of its own).
  const unsigned = unsignedParties(a, v);
  const who = unsigned.parties.map((i) => a.current.content.parties[i].name).concat(unsigned.mediator ? [t('ag_mediator')] : []);
  $('ag-missing').textContent = a.status === 'draft' && who.length ? t('ag_missing', { who: who.join(lang === 'en' ? ', ' : '、') }) : '';
}

// Once sealed: the agreement is in force, and the window for judicial confirmation ends on its date.
function renderDone(a) {
  const box = $('ag-done');
  box.hidden = a.status !== 'in_force';
  if (a.status !== 'in_force') return;
  box.replaceChildren(el('strong', { text: t('ag_in_force_since', { at: fmtDate(a.in_force_at) }) }),
    el('p', { text: a.confirmation.decision ? t('ag_confirmation_' + a.confirmation.decision)
      : a.confirmation.applied_at ? t('ag_confirmation_applied', { court: a.confirmation.court || '' })
        : a.confirmation.open ? t('ag_confirmation_until', { due: fmtDate(a.confirmation.due) })
          : t('ag_confirmation_closed', { due: fmtDate(a.confirmation.due) }) }));
}

function applyForConfirmation(a) {
  runDialog('dlg-court', null, async (f) => {
    const court = f.court.value.trim();
    if (!court) throw fieldError('court', 'v_required');
    await agreementRequest({ type: 'agreement.confirmation', agreement: a.id, action: 'apply', court });
  });
}

async function agreementRequest(frame) {
  const r = await request(frame);
  await loadAgreements(r.agreement.id);
  return r;
}

function startSigning(party, name) {
  ag.signing = party;
  ag.pad.clear();
  $('ag-confirm').checked = false;
  $('ag-signer').textContent = name;
  $('ag-sign').hidden = false;
  $('ag-pad').focus();
}

async function submitSignature() {
  const a = ag.current;
  if (ag.pad.isEmpty() || !$('ag-confirm').checked) throw new Error(t('ag_confirm_needed'));
  await agreementRequest({ type: 'agreement.sign', agreement: a.id, version: a.current.version, role: 'party',
    party: ag.signing, signature: ag.pad.toDataURL(), confirmed: true });
  $('ag-sign').hidden = true;
}

async function printAgreement(id) {
  const r = await fetch(`/api/agreements/${id}/print`, { headers: { Authorization: 'Bearer ' + state.token } });
  if (!r.ok) throw Object.assign(new Error(''), (await r.json()).error);
  const html = await r.text();
  window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
}

// ---- the editor --------------------------------------------------------------------------------------

function field(name, value, label, kind = 'text', dataField) {
  let input;
  if (kind === 'select') {
    input = el('select', { name });
    for (const r of ['petitioner', 'respondent', 'third_party', 'agent'])
      input.append(el('option', { value: r, text: AgreementView.labels[lang][r] }));
  } else if (kind === 'textarea') {
    input = el('textarea', { name, rows: 2 });
  } else {
    input = el('input', { name, type: kind });
  }
  input.value = value || '';
  if (dataField) input.dataset.field = dataField;
  return el('label', {}, el('span', { text: label }), input);
}

function removable(row, container, what) {
  row.append(button(`× ${t('remove_short')}`, () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(container);
    (next ? next.querySelector('input, select, textarea') : $(container === 'ag-parties' ? 'ag-add-party' : 'ag-add-term')).focus();
  }, { className: 'row-remove', 'aria-label': t('remove_row', { what }) }));
  return row;
}

// Field paths follow the rows' order, as the server names them (content.parties[1].id_number).
function renumber(container) {
  const rows = [...$(container).children];
  rows.forEach((row, i) => {
    for (const x of row.querySelectorAll('[data-field]'))
      x.dataset.field = x.dataset.field.replace(/\[\d+\]/, `[${i}]`);
  });
}

function partyRow(p = {}) {
  const row = el('div', { className: 'row party-row' },
    field('role', p.role || 'petitioner', t('ag_role'), 'select'),
    field('name', p.name, t('ag_name'), 'text', 'content.parties[0].name'),
    field('id_number', p.id_number, t('ag_id'), 'text', 'content.parties[0].id_number'),
    field('phone', p.phone, t('ag_phone'), 'tel', 'content.parties[0].phone'));
  return removable(row, 'ag-parties', t('ag_party_row'));
}

function termRow(x = {}) {
  const row = el('div', { className: 'row term-row' },
    field('text', x.text, t('ag_text'), 'textarea', 'content.terms[0].text'), field('way', x.way, t('ag_way')),
    field('place', x.place, t('ag_place')), field('deadline', x.deadline, t('ag_deadline'), 'date', 'content.terms[0].deadline'));
  return removable(row, 'ag-term-rows', t('ag_term_row'));
}

async function newAgreement() {
  const tpl = await request({ type: 'agreement.templates', category: state.current.category });
  const base = tpl.templates[state.current.category] ||
    { parties: [], facts: '', disputes: [''], responsibilities: [], terms: [{}], mediators: [''], organisation: '' };
  const content = JSON.parse(JSON.stringify(base));
  // The parties come from the case (with their numbers where this person may read them).
  const fromCase = (state.current.parties || []).filter((p) => ['petitioner', 'respondent', 'third_party', 'agent'].includes(p.role));
  if (fromCase.length) content.parties = fromCase.map((p) => {
    const out = { role: p.role, name: p.name };
    if (state.current.personal_data === 'full') { if (p.id_number) out.id_number = p.id_number; if (p.phone) out.phone = p.phone; }
    return out;
  });
  content.mediators = [state.user.name];
  content.organisation = state.user.org.name;
  if (!content.facts && state.current.description) content.facts = state.current.description;
  openEditor(content, {});
}

function openEditor(content, target) {
  runDialog('dlg-agreement-edit', (f) => {
    $('ag-parties').replaceChildren(...(content.parties.length ? content.parties : [{}, { role: 'respondent' }]).map(partyRow));
    $('ag-term-rows').replaceChildren(...(content.terms.length ? content.terms : [{}]).map(termRow));
    renumber('ag-parties');
    renumber('ag-term-rows');
    f.facts.value = content.facts || '';
    f.disputes.value = (content.disputes || []).join('\n');
    f.mediators.value = (content.mediators || []).join('、');
    f.organisation.value = content.organisation || '';
    f.dataset.responsibilities = JSON.stringify(content.responsibilities || []);
  }, async (f) => {
    const value = (row, name) => row.querySelector(`[name=${name}]`).value.trim();
    const parties = [...$('ag-parties').querySelectorAll('.party-row')].map((r, i) => {
      const p = { role: value(r, 'role'), name: value(r, 'name') };
      const id = value(r, 'id_number'), phone = value(r, 'phone');
      if (!p.name) throw fieldError(`content.parties[${i}].name`, 'v_required');
      if (id && !validResidentId(id) && !validCreditCode(id)) throw fieldError(`content.parties[${i}].id_number`, 'v_id_number');
      if (phone && !validPhone(phone)) throw fieldError(`content.parties[${i}].phone`, 'v_phone');
      if (id) p.id_number = id;
      if (phone) p.phone = phone;
      return p;
    });
    if (parties.length < 2) throw fieldError('content.parties', 'v_two_parties');
    const terms = [...$('ag-term-rows').querySelectorAll('.term-row')].map((r, i) => {
      const term = { text: value(r, 'text'), way: value(r, 'way'), place: value(r, 'place'), deadline: value(r, 'deadline') };
      if (term.text && term.deadline && term.deadline < todayInNetwork()) throw fieldError(`content.terms[${i}].deadline`, 'v_due_past');
      return term;
    }).filter((x) => x.text);
    const next = {
      parties, facts: f.facts.value.trim(), disputes: f.disputes.value.split('\n').map((s) => s.trim()).filter(Boolean),
      responsibilities: JSON.parse(f.dataset.responsibilities).filter((r) => r.party < parties.length), terms,
      mediators: f.mediators.value.split(/[、,，]/).map((s) => s.trim()).filter(Boolean), organisation: f.organisation.value.trim(),
    };
    const r = await request({ type: 'agreement.draft', case: state.current.id, content: next, ...target });
    await loadAgreements(r.agreement.id);
    const blank = firstBlank(next);
    if (blank) bus.emit('status', t('ag_blanks', { where: fieldLabel(blank, lang) }));
  });
}

export function installAgreements() {
  $('act-agreement').addEventListener('click', () => { if (state.current) navigate({ view: 'case', id: state.current.id, agreements: true }); });
  $('ag-new').addEventListener('click', guarded(errorLine(), newAgreement));
  $('ag-sign-ok').addEventListener('click', guarded(errorLine(), submitSignature));
  $('ag-sign-clear').addEventListener('click', () => ag.pad.clear());
  $('ag-add-party').addEventListener('click', () => { $('ag-parties').append(partyRow({ role: 'third_party' })); renumber('ag-parties'); });
  $('ag-add-term').addEventListener('click', () => { $('ag-term-rows').append(termRow()); renumber('ag-term-rows'); });
  // Closing the panel returns to the case's address.
  $('dlg-agreement').addEventListener('close', () => {
    if (state.current && /\/agreements$/.test(location.hash)) navigate({ view: 'case', id: state.current.id }, { replace: true });
  });
  // A party who signs by link, a seal, a performed term: the open panel follows at once.
  bus.on('thread-event', (e) => {
    if ($('dlg-agreement').open && /^(agreement_|term_|confirmation_)/.test(e.kind)) loadAgreements().catch(() => {});
  });
  bus.on('notice', (n) => {
    if ($('dlg-agreement').open && state.current && String(n.case) === String(state.current.id) &&
      /^(agreement_|term_|confirmation_)/.test(n.kind)) loadAgreements().catch(() => {});
  });
  bus.on('language', () => { if ($('dlg-agreement').open && ag.current) showAgreement(ag.current); });
}
