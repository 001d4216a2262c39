// The agreement panel of the case room: drafts and versions, signatures (drawn on this device or
// through a link), the seal, printing, verification, performance and judicial confirmation.
'use strict';

const ag = { list: [], current: null, pad: null, signing: null };

function agStatus(a) {
  const v = a.current ? t('ag_version', { v: a.current.version }) : '';
  return `${a.number} · ${t('ag_status_' + a.status)} · ${v}`;
}

function agButton(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', async () => {
    const err = $('dlg-agreement').querySelector('.error');
    err.textContent = '';
    try { await onClick(); } catch (e) { err.textContent = errText(e); }
  });
  return b;
}

async function openAgreements() {
  const dlg = $('dlg-agreement');
  dlg.querySelector('.error').textContent = '';
  $('ag-detail').hidden = true;
  if (!ag.pad) ag.pad = SignaturePad.attach($('ag-pad'));
  await loadAgreements();
  if (!dlg.open) dlg.showModal();
}

async function loadAgreements(selectId) {
  const r = await state.conn.request({ type: 'agreement.list', case: state.current.id });
  ag.list = r.agreements;
  const box = $('ag-list');
  box.replaceChildren();
  if (!ag.list.length) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = t('ag_none');
    box.append(p);
  }
  for (const a of ag.list) box.append(agButton(agStatus(a), () => loadAgreements(a.id)));
  const pick = ag.list.find((a) => a.id === selectId) || ag.list[ag.list.length - 1];
  if (pick) showAgreement(pick);
}

