// Unit tests of the browser client's pure logic (web-client/js/logic.js), under Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as L from '../../web-client/js/logic.js';

test('who hears the live room in a joint session and in a caucus', () => {
  for (const side of ['petitioner', 'respondent', 'neutral']) assert.equal(L.hears('joint', side), true);
  assert.equal(L.hears('petitioner', 'petitioner'), true);
  assert.equal(L.hears('petitioner', 'neutral'), true);
  assert.equal(L.hears('petitioner', 'respondent'), false);
  assert.equal(L.hears('respondent', 'petitioner'), false);
});

test('each pair of participants connects once', () => {
  assert.equal(L.offersTo('12', '9'), true);
  assert.equal(L.offersTo('9', '12'), false);  // numeric, not string, comparison
  assert.equal(L.offersTo('7', '7'), false);
});

test('rates and filters', () => {
  assert.equal(L.percent(0.98821), '98.8%');
  assert.equal(L.percent(null), '—');
  assert.equal(L.percent(0), '0.0%');
  assert.deepEqual(L.caseFilter(), {});
  assert.deepEqual(L.caseFilter({ q: '  工资 ', status: 'closed', inbox: true, week: true }),
    { q: '工资', status: 'closed', inbox: true, due_within_days: 7 });
});

test('the actions offered follow the case and the role', () => {
  const registered = { status: 'registered', accepted_at: null, paused: false, evaluation: null };
  assert.ok(L.availableActions(registered, 'mediator').includes('triage_accept'));
  assert.ok(!L.availableActions(registered, 'mediator').includes('extend'));
  assert.ok(L.availableActions(registered, 'leader').includes('extend'));
  assert.ok(L.availableActions({ ...registered, paused: true }, 'mediator').includes('resume'));
  const closed = { status: 'closed', accepted_at: 'x', evaluation: null };
  const acts = L.availableActions(closed, 'petition_officer');
  assert.ok(acts.includes('evaluate') && acts.includes('audit') && !acts.includes('close'));
  assert.ok(!L.availableActions({ ...closed, evaluation: { value: 'satisfied' } }, 'mediator').includes('evaluate'));
});

test('who still has to sign the current version', () => {
  const a = { current: { content: { parties: [{}, {}, {}] } },
    signatures: [{ version: 2, role: 'party', party: 1 }, { version: 1, role: 'party', party: 0 }, { version: 2, role: 'mediator' }] };
  assert.deepEqual(L.unsignedParties(a, 2), { parties: [0, 2], mediator: false });
  assert.deepEqual(L.unsignedParties(a, 1), { parties: [1, 2], mediator: true });
});

// The identifier checks agree with the server's on the shared vectors (tests/protocol/identifiers.json).
test('identifiers: the same vectors as the server', async () => {
  const ids = await import('../../web-client/js/identifiers.js');
  const { readFileSync } = await import('node:fs');
  const v = JSON.parse(readFileSync(new URL('../protocol/identifiers.json', import.meta.url)));
  const today = new Date(Date.UTC(2026, 11, 2));
  const checks = {
    resident_id: (s) => ids.validResidentId(s, today),
    mobile: ids.validMobile,
    landline: ids.validLandline,
    credit_code: ids.validCreditCode,
  };
  for (const [kind, valid] of Object.entries(checks)) {
    assert.ok(v[kind].valid.length > 0);
    for (const s of v[kind].valid) assert.equal(valid(s), true, `${kind} ${s} should be valid`);
    for (const s of v[kind].invalid) assert.equal(valid(s), false, `${kind} ${s} should be invalid`);
  }
});

// Every error code reads in both languages; the field at fault is named as a person reads it.
test('errors: every code and field in the user\'s language', async () => {
  const { errorText, fieldLabel } = await import('../../web-client/js/errors.js');
  const codes = ['bad_request', 'unknown_type', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'too_large',
    'rate_limited', 'internal', 'disconnected'];
  for (const code of codes) {
    const zh = errorText({ code, message: 'some English text' }, 'zh');
    assert.match(zh, /[\u4e00-\u9fff]/, code);
    assert.doesNotMatch(zh, /some English text/, code);
    assert.ok(errorText({ code }, 'en').length > 0);
  }
  assert.equal(fieldLabel('parties[1].id_number'), '第2位当事人的身份证号码或统一社会信用代码');
  assert.equal(fieldLabel('parties[1].id_number', 'en'), 'Party 2: ID number or credit code');
  assert.equal(errorText({ code: 'bad_request', field: 'title', message: "field 'title' must not be empty" }), '标题必须填写');
  assert.equal(errorText({ code: 'too_large', field: 'title', message: "field 'title' is longer than 200 characters" }),
    '标题不能超过 200 个字');
  assert.match(errorText({ code: 'bad_request', field: 'parties[0].phone',
    message: "field 'parties[0].phone' must be a mainland mobile (13800138000) or landline (010-12345678) number" }),
  /^第1位当事人的电话应为手机号/);
  assert.equal(errorText({ code: 'conflict', message: 'the case is closed' }), '当前状态不允许此操作：案件已办结');
  assert.equal(errorText({ code: 'conflict', message: 'the case is closed' }, 'en'), 'This is not possible now: the case is closed');
});

