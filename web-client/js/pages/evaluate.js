// The petitioner's one-time evaluation page: the token is in the fragment, never sent to logs.
const text = {
  zh: { title: '满意度评价', heading: '请评价本案件的办理结果', your_view: '您的评价', satisfied: '满意',
        basically_satisfied: '基本满意', unsatisfied: '不满意', comment: '意见（可选）', submit: '提交评价',
        thanks: '感谢您的评价，已记录。', used: '此链接已使用或已过期。', missing: '链接无效。', failed: '提交失败，请稍后再试。',
        loading: '正在加载……', lang: 'English' },
  en: { title: 'Evaluation', heading: 'How was your case handled?', your_view: 'Your evaluation', satisfied: 'Satisfied',
        basically_satisfied: 'Basically satisfied', unsatisfied: 'Unsatisfied', comment: 'Comment (optional)',
        submit: 'Submit', thanks: 'Thank you; your evaluation is recorded.', used: 'This link has been used or has expired.',
        missing: 'This link is not valid.', failed: 'Could not submit; please try again later.', loading: 'Loading…', lang: '中文' },
};
let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh';
const $ = (id) => document.getElementById(id);
function render() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = text[lang][el.dataset.t]; });
  $('lang').textContent = text[lang].lang;
}
$('lang').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('lang', lang); render(); });
render();
const token = decodeURIComponent(location.hash.slice(1));
const url = '/api/evaluation/' + encodeURIComponent(token);
function say(key) { $('message').textContent = text[lang][key]; }
async function load() {
  if (!token) return say('missing');
  say('loading');
  const r = await fetch(url);
  if (r.status === 410) return say('used');
  if (!r.ok) return say('missing');
  const body = await r.json();
  $('number').textContent = body.case.number;
  $('case-title').textContent = body.case.title;
  $('org').textContent = body.case.org || '';
  $('message').textContent = '';
  $('form').hidden = false;
}
$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ evaluation: f.get('evaluation'), comment: f.get('comment') || '' }) });
  $('form').hidden = r.ok || r.status === 410;
  say(r.ok ? 'thanks' : r.status === 410 ? 'used' : 'failed');
});
window.addEventListener('hashchange', () => location.reload());
load().catch(() => say('failed'));
