// The text a person reads for an error the server (or the connection) reports: every error code in
// the user's language, the field at fault named as the form names it, and the common refusals
// explained. The server's `message` is English for logs and scripts; Chinese text never depends on it
// except through the table of known refusals below. Pure: no DOM, no network; unit-tested under Node
// (tests/e2e/logic.test.mjs).

const CODES = {
  zh: {
    bad_request: '输入有误', unknown_type: '服务器不支持此操作，请刷新页面', unauthenticated: '登录已失效，请重新登录',
    forbidden: '您无权执行此操作', not_found: '未找到该记录，可能已删除或您无权查看', conflict: '当前状态不允许此操作',
    too_large: '内容超出长度限制', rate_limited: '操作过于频繁或服务器繁忙，请稍后再试',
    internal: '服务器出错，未做任何更改，请稍后重试', disconnected: '网络连接已断开，请稍后重试',
  },
  en: {
    bad_request: 'Please check your input', unknown_type: 'The server does not support this; reload the page',
    unauthenticated: 'Your session has ended; please log in again', forbidden: 'You may not do this',
    not_found: 'Not found: it may have been removed, or you may not see it', conflict: 'This is not possible now',
    too_large: 'Too long', rate_limited: 'Too many requests, or the server is busy; try again shortly',
    internal: 'The server failed and changed nothing; try again shortly',
    disconnected: 'The connection is lost; try again shortly',
  },
};

const FIELDS = {
  zh: {
    title: '标题', category: '类别', channel: '来源渠道', description: '情况描述', location: '地点', urgency: '紧急程度',
    parties: '当事人', name: '姓名', phone: '电话', id_number: '身份证号码或统一社会信用代码', address: '地址', role: '身份',
    reason: '理由', note: '意见', due: '期限', to_org: '接收单位', user: '人员', capacity: '身份', side: '代理方',
    start: '开始时间', end: '结束时间', tz: '时区', place: '地点', purpose: '议题', participants: '参会人员',
    propose_start: '建议开始时间', propose_end: '建议结束时间', body: '内容', comment: '备注', outcome: '办结结果',
    evaluation: '评价', kind: '类别', cases: '案件', date: '日期', court: '法院', decision: '裁定结果',
    content: '协议内容', facts: '纠纷事实', disputes: '争议事项', terms: '协议条款', text: '内容', way: '履行方式',
    deadline: '履行期限', responsibilities: '责任', signature: '签名', confirmed: '确认', version: '版本', q: '搜索',
    username: '用户名', password: '密码', decision_reason: '理由', route: '建议途径', into: '合并到', mode: '模式',
    org: '单位', from: '起始日期', to: '截止日期', file: '附件', organisation: '调解组织', mediators: '调解员',
    agreement: '协议', party: '当事人', meeting: '会议', answer: '答复', thread: '讨论区', seq: '序号',
  },
  en: {
    title: 'Title', category: 'Category', channel: 'Channel', description: 'Description', location: 'Location',
    urgency: 'Urgency', parties: 'Parties', name: 'Name', phone: 'Phone', id_number: 'ID number or credit code',
    address: 'Address', role: 'Role', reason: 'Reason', note: 'Note', due: 'Due date', to_org: 'Receiving organisation',
    user: 'Person', capacity: 'Capacity', side: 'Side', start: 'Start', end: 'End', tz: 'Time zone', place: 'Place',
    purpose: 'Purpose', participants: 'Participants', propose_start: 'Proposed start', propose_end: 'Proposed end',
    body: 'Text', comment: 'Comment', outcome: 'Outcome', evaluation: 'Evaluation', kind: 'Kind', cases: 'Cases',
    date: 'Date', court: 'Court', decision: 'Decision', content: 'Agreement', facts: 'Facts', disputes: 'Disputes',
    terms: 'Terms', text: 'Text', way: 'Way of performance', deadline: 'Deadline', responsibilities: 'Responsibilities',
    signature: 'Signature', confirmed: 'Confirmation', version: 'Version', q: 'Search', username: 'Username',
    password: 'Password', route: 'Suggested route', into: 'Merge into', mode: 'Mode', org: 'Organisation',
    from: 'From', to: 'To', file: 'File', organisation: 'Mediation organisation', mediators: 'Mediators',
    agreement: 'Agreement', party: 'Party', meeting: 'Meeting', answer: 'Answer', thread: 'Thread', seq: 'Sequence',
  },
};

// What is wrong with a field, from the server's English message (its wording is the server's own:
// protocol/spec.cpp, protocol/identifiers.cpp).
const PROBLEMS = [
  [/is required|must not be empty|must be a non-empty list/, { zh: '必须填写', en: 'is required' }],
  [/is longer than (\d+) characters/, { zh: '不能超过 {1} 个字', en: 'must be at most {1} characters' }],
  [/has more than (\d+) entries/, { zh: '不能超过 {1} 项', en: 'must have at most {1} entries' }],
  [/resident ID number/, { zh: '应为有效的18位身份证号码（校验位正确）或统一社会信用代码',
    en: 'must be a valid 18-character resident ID number or unified social credit code' }],
  [/mobile .* or landline/, { zh: '应为手机号（如 13800138000）或座机号（如 010-12345678）',
    en: 'must be a mobile (13800138000) or landline (010-12345678) number' }],
  [/RFC 3339|YYYY-MM-DD|date-time/, { zh: '日期或时间格式有误', en: 'is not a valid date or time' }],
  [/in the future|would be over already|must not be in the past/, { zh: '不能早于现在', en: 'must not be in the past' }],
  [/must be one of|must be (petitioner|a supported)/, { zh: '不是可选的值', en: 'is not one of the allowed values' }],
  [/must be an organisation that handles cases/, { zh: '应为办理案件的单位（律师事务所、法院不能接收交办）',
    en: 'must be an organisation that handles cases (not a law firm or a court)' }],
];