function showAgreement(a) {
  ag.current = a;
  $('ag-detail').hidden = false;
  $('ag-sign').hidden = true;
  $('ag-output').textContent = '';
  $('ag-status').textContent = agStatus(a);
  AgreementView.render($('ag-text'), a.number, a.current.content, lang);
  $('ag-missing').textContent = a.missing ? t('ag_missing', { who: a.missing }) : '';
  const acts = $('ag-actions');
  acts.replaceChildren();
  const v = a.current.version;
  const unsigned = ClientLogic.unsignedParties(a, v);
  if (a.status === 'draft') {
    acts.append(agButton(t('ag_new_version'), () => openEditor(a.current.content, { agreement: a.id })));
    a.current.content.parties.forEach((p, i) => {
      if (!unsigned.parties.includes(i)) return;
      acts.append(agButton(t('ag_sign_party', { name: p.name }), () => startSigning(i, p.name)));
      acts.append(agButton(`${t('ag_link')} · ${p.name}`, async () => {
        const r = await state.conn.request({ type: 'agreement.sign_link', agreement: a.id, version: v, party: i });
        $('ag-output').textContent = t('ag_link_made', { url: location.origin + r.url });
      }));
    });
    if (['mediator', 'committee_mediator'].includes(state.user.role) && unsigned.mediator)
      acts.append(agButton(t('ag_sign_mediator'), () => agreementRequest({ type: 'agreement.sign', agreement: a.id, version: v, role: 'mediator' })));
    if (!a.missing) {
      // Sealing cannot be undone: say what it does before it is done.
      acts.append(agButton(t('ag_seal'), async () => {
        if (!confirm(t('confirm_seal'))) return;
        await agreementRequest({ type: 'agreement.seal', agreement: a.id, version: v });
      }));
    }
    if (v > 1) acts.append(agButton(t('ag_diff'), async () => {
      const r = await state.conn.request({ type: 'agreement.diff', agreement: a.id, from: v - 1, to: v });
      $('ag-output').textContent = r.changes.map((c) => `${c.path}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('\n');
    }));
  }
  if (a.status === 'in_force') {
    acts.append(agButton(t('ag_correct'), () => openEditor(a.current.content, { supersedes: a.id })));
    if (a.confirmation.open) acts.append(agButton(t('ag_apply'), async () => {
      const court = prompt(t('ag_court'));
      if (court) await agreementRequest({ type: 'agreement.confirmation', agreement: a.id, action: 'apply', court });
    }));
    if (a.confirmation.applied_at && !a.confirmation.decision)
      for (const decision of ['confirmed', 'refused'])
        acts.append(agButton(t('ag_decision_' + decision), () =>
          agreementRequest({ type: 'agreement.confirmation', agreement: a.id, action: 'decide', decision })));
  }
  acts.append(agButton(t('ag_print'), () => printAgreement(a.id)));
  acts.append(agButton(t('ag_verify'), async () => {
    const r = await state.conn.request({ type: 'agreement.verify', agreement: a.id });
    $('ag-output').textContent = r.ok ? t('ag_verified', { n: r.entries, hash: r.head || '' })
      : t('ag_broken', { pos: r.first_break.position, kind: r.first_break.kind, reason: r.first_break.reason });
  }));
  const terms = $('ag-terms');
  terms.replaceChildren();
  for (const term of a.terms) {
    const li = document.createElement('li');
    li.textContent = t('ag_term', { text: term.text, due: fmtDate(term.due), status: t('term_' + term.status) }) + ' ';
    if (term.status !== 'performed')
      li.append(agButton(t('ag_perform'), () => agreementRequest({ type: 'agreement.perform', agreement: a.id, term: term.term })));
    terms.append(li);
  }
}

async function agreementRequest(frame) {
  const r = await state.conn.request(frame);
  await loadAgreements(r.agreement.id);
  return r;
}

function startSigning(party, name) {
  ag.signing = party;
  ag.pad.clear();
  $('ag-confirm').checked = false;
  $('ag-signer').textContent = name;
  $('ag-sign').hidden = false;
}

async function submitSignature() {
  const a = ag.current;
  if (ag.pad.isEmpty() || !$('ag-confirm').checked) throw new Error(t('ag_confirm'));
  await agreementRequest({ type: 'agreement.sign', agreement: a.id, version: a.current.version, role: 'party',
    party: ag.signing, signature: ag.pad.toDataURL(), confirmed: true });
}

async function printAgreement(id) {
  const r = await fetch(`/api/agreements/${id}/print`, { headers: { Authorization: 'Bearer ' + state.token } });
  if (!r.ok) { const b = await r.json(); throw Object.assign(new Error(b.error.message), b.error); }
  const html = await r.text();
  window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
}

// ---- the editor ------------------------------------------------------------------------------------

function agInput(name, value, label, type = 'text') {
  const l = document.createElement('label');
  const s = document.createElement('span');
  s.textContent = label;
  const i = document.createElement(type === 'select' ? 'select' : 'input');
  i.name = name;
  if (type === 'select') {
    for (const r of ['petitioner', 'respondent', 'third_party', 'agent']) {
      const o = document.createElement('option');
      o.value = r;
      o.textContent = AgreementView.labels[lang][r];
      i.append(o);
    }
  } else {
    i.type = type;
  }
  i.value = value || '';
  l.append(s, i);
  return l;
}

function partyRow(p = {}) {
  const row = document.createElement('div');
  row.className = 'row party-row';
  row.append(agInput('role', p.role || 'petitioner', t('ag_role'), 'select'), agInput('name', p.name, t('ag_name')),
    agInput('id_number', p.id_number, t('ag_id')), agInput('phone', p.phone, t('ag_phone')));
  return row;
}

function termRow(x = {}) {
  const row = document.createElement('div');
  row.className = 'row term-row';
  row.append(agInput('text', x.text, t('ag_text')), agInput('way', x.way, t('ag_way')), agInput('place', x.place, t('ag_place')),
    agInput('deadline', x.deadline, t('ag_deadline'), 'date'));
  return row;
}

async function newAgreement() {
  const tpl = await state.conn.request({ type: 'agreement.templates', category: state.current.category });
  const base = tpl.templates[state.current.category] ||
    { parties: [], facts: '', disputes: [''], responsibilities: [], terms: [{}], mediators: [''], organisation: '' };
  const content = JSON.parse(JSON.stringify(base));
  const fromCase = state.current.parties.filter((p) => ['petitioner', 'respondent', 'third_party', 'agent'].includes(p.role));
  if (fromCase.length >= 2) content.parties = fromCase.map((p) => ({ role: p.role, name: p.name }));
  content.mediators = [state.user.name];
  content.organisation = state.user.org.name;
  openEditor(content, {});
}

function openEditor(content, target) {
  runDialog('dlg-agreement-edit', (f) => {
    $('ag-parties').replaceChildren(...(content.parties.length ? content.parties : [{}, { role: 'respondent' }]).map(partyRow));
    $('ag-term-rows').replaceChildren(...(content.terms.length ? content.terms : [{}]).map(termRow));
    f.facts.value = content.facts || '';
    f.disputes.value = (content.disputes || []).join('\n');
    f.mediators.value = (content.mediators || []).join('、');
    f.organisation.value = content.organisation || '';
    f.dataset.responsibilities = JSON.stringify(content.responsibilities || []);
  }, async (f) => {
    const field = (row, name) => row.querySelector(`[name=${name}]`).value.trim();
    const parties = [...$('ag-parties').querySelectorAll('.party-row')].map((r) => {
      const p = { role: field(r, 'role'), name: field(r, 'name') };
      for (const k of ['id_number', 'phone']) if (field(r, k)) p[k] = field(r, k);
      return p;
    }).filter((p) => p.name);
    const terms = [...$('ag-term-rows').querySelectorAll('.term-row')].map((r) => ({
      text: field(r, 'text'), way: field(r, 'way'), place: field(r, 'place'), deadline: field(r, 'deadline'),
    })).filter((x) => x.text);
    const next = {
      parties, facts: f.facts.value.trim(), disputes: f.disputes.value.split('\n').map((s) => s.trim()).filter(Boolean),
      responsibilities: JSON.parse(f.dataset.responsibilities).filter((r) => r.party < parties.length), terms,
      mediators: f.mediators.value.split(/[、,，]/).map((s) => s.trim()).filter(Boolean), organisation: f.organisation.value.trim(),
    };
    const r = await state.conn.request({ type: 'agreement.draft', case: state.current.id, content: next, ...target });
    await loadAgreements(r.agreement.id);
  });
}

$('act-agreement').addEventListener('click', () => openAgreements().catch((e) => alert(errText(e))));
$('ag-new').addEventListener('click', () => newAgreement().catch((e) => { $('dlg-agreement').querySelector('.error').textContent = errText(e); }));
$('ag-sign-ok').addEventListener('click', () => submitSignature().catch((e) => { $('dlg-agreement').querySelector('.error').textContent = errText(e); }));
$('ag-sign-clear').addEventListener('click', () => ag.pad.clear());
$('ag-add-party').addEventListener('click', () => $('ag-parties').append(partyRow({ role: 'third_party' })));
$('ag-add-term').addEventListener('click', () => $('ag-term-rows').append(termRow()));
