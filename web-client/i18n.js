// User-facing text: Simplified Chinese by default, English on request.
'use strict';
const MESSAGES = {
  zh: {
    place_internal: '内部讨论', place_parties: '与当事人沟通', places: '案件讨论区',
    place_internal_note: '仅工作人员、上级督办和受邀专业人员可见，当事人看不到',
    place_parties_note: '当事人及其代理人可见，请注意措辞', place_parties_note_party: '您与办案工作人员的沟通',
    capacity: '身份', cap_professional: '专业人员（可见内部讨论）', cap_representative: '当事人代理人（仅与当事人沟通）',
    side: '代理方', side_petitioner: '申请人一方', side_respondent: '被申请人一方', side_neutral: '中立（工作人员）',
    ev_meeting_side_set: '{author} 将 {name} 设为{side}', outsider: '外部人员', busy: '已有安排',
    mt_invite_petitioner: '邀请申请人方参会', mt_invite_respondent: '邀请被申请人方参会',
    room_removed: '您已无权参加此会议，会议室已关闭',
    due_in: '{n} 天后到期', due_today: '今天到期', overdue_by: '已超期 {n} 天',
    confirm_seal: '加盖印章后协议即生效，内容不能再修改（如需更正，只能起草新协议取代它）；当事人可在 30 日内共同申请司法确认。确定盖章？',
    confirm_close: '办结后案件不能再交办、暂停或延期，各方将收到通知，申请人可在复查期内申请复查。确定以「{outcome}」办结？',
    confirm_cancel: '取消会议「{title}」后，所有参会人都会收到通知，访客链接随即失效，且不能撤销。确定取消？',
    v_close_note: '办结须填写办结说明',
    v_due_past: '期限不能早于今天',
    v_required: '此项必须填写', v_phone: '电话应为手机号（如 13800138000）或座机号（如 010-12345678）',
    v_id_number: '身份证号码应为18位且校验位正确（单位当事人填统一社会信用代码）',
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
    overdue: '超期', due_on: '期限 {due}', close: '关闭',
    location: '地点', urgency: '紧急程度', u_normal: '一般', u_urgent: '紧急', u_critical: '特急',
    a_answer_supervision: '答复督办', a_group: '类案合并（同一被申请人、同类）', a_audit: '查看操作日志',
    no_supervision: '没有待答复的督办', no_similar: '没有相似案件', group_made: '已建立类案 {number}（{n} 件）',
    mt_cancel: '取消会议', mt_invite: '邀请外部人员远程参加', mt_invite_name: '姓名', mt_invite_link: '邀请链接：{url}',
    search: '搜索', search_ph: '搜索标题、内容、消息', all_status: '全部状态', f_inbox: '交办待办', f_week: '本周到期',
    f_mine: '本单位办理', f_leader: '领导包案', more: '加载更多', stats: '统计', more_actions: '办理', wf_action: '操作',
    wf_outcome: '办结结果', wf_evaluation: '满意度', wf_kind: '督办文书', wf_route: '建议途径', wf_file: '附件',
    wf_text: '理由 / 内容', wf_done: '已完成', st_org: '单位（含下级）', st_from: '起', st_to: '止',
    a_triage_accept: '受理', a_triage_divert: '诉访分离（导入法律程序）', a_escalate: '提级办理', a_return: '退回交办单位',
    a_pause: '暂停计时', a_resume: '恢复计时', a_extend: '批准延期', a_own: '包案', a_close: '办结', a_evaluate: '记录满意度',
    a_evaluation_link: '发送评价链接', a_supervise: '督办', a_attach: '上传附件',
    s_received: '受理量', s_accepted: '受理', s_closed: '办结', s_resolved: '化解', s_resolution_rate: '化解率',
    s_on_time_rate: '按期办结率', s_average_handling_days: '平均办理天数', s_satisfaction_rate: '满意率',
    s_grassroots_share: '基层化解占比', s_escalations: '提级办理', s_overdue_open: '超期未结',
    wf_info: '层级：{level} · 承办：{org} · 阶段：{stage} · 期限：{due}{overdue}{eval}', stage_first: '首次办理',
    stage_review: '复查', stage_recheck: '复核', lv_community: '社区', lv_street: '街道', lv_county: '县区', lv_city: '市',
    lv_grid: '网格', lv_province: '省',
    calendar: '日程', schedule: '安排会议', mt_title: '会议名称', mt_start: '开始时间', mt_minutes: '时长（分钟）',
    mt_place: '地点', mt_remote: '可远程参加（音视频）', mt_people: '参加人员（可多选）', mt_external: '外部人员姓名',
    mt_phone: '电话', mt_suggest: '推荐空闲时间', mt_conflicts: '时间冲突：{list}', cal_week: '本周', cal_month: '本月',
    cal_feed: '订阅地址', cal_none: '这段时间没有会议', rsvp_accepted: '接受', rsvp_declined: '拒绝', rsvp_tentative: '待定',
    ans_needs_action: '未答复', ans_accepted: '已接受', ans_declined: '已拒绝', ans_tentative: '待定',
    join: '进入会议', ics: '导出日历', leave: '离开会议', mode_joint: '联合调解', mode_petitioner: '与申请方单独沟通',
    mode_respondent: '与被申请方单独沟通', room_mode: '当前：{mode}', room_joined: '在场：{names}', cancelled_mt: '已取消',
    required_declined: '必需人员已拒绝',
    ev_meeting_scheduled: '{author} 安排了会议「{title}」（{when}）', ev_meeting_rescheduled: '{author} 将会议「{title}」改至 {when}',
    ev_meeting_cancelled: '{author} 取消了会议「{title}」', ev_meeting_answered: '{author} 答复会议「{title}」：{answer}',
    ev_meeting_reminder: '提醒：会议「{title}」将于 {when} 开始', ev_guest_invited: '{author} 邀请 {name} 远程参加会议',
    ev_guest_revoked: '{author} 撤销了 {name} 的邀请',
    agreement: '调解协议', ag_new: '起草协议', ag_correct: '起草更正协议', ag_decision_confirmed: '法院裁定确认有效', ag_decision_refused: '法院裁定驳回', ag_edit: '编辑协议', ag_parties: '当事人', ag_add: '添加', ag_facts: '纠纷主要事实',
    ag_disputes: '争议事项（每行一项）', ag_terms: '协议条款', ag_mediators: '调解员（以、分隔）', ag_org: '调解组织',
    ag_save: '保存新版本', ag_signing: '签名', ag_confirm: '当事人已阅读并确认协议内容', ag_sign_submit: '提交签名',
    ag_clear: '重写', ag_none: '本案尚无调解协议', ag_status_draft: '草稿', ag_status_in_force: '已生效',
    ag_status_superseded: '已被取代', ag_version: '第 {v} 版', ag_missing: '待签名：{who}', ag_sign_party: '{name} 签名',
    ag_sign_mediator: '调解员签名', ag_seal: '盖章生效', ag_print: '打印', ag_verify: '校验', ag_diff: '与上一版比较',
    ag_new_version: '修改（新版本）', ag_link: '签署链接', ag_perform: '已履行', ag_apply: '申请司法确认',
    ag_verified: '校验通过：{n} 条记录，哈希 {hash}', ag_broken: '校验失败：第 {pos} 条（{kind}）{reason}',
    ag_term: '{text}，期限 {due}（{status}）', term_pending: '待履行', term_performed: '已履行', term_overdue: '逾期',
    ag_court: '受理法院', ag_role: '身份', ag_name: '姓名', ag_id: '身份证号', ag_phone: '电话', ag_text: '内容',
    ag_way: '履行方式', ag_place: '履行地点', ag_deadline: '履行期限', ag_link_made: '签署链接（7 天内有效）：{url}',
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
    ev_agreement_drafted: '{author} 起草了协议 {number}（第 {v} 版）', ev_agreement_signed: '{name} 在协议 {number} 上签名',
    ev_agreement_sealed: '{author} 在协议 {number} 上加盖印章', ev_agreement_in_force: '协议 {number} 已生效',
    ev_agreement_sign_link_created: '{author} 向 {name} 发送了签署链接', ev_term_performed: '协议条款已履行：{text}',
    ev_term_overdue: '协议条款逾期未履行：{text}', ev_confirmation_applied: '已向 {court} 申请司法确认',
    ev_confirmation_decided: '司法确认结果：{decision}', ev_confirmation_reminder: '司法确认申请期限将至（{due}）',
    ev_confirmation_window_closed: '司法确认申请期限已过',
    oc_mediated: '调解成功', oc_agreement: '达成协议', oc_referral: '转交其他途径', oc_withdrawn: '撤回',
    oc_not_accepted: '不予受理', oc_diverted: '诉访分离', oc_merged: '合并',
    evl_satisfied: '满意', evl_basically_satisfied: '基本满意', evl_unsatisfied: '不满意',
    sk_verification_form: '核查报告单', sk_risk_reminder: '风险提示函', sk_supervision_letter: '督办函',
    sk_accountability_letter: '追责建议函',
    ev_created: '{author} 登记了案件 {number}', ev_handed_over: '{author} 将案件交办至 {to}{due}',
    ev_accepted: '{org} 已受理{first}', ev_declined: '{org} 退回：{reason}', ev_invited: '{author} 邀请了 {user}',
    first_handler: '（首办单位）', due_suffix: '，期限 {due}', revoked: '您已无权查看此案件',
    role_administrator: '管理员', role_petition_officer: '信访干部', role_leader: '包案领导', role_mediator: '调解员',
    role_committee_mediator: '专委会调解员', role_guest: '受邀参会人', role_grid_worker: '网格员', role_lawyer: '律师', role_judicial: '司法人员',
  },
  en: {
    place_internal: 'Internal discussion', place_parties: 'With the parties', places: 'Case threads',
    place_internal_note: 'Staff, supervising offices and invited professionals only; the parties never see it',
    place_parties_note: 'The parties and their representatives read this thread', place_parties_note_party: 'Your conversation with the case staff',
    capacity: 'Capacity', cap_professional: 'Professional (reads the internal discussion)', cap_representative: "A party's representative (parties' thread only)",
    side: 'Side', side_petitioner: "Petitioner's side", side_respondent: "Respondent's side", side_neutral: 'Neutral (staff)',
    ev_meeting_side_set: '{author} put {name} on the {side}', outsider: 'from outside', busy: 'busy',
    mt_invite_petitioner: "Invite the petitioner's side", mt_invite_respondent: "Invite the respondent's side",
    room_removed: 'You may no longer take part in this meeting; the room has closed',
    due_in: 'due in {n} days', due_today: 'due today', overdue_by: '{n} days overdue',
    confirm_seal: 'Once sealed, the agreement is in force and can never change (a correction is a new agreement that supersedes it); the parties may apply for judicial confirmation within 30 days. Seal now?',
    confirm_close: 'A closed case can no longer be handed over, paused or extended; everyone is told, and the petitioner may ask for a review. Close it as "{outcome}"?',
    confirm_cancel: 'Cancelling "{title}" tells every participant and ends the guests\' links at once; it cannot be undone. Cancel it?',
    v_close_note: 'Closing a case needs a note',
    v_due_past: 'The due date cannot be in the past',
    v_required: 'This is required', v_phone: 'A phone is a mobile (13800138000) or landline (010-12345678) number',
    v_id_number: 'An ID number has 18 characters with a valid check digit (a company: its unified social credit code)',
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
    overdue: 'Overdue', due_on: 'due {due}', close: 'Close',
    location: 'Location', urgency: 'Urgency', u_normal: 'normal', u_urgent: 'urgent', u_critical: 'critical',
    a_answer_supervision: 'Answer the supervision', a_group: 'Group similar cases (same respondent and category)',
    a_audit: 'Show the audit trail', no_supervision: 'No supervision to answer', no_similar: 'No similar cases',
    group_made: 'Group {number} made ({n} cases)', mt_cancel: 'Cancel', mt_invite: 'Invite an outsider to join remotely',
    mt_invite_name: 'Name', mt_invite_link: 'Invitation link: {url}',
    search: 'Search', search_ph: 'Search titles, descriptions, messages', all_status: 'All statuses', f_inbox: 'Hand-over inbox',
    f_week: 'Due this week', f_mine: 'Handled by us', f_leader: 'Leader-owned', more: 'More', stats: 'Statistics',
    more_actions: 'Actions', wf_action: 'Action', wf_outcome: 'Outcome', wf_evaluation: 'Evaluation', wf_kind: 'Document',
    wf_route: 'Suggested route', wf_file: 'File', wf_text: 'Reason / text', wf_done: 'Done', st_org: 'Organisation (and below)',
    st_from: 'From', st_to: 'To', a_triage_accept: 'Accept', a_triage_divert: 'Divert to the legal channel',
    a_escalate: 'Escalate', a_return: 'Return to the sender', a_pause: 'Pause the clock', a_resume: 'Resume the clock',
    a_extend: 'Approve an extension', a_own: 'Take the case (leader)', a_close: 'Close', a_evaluate: 'Record the evaluation',
    a_evaluation_link: 'Send an evaluation link', a_supervise: 'Supervise', a_attach: 'Attach a file',
    s_received: 'Received', s_accepted: 'Accepted', s_closed: 'Closed', s_resolved: 'Resolved', s_resolution_rate: 'Resolution rate',
    s_on_time_rate: 'On-time closure', s_average_handling_days: 'Average handling days', s_satisfaction_rate: 'Satisfaction',
    s_grassroots_share: 'Resolved at the grassroots', s_escalations: 'Escalations', s_overdue_open: 'Overdue, open',
    wf_info: 'Level: {level} · handled by {org} · stage: {stage} · due {due}{overdue}{eval}', stage_first: 'first handling',
    stage_review: 'review', stage_recheck: 're-check', lv_community: 'community', lv_street: 'street', lv_county: 'county',
    lv_city: 'city', lv_grid: 'grid', lv_province: 'province',
    calendar: 'Calendar', schedule: 'Schedule a session', mt_title: 'Title', mt_start: 'Start', mt_minutes: 'Minutes',
    mt_place: 'Place', mt_remote: 'Remote participation (audio and video)', mt_people: 'Participants (several)',
    mt_external: 'External person', mt_phone: 'Phone', mt_suggest: 'Suggest free times', mt_conflicts: 'Conflicts: {list}',
    cal_week: 'This week', cal_month: 'This month', cal_feed: 'Subscription URL', cal_none: 'No sessions in this period',
    rsvp_accepted: 'Accept', rsvp_declined: 'Decline', rsvp_tentative: 'Tentative', ans_needs_action: 'no answer',
    ans_accepted: 'accepted', ans_declined: 'declined', ans_tentative: 'tentative', join: 'Join', ics: 'Export',
    leave: 'Leave', mode_joint: 'Joint session', mode_petitioner: 'Caucus with the petitioner',
    mode_respondent: 'Caucus with the respondent', room_mode: 'Now: {mode}', room_joined: 'Present: {names}',
    cancelled_mt: 'cancelled', required_declined: 'a required participant declined',
    ev_meeting_scheduled: '{author} scheduled "{title}" ({when})', ev_meeting_rescheduled: '{author} moved "{title}" to {when}',
    ev_meeting_cancelled: '{author} cancelled "{title}"', ev_meeting_answered: '{author} answered "{title}": {answer}',
    ev_meeting_reminder: 'Reminder: "{title}" starts at {when}', ev_guest_invited: '{author} invited {name} to join remotely',
    ev_guest_revoked: '{author} withdrew the invitation of {name}',
    agreement: 'Agreement', ag_new: 'Draft an agreement', ag_correct: 'Draft a correction', ag_decision_confirmed: 'Court confirmed', ag_decision_refused: 'Court refused', ag_edit: 'Edit the agreement', ag_parties: 'Parties', ag_add: 'Add',
    ag_facts: 'Main facts', ag_disputes: 'Points in dispute (one per line)', ag_terms: 'Terms',
    ag_mediators: 'Mediators (separated by 、)', ag_org: 'Mediation organisation', ag_save: 'Save a new version',
    ag_signing: 'Signature', ag_confirm: 'The party has read and confirms the agreement', ag_sign_submit: 'Submit signature',
    ag_clear: 'Clear', ag_none: 'No agreement in this case yet', ag_status_draft: 'Draft', ag_status_in_force: 'In force',
    ag_status_superseded: 'Superseded', ag_version: 'version {v}', ag_missing: 'Still to sign: {who}',
    ag_sign_party: 'Signature of {name}', ag_sign_mediator: 'Mediator signs', ag_seal: 'Seal (takes effect)',
    ag_print: 'Print', ag_verify: 'Verify', ag_diff: 'Compare with previous', ag_new_version: 'Change (new version)',
    ag_link: 'Signing link', ag_perform: 'Performed', ag_apply: 'Apply for judicial confirmation',
    ag_verified: 'Verified: {n} records, hash {hash}', ag_broken: 'Verification failed at record {pos} ({kind}): {reason}',
    ag_term: '{text}, due {due} ({status})', term_pending: 'pending', term_performed: 'performed', term_overdue: 'overdue',
    ag_court: 'Court', ag_role: 'Role', ag_name: 'Name', ag_id: 'ID number', ag_phone: 'Phone', ag_text: 'Text',
    ag_way: 'Way', ag_place: 'Place', ag_deadline: 'Deadline', ag_link_made: 'Signing link (valid 7 days): {url}',
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
    ev_agreement_drafted: '{author} drafted agreement {number} (version {v})', ev_agreement_signed: '{name} signed agreement {number}',
    ev_agreement_sealed: '{author} sealed agreement {number}', ev_agreement_in_force: 'Agreement {number} is in force',
    ev_agreement_sign_link_created: '{author} sent a signing link to {name}', ev_term_performed: 'Term performed: {text}',
    ev_term_overdue: 'Term overdue: {text}', ev_confirmation_applied: 'Judicial confirmation applied for at {court}',
    ev_confirmation_decided: 'Judicial confirmation: {decision}', ev_confirmation_reminder: 'The judicial confirmation window closes soon ({due})',
    ev_confirmation_window_closed: 'The judicial confirmation window has closed',
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
    role_lawyer: 'Lawyer', role_judicial: 'Judicial staff', role_guest: 'Invited guest',
  },
};