// Refusals a person meets in ordinary work (conflict, forbidden), by the server's English message.
const KNOWN = [
  [/the case is closed/, { zh: '案件已办结' }],
  [/already handed to that organisation/, { zh: '案件已交办给该单位' }],
  [/cannot be handed to your own organisation/, { zh: '不能交办给本单位' }],
  [/already belongs to that organisation/, { zh: '案件已属于该单位' }],
  [/no pending hand-over of this case to your organisation/, { zh: '本单位没有待受理的交办' }],
  [/already invited/, { zh: '此人已受邀' }],
  [/meeting is (already )?cancelled/, { zh: '会议已取消' }],
  [/meeting room is open from 30 minutes before/, { zh: '会议室在开始前 30 分钟开放' }],
  [/must end after it starts/, { zh: '结束时间须晚于开始时间' }],
  [/already own this case/, { zh: '您已包案' }],
  [/clock is already paused/, { zh: '计时已暂停' }],
  [/clock is not paused/, { zh: '计时未暂停' }],
  [/no clock is running/, { zh: '当前没有计时' }],
  [/already extended once/, { zh: '期限已延长过一次' }],
  [/already been answered/, { zh: '督办件已答复' }],
  [/already been accepted/, { zh: '案件已受理' }],
  [/already been evaluated/, { zh: '案件已评价' }],
  [/not closed yet/, { zh: '案件尚未办结' }],
  [/still has blanks to fill in/, { zh: '协议仍有空白（＿＿）未填写，请先修改为新版本再签名或盖章' }],
  [/has not been accepted: it can close only/, { zh: '案件尚未受理，只能以撤回、不予受理或转交其他途径办结' }],
  [/seal comes after every signature/, { zh: '各方签名后才能盖章' }],
  [/agreement in force never changes/, { zh: '已生效的协议不能修改；如需更正，请起草新协议取代原协议' }],
  [/not in force/, { zh: '协议尚未生效' }],
  [/already signed/, { zh: '已签名' }],
  [/sign the current version/, { zh: '请签署最新版本' }],
  [/may not see this (case|thread)/, { zh: '您无权查看此案件' }],
  [/your role may not/, { zh: '您的角色不能执行此操作' }],
  [/the change was saved, but/, { zh: '已保存，但读取结果失败，请刷新查看' }],
];

// "parties[1].id_number" -> "第2位当事人的身份证号码或统一社会信用代码" (zh), "Party 2: ID number ..." (en).
export function fieldLabel(path, lang = 'zh') {
  const L = FIELDS[lang] || FIELDS.zh;
  const parts = String(path).split('.');
  const words = [];
  for (const part of parts) {
    const m = part.match(/^([a-z_]+)(?:\[(\d+)\])?$/);
    if (!m) return String(path);
    const [, name, index] = m;
    const label = L[name] || name;
    if (index === undefined) {
      words.push(label);
    } else if (lang === 'en') {
      words.push(`${label.replace(/ies$/, 'y').replace(/s$/, '')} ${Number(index) + 1}`);
    } else {
      words.push(name === 'parties' ? `第${Number(index) + 1}位当事人` : `第${Number(index) + 1}项${label}`);
    }
  }
  return lang === 'en' ? words.join(': ') : words.join('的');
}

// The sentence to show for an error object {code, field?, message?} (a rejected request, a refused
// HTTP call), in `lang` ('zh' or 'en').
export function errorText(err, lang = 'zh') {
  // An error the client made itself (a check before sending) already speaks the user's language.
  if (!err || !err.code) return (err && err.message) || String(err || '');
  const code = err.code;
  const message = (err && err.message) || '';
  const codes = CODES[lang] || CODES.zh;
  const general = codes[code] || codes.internal;
  if (err && err.field && (code === 'bad_request' || code === 'too_large')) {
    const problem = PROBLEMS.find(([re]) => re.test(message));
    let what = problem ? problem[1][lang] || problem[1].zh : general;
    if (problem) {
      const m = message.match(problem[0]);
      what = what.replace('{1}', m && m[1] ? m[1] : '');
    }
    return lang === 'en' ? `${fieldLabel(err.field, lang)} ${what}` : `${fieldLabel(err.field, lang)}${what}`;
  }
  if (lang === 'en') return message && code !== 'internal' ? `${general}: ${message}` : general;
  const known = KNOWN.find(([re]) => re.test(message));
  return known ? `${general}：${known[1].zh}` : general;
}
