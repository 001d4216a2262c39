// The browser client's pure logic, shared by its pages and unit-tested under Node
// (tests/e2e/logic.test.mjs). No DOM, no network.
'use strict';

const ClientLogic = {
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

if (typeof module !== 'undefined') module.exports = ClientLogic;