test('addresses: every view has one, and they read back', () => {
  for (const [hash, route] of [
    ['#/cases/123', { view: 'case', id: '123', agreements: false }],
    ['#/cases/123/agreements', { view: 'case', id: '123', agreements: true }],
    ['#/calendar/2026-12', { view: 'calendar', month: '2026-12' }],
    ['#/calendar', { view: 'calendar', month: null }],
    ['#/stats', { view: 'stats' }],
    ['#/meetings/45', { view: 'meeting', id: '45' }],
    ['', { view: 'cases' }],
    ['#/cases/abc', { view: 'cases' }],
    ['#/calendar/2026-13', { view: 'cases' }],
  ]) {
    assert.deepEqual(L.parseRoute(hash), route, hash);
    if (route.view !== 'cases' || hash === '') assert.deepEqual(L.parseRoute(L.routeAddress(route)), route, hash);
  }
});

test('times in the network zone, whatever the machine\'s', () => {
  // 2026-12-02 07:10 in Beijing is 2026-12-01 23:10 UTC.
  assert.equal(new Date(L.zonedToUtc('2026-12-02T07:10', 'Asia/Shanghai')).toISOString(), '2026-12-01T23:10:00.000Z');
  assert.equal(new Date(L.zonedToUtc('2026-12-01', 'Asia/Shanghai')).toISOString(), '2026-11-30T16:00:00.000Z');
  assert.equal(L.utcToZoned(Date.parse('2026-12-01T23:10:00Z'), 'Asia/Shanghai'), '2026-12-02T07:10');
  // Across a change of offset (Auckland moves to daylight time on 2026-09-27).
  assert.equal(new Date(L.zonedToUtc('2026-10-01T09:00', 'Pacific/Auckland')).toISOString(), '2026-09-30T20:00:00.000Z');
  assert.equal(L.addMonths('2026-12', 1), '2027-01');
  assert.equal(L.addMonths('2027-01', -1), '2026-12');
  assert.equal(L.tabTitle('调解网络', 0), '调解网络');
  assert.equal(L.tabTitle('调解网络', 3), '(3) 调解网络');
  assert.equal(L.mentions('请 @王芳 看一下', '王芳'), true);
  assert.equal(L.mentions('请王芳看一下', '王芳'), false);
});

// The client is modules only: no classic script of ours, no global set, no function replaced at run time.
test('the client is ES modules that patch nothing', async () => {
  const { readFileSync, readdirSync, statSync } = await import('node:fs');
  const path = await import('node:path');
  const root = new URL('../../web-client/', import.meta.url).pathname;
  for (const page of ['index.html', 'sign.html', 'evaluate.html']) {
    const html = readFileSync(path.join(root, page), 'utf8');
    for (const m of html.matchAll(/<script([^>]*)>/g)) {
      if (m[1].includes('node_modules/')) continue;  // a third-party package (Chart.js)
      assert.match(m[1], /type="module"/, `${page}: ${m[0]}`);
    }
  }
  const files = [];
  const walk = (d) => { for (const f of readdirSync(d)) { const p = path.join(d, f); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.js')) files.push(p); } };
  walk(path.join(root, 'js'));
  assert.ok(files.length >= 15);
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(src, /\bwindow\.[A-Za-z_]+\s*=[^=]/, `${f} sets a global`);
    assert.doesNotMatch(src, /eslint-disable/, `${f} switches a lint rule off`);
    if (!f.includes('/pages/')) assert.match(src, /^(import|export) /m, `${f} is not a module`);  // pages are entries, loaded as modules
  }
  assert.deepEqual(readdirSync(root).filter((f) => f.endsWith('.js')), [], 'scripts outside js/');
});