let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh';

function t(key, vars) {
  let s = (MESSAGES[lang] && MESSAGES[lang][key]) || MESSAGES.zh[key] || key;
  for (const [k, v] of Object.entries(vars || {})) s = s.split('{' + k + '}').join(v);
  return s;
}

// Dates and times are shown in the network's time zone (the server's --time-zone, sent with auth),
// whatever the zone of the browser.
let networkTimeZone = 'Asia/Shanghai';
function setNetworkTimeZone(tz) { if (tz) networkTimeZone = tz; }
function fmtDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(lang === 'en' ? 'en-CA' : 'zh-CN',
    { timeZone: networkTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
}
function fmtDateTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: networkTimeZone, hour12: false });
}
// Today's date (YYYY-MM-DD) in the network's zone.
function todayInNetwork(now = new Date()) { return now.toLocaleDateString('en-CA', { timeZone: networkTimeZone }); }
// "3 天后到期", "今天到期", "已超期 2 天" (calendar days in the network's zone).
function relDue(iso, now = new Date()) {
  const day = (d) => Date.parse(new Date(d).toLocaleDateString('en-CA', { timeZone: networkTimeZone }));
  const days = Math.round((day(iso) - day(now)) / 86400000);
  if (days > 0) return t('due_in', { n: days });
  if (days === 0) return t('due_today');
  return t('overdue_by', { n: -days });
}

// The text for an error ({code, field?, message}) in the user's language (js/errors.js).
function errText(e) {
  if (window.ClientModules) return window.ClientModules.errors.errorText(e || {}, lang);
  return (e && e.message) || String(e);
}

function applyLanguage() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  document.getElementById('lang').textContent = lang === 'en' ? '中文' : 'English';
}

function toggleLanguage() {
  lang = lang === 'en' ? 'zh' : 'en';
  localStorage.setItem('lang', lang);
  applyLanguage();
}
