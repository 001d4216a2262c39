// Small pieces every view uses: element lookup, dialogs with forms (Enter, Escape, drafts, errors by
// the field), confirmation of what cannot be undone, and copy buttons for links.
import { state } from './store.js';
import { t, lang, errText } from './i18n.js';
import { fieldLabel } from './errors.js';

export const $ = (id) => document.getElementById(id);

// An element with text (never HTML) and attributes.
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'className') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

export function button(label, onClick, props = {}) {
  return el('button', { type: 'button', text: label, onclick: onClick, ...props });
}

// Opens a modal dialog and gives focus back to where it was when the dialog closes.
export function showDialog(dlg) {
  if (dlg.open) return;
  const before = document.activeElement;
  dlg.addEventListener('close', () => {
    if (before && before.isConnected && typeof before.focus === 'function') before.focus();
  }, { once: true });
  dlg.showModal();
}

// A dialog with a form. Enter submits (Shift+Enter is a new line in a multi-line field), Escape and
// the cancel button close without sending; what was typed survives an accidental close as a draft
// until it is sent. An error is shown in the user's language beside the field it names.
export function runDialog(id, prepare, submit) {
  const dlg = $(id);
  const form = dlg.querySelector('form');
  const err = form.querySelector('.error');
  const draftKey = `draft:${state.user ? state.user.id : ''}:${id}`;  // one person's drafts are theirs only
  err.textContent = '';
  for (const s of form.querySelectorAll('.status')) s.textContent = '';
  form.reset();
  clearInvalid(form);
  if (prepare) prepare(form);
  restoreDraft(form, draftKey);
  // Cancel buttons never submit: the form's default button (Enter) is the one that sends.
  for (const b of form.querySelectorAll('button[value="cancel"]')) {
    b.type = 'button';
    b.onclick = () => dlg.close('cancel');
  }
  form.oninput = () => saveDraft(form, draftKey);
  form.onkeydown = (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.target.tagName === 'TEXTAREA') {
      ev.preventDefault();
      form.requestSubmit();
    }
  };
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    clearInvalid(form);
    try {
      await submit(form);
      sessionStorage.removeItem(draftKey);
      dlg.close('ok');
    } catch (e) {
      if (e.keepOpen) return;
      showFieldError(form, e);
    }
  };
  showDialog(dlg);
}

function clearInvalid(form) {
  for (const x of form.querySelectorAll('[aria-invalid]')) { x.removeAttribute('aria-invalid'); x.removeAttribute('aria-describedby'); }
  for (const x of form.querySelectorAll('.field-error')) x.remove();
}

// Shows an error beside the field it names (and in the form's error line, naming the field), marks
// the field and moves the focus there.
export function showFieldError(form, e) {
  clearInvalid(form);
  const text = errText(e);
  // A check of the client's own says what is wrong; the line at the bottom also says where.
  const label = e.field && !e.code ? fieldLabel(e.field, lang) : '';
  form.querySelector('.error').textContent = label && label !== e.field ? `${label}${lang === 'en' ? ': ' : '：'}${text}` : text;
  const at = e.field && form.querySelector(`[data-field="${CSS.escape(e.field)}"]`);
  if (!at) return;
  at.setAttribute('aria-invalid', 'true');
  const note = el('span', { className: 'field-error', id: `err-${Math.random().toString(36).slice(2)}`, text });
  (at.closest('label') || at).after(note);
  at.setAttribute('aria-describedby', note.id);
  at.focus();
}

function saveDraft(form, key) {
  const values = {};
  for (const x of form.elements) if (x.name && x.type !== 'checkbox' && x.type !== 'file') values[x.name] = x.value;
  sessionStorage.setItem(key, JSON.stringify(values));
}

function restoreDraft(form, key) {
  let values = null;
  try { values = JSON.parse(sessionStorage.getItem(key) || 'null'); } catch { values = null; }
  if (!values) return;
  for (const x of form.elements) {
    if (!x.name || !(x.name in values) || x.type === 'file') continue;
    x.value = values[x.name];
    if (x.tagName === 'SELECT') x.dispatchEvent(new Event('change'));  // dependent fields follow
  }
}

// A check before sending, in the user's language, naming the field as the server would.
export function fieldError(field, key, vars) {
  return Object.assign(new Error(t(key, vars)), { field });
}

// Asks before something that cannot be undone, saying what will happen, in the user's language
// (an in-page dialog: the browser's own confirm box speaks the browser's language). The safe answer
// has the focus. Resolves true to go ahead.
export function confirmIrreversible(text, { title = t('confirm_title'), action = t('confirm_go') } = {}) {
  const dlg = $('dlg-confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = action;
  dlg.returnValue = '';
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    showDialog(dlg);
  });
}

// A link with a button that copies it; the button says when it is copied.
export function copyableLink(url) {
  const code = el('code', { className: 'link-text', text: url });
  const copy = button(t('copy'), async () => {
    try {
      await navigator.clipboard.writeText(url);
      copy.textContent = t('copied');
    } catch {
      // No clipboard (an insecure origin, a refused permission): select the text for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      copy.textContent = t('copy_select');
    }
    setTimeout(() => { copy.textContent = t('copy'); }, 2500);
  }, { className: 'small secondary', 'aria-label': t('copy_link') });
  return el('span', { className: 'copyable' }, code, ' ', copy);
}

// Runs `fn`, showing an error in `where` (an element) in the user's language.
export function guarded(where, fn) {
  return async (...args) => {
    if (where) { where.textContent = ''; where.classList.remove('ok'); }
    try { return await fn(...args); } catch (e) { if (where) where.textContent = errText(e); else reportError(e); return undefined; }
  };
}

// An error with nowhere better to go: the header's status line, in the user's language.
export function reportError(e) {
  const n = $('notice');
  if (n) { n.textContent = errText(e); n.dataset.kind = 'error'; }
}
