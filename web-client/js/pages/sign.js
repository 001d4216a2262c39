// A party's one-time signing page (/sign.html#<token>), made for a phone: the agreement to read, a
// box to sign in, and a page that says what happens next.
import { AgreementView } from '../agreement-view.js';
import { SignaturePad } from '../signature.js';

const text = {
  zh: { title: '签署调解协议', signing_as: '签署人', draw: '请在下方框内手写签名', clear: '重写',
        confirm: '我已阅读并确认以上协议内容', submit: '确认签署', done: '签署成功，谢谢。各方签署、调解组织盖章后协议即生效；生效后 30 日内，双方可共同向人民法院申请司法确认。', used: '此链接已使用或已过期。',
        stale: '协议已修改，请向调解员索取新的签署链接。', missing: '链接无效。', empty: '请先签名。', failed: '提交失败，请稍后再试。',
        lang: 'English' },
  en: { title: 'Sign the agreement', signing_as: 'Signing as', draw: 'Sign in the box below', clear: 'Clear',
        confirm: 'I have read and confirm the agreement above', submit: 'Sign', done: 'Signed. Thank you. Once every party has signed and the mediation organisation has sealed it, the agreement is in force; within 30 days after that the parties may apply together to a people\'s court for judicial confirmation.',
        used: 'This link has been used or has expired.', stale: 'The agreement has changed; ask the mediator for a new link.',
        missing: 'This link is not valid.', empty: 'Please sign first.', failed: 'Could not submit; please try again later.',
        lang: '中文' },
};
let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh';
const $ = (id) => document.getElementById(id);
let loaded = null;
function render() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = text[lang][el.dataset.t]; });
  $('lang').textContent = text[lang].lang;
  if (loaded) AgreementView.render($('text'), loaded.agreement.number, loaded.agreement.content, lang);
}
$('lang').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('lang', lang); render(); });
const pad = SignaturePad.attach($('pad'));
$('clear').addEventListener('click', () => pad.clear());
const token = decodeURIComponent(location.hash.slice(1));
const url = '/api/sign/' + encodeURIComponent(token);
function say(key) { $('message').textContent = text[lang][key]; }
async function load() {
  if (!token) return say('missing');
  const r = await fetch(url);
  if (r.status === 410) return say('used');
  if (!r.ok) return say('missing');
  loaded = await r.json();
  $('party').textContent = loaded.party.name;
  $('text').hidden = false;
  $('form').hidden = false;
  render();
}
$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (pad.isEmpty()) return say('empty');
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ signature: pad.toDataURL(), confirmed: true }) });
  if (r.ok) { $('form').hidden = true; return say('done'); }
  say(r.status === 410 ? 'used' : r.status === 409 ? 'stale' : 'failed');
});
window.addEventListener('hashchange', () => location.reload());
render();
load().catch(() => say('failed'));
