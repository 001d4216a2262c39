// The text of a thread event or notice, in the user's language.
import { t, fmtDate } from '../i18n.js';

export function describe(e) {
  const d = e.data || {};
  const author = e.author ? e.author.name : '';
  switch (e.kind) {
    case 'created': return t('ev_created', { author, number: d.case ? d.case.number : '' });
    case 'handed_over': return t('ev_handed_over', { author, to: d.to_org.name, due: d.due ? t('due_suffix', { due: fmtDate(d.due) }) : '' });
    case 'accepted': return t('ev_accepted', { org: d.org.name, first: d.first_handler ? t('first_handler') : '' });
    case 'declined': return t('ev_declined', { org: d.org.name, reason: d.reason });
    case 'invited': return t('ev_invited', { author, user: d.user.name })
      + (d.capacity ? ` · ${t('cap_' + d.capacity)}${d.side ? '（' + t('side_' + d.side) + '）' : ''}` : '');
    case 'triaged': return t('ev_triaged', { author, decision: t('tr_' + d.decision, { route: d.route || '' }) });
    case 'returned': return t('ev_returned', { org: d.org.name, to: d.to_org.name, reason: d.reason });
    case 'paused': return t('ev_paused', { author, reason: d.reason });
    case 'resumed': return t('ev_resumed', { author });
    case 'extended': return t('ev_extended', { author, days: d.days });
    case 'leader_assigned': return t('ev_leader_assigned', { author });
    case 'escalated': return t('ev_escalated', { rule: t('rule_' + d.rule), from: d.from_org.name, to: d.to_org.name });
    case 'escalation_blocked': return t('ev_escalation_blocked', { rule: t('rule_' + d.rule) });
    case 'closed': return t('ev_closed', { author, outcome: t('oc_' + d.outcome) });
    case 'evaluated': return t('ev_evaluated', { evaluation: t('evl_' + d.evaluation) });
    case 'evaluation_link_created': return t('ev_evaluation_link_created', { author });
    case 'supervision_issued': return t('ev_supervision_issued', { from: d.from_org.name, kind: t('sk_' + d.kind), body: d.body });
    case 'supervision_answered': return t('ev_supervision_answered', { author, body: d.body });
    case 'grouped': return t('ev_grouped', { group: d.group.number });
    case 'member_added': return t('ev_member_added', { case: d.case.number });
    case 'repeat_merged': return t('ev_repeat_merged', { case: d.case.number });
    case 'attachment': return t('ev_attachment', { author, name: d.name });
    case 'agreement_drafted': return t('ev_agreement_drafted', { author, number: d.agreement.number, v: d.version });
    case 'agreement_signed': return t('ev_agreement_signed', { name: d.name, number: d.agreement.number });
    case 'agreement_sealed': return t('ev_agreement_sealed', { author, number: d.agreement.number });
    case 'agreement_in_force': return t('ev_agreement_in_force', { number: d.agreement.number });
    case 'agreement_sign_link_created': return t('ev_agreement_sign_link_created', { author, name: d.name });
    case 'term_performed': return t('ev_term_performed', { text: d.text });
    case 'term_overdue': return t('ev_term_overdue', { text: d.text });
    case 'confirmation_applied': return t('ev_confirmation_applied', { court: d.court });
    case 'confirmation_decided': return t('ev_confirmation_decided', { decision: d.decision });
    case 'confirmation_reminder': return t('ev_confirmation_reminder', { due: fmtDate(d.due) });
    case 'confirmation_window_closed': return t('ev_confirmation_window_closed');
    case 'meeting_scheduled': case 'meeting_rescheduled': case 'meeting_cancelled': case 'meeting_reminder':
      return t('ev_' + e.kind, { author, title: d.meeting.title, when: d.meeting.local_start.slice(0, 16).replace('T', ' ') });
    case 'meeting_answered': return t('ev_meeting_answered', { author, title: d.meeting.title, answer: t('ans_' + d.answer) });
    case 'guest_invited': case 'guest_revoked': return t('ev_' + e.kind, { author, name: d.guest.name });
    case 'meeting_side_set': return t('ev_meeting_side_set', { author, name: d.participant.name, side: t('side_' + d.side) });
    default: return e.kind;
  }
}
