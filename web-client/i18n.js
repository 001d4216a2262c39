// User-facing text: Simplified Chinese by default, English on request.
'use strict';
const MESSAGES = {
  zh: {
    app_name: '调解网络', login_title: '登录', username: '用户名', password: '密码', login: '登录', logout: '退出',
    login_failed: '用户名或密码错误', login_locked: '登录失败次数过多，请稍后再试', cases: '案件', new_case: '登记案件', no_cases: '暂无可见案件',
    pick_case: '请选择左侧案件', handoff: '交办', accept: '受理', decline: '退回', invite: '邀请',
    message: '消息', message_ph: '输入消息，Enter 发送，Shift+Enter 换行', send: '发送', title: '标题',
    category: '类别', channel: '来源渠道', petitioner: '信访人/申请人', respondent: '被申请人',
    description: '情况描述', cancel: '取消', submit: '提交', to_org: '接收单位', note: '交办意见', due: '办理期限',
    reason: '退回理由', person: '人员', connecting: '连接中…', online: '已连接', offline: '连接已断开，正在重连…',
    typing: '{name} 正在输入…', read_by: '已读：{list}', sending: '发送中', load_more: '加载更早的记录',
    cat_labour_wages: '劳资欠薪', cat_land: '土地', cat_demolition: '征迁', cat_property_management: '物业',
    cat_housing_certificate: '房产办证', cat_medical: '医疗', cat_family_neighbour: '婚姻家庭邻里',
    cat_fund_raising: '非法集资', cat_other: '其他',
    ch_visit: '来访', ch_letter: '来信', ch_online: '网上', ch_phone: '电话', ch_grid: '网格上报',
    st_registered: '已登记', st_handed_over: '已交办', st_in_progress: '办理中', st_accepted: '已受理', st_closed: '已办结',
    hs_pending: '待受理', hs_accepted: '已受理', hs_declined: '已退回', hs_returned: '已退回原单位',
    overdue: '超期', due_on: '期限 {due}',
    ev_triaged: '{author} 甄别：{decision}', tr_accept: '受理', tr_divert: '诉访分离（{route}）', tr_merge: '作为重复信访合并',
    ev_returned: '{org} 将案件退回 {to}：{reason}', ev_paused: '{author} 暂停计时：{reason}', ev_resumed: '{author} 恢复计时',
    ev_extended: '{author} 批准延期 {days} 天', ev_leader_assigned: '{author} 包案',
    ev_escalated: '提级办理（{rule}）：{from} → {to}', ev_escalation_blocked: '应提级（{rule}），但已无上级',
    rule_overdue: '超期未办结', rule_unsatisfied: '办结不满意', rule_repeat: '重复信访', rule_supervision_overdue: '督办逾期',
    rule_manual: '人工提级',
    ev_closed: '{author} 办结：{outcome}', ev_evaluated: '满意度评价：{evaluation}', ev_evaluation_link_created: '{author} 发送了评价链接',
    ev_supervision_issued: '{from} 督办（{kind}）：{body}', ev_supervision_answered: '{author} 答复督办：{body}',
    ev_grouped: '并入类案 {group}', ev_member_added: '类案加入 {case}', ev_repeat_merged: '重复信访 {case} 已并入本案',
    ev_attachment: '{author} 上传了附件 {name}',
    oc_mediated: '调解成功', oc_agreement: '达成协议', oc_referral: '转交其他途径', oc_withdrawn: '撤回',
    oc_not_accepted: '不予受理', oc_diverted: '诉访分离', oc_merged: '合并',
    evl_satisfied: '满意', evl_basically_satisfied: '基本满意', evl_unsatisfied: '不满意',
    sk_verification_form: '核查报告单', sk_risk_reminder: '风险提示函', sk_supervision_letter: '督办函',
    sk_accountability_letter: '追责建议函',
    ev_created: '{author} 登记了案件 {number}', ev_handed_over: '{author} 将案件交办至 {to}{due}',
    ev_accepted: '{org} 已受理{first}', ev_declined: '{org} 退回：{reason}', ev_invited: '{author} 邀请了 {user}',
    first_handler: '（首办单位）', due_suffix: '，期限 {due}', revoked: '您已无权查看此案件',
    role_administrator: '管理员', role_petition_officer: '信访干部', role_leader: '包案领导', role_mediator: '调解员',
    role_committee_mediator: '专委会调解员', role_grid_worker: '网格员', role_lawyer: '律师', role_judicial: '司法人员',
  },
  en: {
    app_name: 'Mediation Network', login_title: 'Sign in', username: 'Username', password: 'Password', login: 'Sign in',
    logout: 'Sign out', login_failed: 'Wrong username or password', login_locked: 'Too many failed logins; try again later', cases: 'Cases', new_case: 'Register case',
    no_cases: 'No cases you can see yet', pick_case: 'Pick a case on the left', handoff: 'Hand over', accept: 'Accept',
    decline: 'Decline', invite: 'Invite', message: 'Message', message_ph: 'Type a message; Enter sends, Shift+Enter breaks the line',
    send: 'Send', title: 'Title', category: 'Category', channel: 'Channel', petitioner: 'Petitioner',
    respondent: 'Respondent', description: 'Description', cancel: 'Cancel', submit: 'Submit', to_org: 'To organisation',
    note: 'Note', due: 'Due', reason: 'Reason', person: 'Person', connecting: 'Connecting…', online: 'Connected',
    offline: 'Disconnected, reconnecting…', typing: '{name} is typing…', read_by: 'Read: {list}', sending: 'sending',
    load_more: 'Load earlier', cat_labour_wages: 'Labour wages', cat_land: 'Land', cat_demolition: 'Demolition',
    cat_property_management: 'Property management', cat_housing_certificate: 'Housing certificate', cat_medical: 'Medical',
    cat_family_neighbour: 'Family / neighbour', cat_fund_raising: 'Fund-raising', cat_other: 'Other',
    ch_visit: 'Visit', ch_letter: 'Letter', ch_online: 'Online', ch_phone: 'Phone', ch_grid: 'Grid report',
    st_registered: 'Registered', st_handed_over: 'Handed over', st_in_progress: 'In progress', st_accepted: 'Accepted',
    st_closed: 'Closed',
    hs_pending: 'pending', hs_accepted: 'accepted', hs_declined: 'declined', hs_returned: 'returned',
    overdue: 'Overdue', due_on: 'due {due}',
    ev_triaged: '{author} triaged: {decision}', tr_accept: 'accepted', tr_divert: 'diverted to the legal channel ({route})',
    tr_merge: 'merged as a repeat petition',
    ev_returned: '{org} returned the case to {to}: {reason}', ev_paused: '{author} paused the clock: {reason}',
    ev_resumed: '{author} resumed the clock', ev_extended: '{author} approved an extension of {days} days',
    ev_leader_assigned: '{author} took the case as leader',
    ev_escalated: 'Escalated ({rule}): {from} → {to}', ev_escalation_blocked: 'Due for escalation ({rule}) but there is no level above',
    rule_overdue: 'overdue', rule_unsatisfied: 'unsatisfied petitioner', rule_repeat: 'repeat petition',
    rule_supervision_overdue: 'supervision unanswered', rule_manual: 'manual',
    ev_closed: '{author} closed the case: {outcome}', ev_evaluated: 'Evaluation: {evaluation}',
    ev_evaluation_link_created: '{author} sent an evaluation link',
    ev_supervision_issued: '{from} supervision ({kind}): {body}', ev_supervision_answered: '{author} answered the supervision: {body}',
    ev_grouped: 'Joined the similar-case group {group}', ev_member_added: 'Case {case} joined the group',
    ev_repeat_merged: 'Repeat petition {case} merged into this case', ev_attachment: '{author} attached {name}',
    oc_mediated: 'resolved by mediation', oc_agreement: 'agreement', oc_referral: 'referred', oc_withdrawn: 'withdrawn',
    oc_not_accepted: 'not accepted', oc_diverted: 'diverted', oc_merged: 'merged',
    evl_satisfied: 'satisfied', evl_basically_satisfied: 'basically satisfied', evl_unsatisfied: 'unsatisfied',
    sk_verification_form: 'verification report form', sk_risk_reminder: 'risk reminder letter',
    sk_supervision_letter: 'supervision letter', sk_accountability_letter: 'accountability recommendation letter',
    ev_created: '{author} registered case {number}', ev_handed_over: '{author} handed the case to {to}{due}',
    ev_accepted: '{org} accepted{first}', ev_declined: '{org} declined: {reason}', ev_invited: '{author} invited {user}',
    first_handler: ' (first handler)', due_suffix: ', due {due}', revoked: 'You may no longer see this case',
    role_administrator: 'Administrator', role_petition_officer: 'Petition officer', role_leader: 'Leader',
    role_mediator: 'Mediator', role_committee_mediator: 'Committee mediator', role_grid_worker: 'Grid worker',
    role_lawyer: 'Lawyer', role_judicial: 'Judicial staff',
  },
};

let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh';

function t(key, vars) {
  let s = (MESSAGES[lang] && MESSAGES[lang][key]) || MESSAGES.zh[key] || key;
  for (const [k, v] of Object.entries(vars || {})) s = s.split('{' + k + '}').join(v);
  return s;
}

function applyLanguage() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.getElementById('lang').textContent = lang === 'en' ? '中文' : 'English';
}

function toggleLanguage() {
  lang = lang === 'en' ? 'zh' : 'en';
  localStorage.setItem('lang', lang);
  applyLanguage();
}
