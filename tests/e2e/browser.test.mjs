// End-to-end: the browser client against a real server (SQLite, 127.0.0.1), in headless Chromium.
// Two browsers chat live; a hand-over from the petition office is accepted by the committee in
// another browser; after a server restart the client resumes with no gap and no duplicate; the
// Chinese interface renders (screenshots kept under build/test-artifacts/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, serverBin, startServer as startOwnServer, stopServer, launchChromium, checkA11y } from './support.mjs';

let dir, server, port, browser;

// The tests' server keeps the accounts only; `listen` is 127.0.0.1:0 or, after a restart, the same port.
const startServer = (listen) => startOwnServer(dir, listen);

before(async () => {
  assert.ok(serverBin, 'MEDIATION_SERVER_BIN must name the server binary');
  dir = mkdtempSync(path.join(tmpdir(), 'mediation-e2e-'));
  ({ child: server, port } = await startServer('127.0.0.1:0'));
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await stopServer(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function loginAs(username) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'mediate');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#conn-state[data-state=online]');
  return page;
}

async function seqs(page) {
  return page.$$eval('#timeline li[data-seq]', (lis) => lis.map((li) => Number(li.dataset.seq)));
}

test('a wrong password is refused in Chinese', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.fill('input[name=username]', 'officer.li');
  await page.fill('input[name=password]', 'wrong');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login-error:text("用户名或密码错误")');
  await context.close();
});

test('forms respect people: Enter sends, Escape keeps a draft, errors by the field in Chinese, times in the network zone', async () => {
  // A browser far east of the network (UTC+13): times must still read as in Beijing.
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN',
    timezoneId: 'Pacific/Auckland' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.fill('input[name=username]', 'officer.sun');
  await page.fill('input[name=password]', 'mediate');
  await page.press('input[name=password]', 'Enter');
  await page.waitForSelector('#conn-state[data-state=online]');

  await page.click('#new-case');
  await page.fill('#case-form input[name=title]', '按回车登记的案件');
  await page.fill('#case-form input[name=petitioner]', '王五');
  await page.fill('#case-form input[name=petitioner_phone]', 'abc');
  // Enter in a one-line field sends (it used to act as 取消 and throw the form away): checked first.
  await page.press('#case-form input[name=petitioner_phone]', 'Enter');
  await page.waitForSelector('#dlg-case[open] .error:text("电话应为手机号")');
  assert.equal(await page.getAttribute('#case-form input[name=petitioner_phone]', 'aria-invalid'), 'true');
  await page.fill('#case-form input[name=petitioner_phone]', '138 0013 8000');
  await page.fill('#case-form input[name=petitioner_id]', '110105194912310021');  // a wrong check digit
  await page.press('#case-form input[name=petitioner_id]', 'Enter');
  await page.waitForSelector('#dlg-case[open] .error:text("校验位")');
  // Escape closes; what was typed is still there when the form opens again.
  await page.keyboard.press('Escape');
  await page.waitForSelector('#dlg-case:not([open])', { state: 'attached' });
  await page.click('#new-case');
  assert.equal(await page.inputValue('#case-form input[name=title]'), '按回车登记的案件');
  await page.fill('#case-form input[name=petitioner_id]', '11010519491231002X');
  await page.press('#case-form input[name=title]', 'Enter');
  await page.waitForSelector('#timeline li.sys >> text=登记了案件');
  assert.equal(await page.isVisible('#dlg-case'), false);
  // The draft is gone once sent.
  await page.click('#new-case');
  assert.equal(await page.inputValue('#case-form input[name=title]'), '');
  await page.click('#dlg-case button[value=cancel]');

  // The server's refusals read in Chinese, naming the field (the client's own checks bypassed).
  const refused = await requestInPage(page, { type: 'case.create', title: 't', category: 'land',
    channel: 'visit', parties: [{ role: 'petitioner', name: '甲', id_number: '123' }] });
  const said = [refused.field, await page.evaluate(async (e) => (await import('/js/i18n.js')).errText(e), refused)];
  assert.equal(said[0], 'parties[0].id_number');
  assert.match(said[1], /^第1位当事人的身份证号码/);

  // The timeline's times are Beijing times, whatever the browser's zone.
  const shown = await page.$eval('#timeline li.sys time', (el) => [el.dateTime, el.textContent]);
  const at = new Date(shown[0]);
  const beijing = `${at.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })} ` +
    at.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
  assert.equal(shown[1], beijing);
  assert.match(shown[1], /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: path.join(artifacts, 'e2e-forms-zh.png') });

  // The case has an address: reload and a new tab reopen it (the session is kept per browser), Back
  // leaves it, and a logout in one tab ends the other.
  assert.match(page.url(), /#\/cases\/\d+$/);
  const address = page.url();
  await page.reload();
  await page.waitForSelector('#conn-state[data-state=online]');
  await page.waitForSelector('#room-title:text("按回车登记的案件")');
  const tab = await context.newPage();
  await tab.goto(address);
  await tab.waitForSelector('#room-title:text("按回车登记的案件")');
  await page.goBack();
  await page.waitForSelector('#room-empty', { state: 'visible' });
  // A draft holding a party's ID number, left open in this tab...
  await page.click('#new-case');
  await page.fill('#case-form input[name=title]', '未提交的草稿');
  await page.fill('#case-form input[name=petitioner_id]', '11010519491231002X');
  await page.keyboard.press('Escape');
  await tab.click('#logout');
  await page.waitForSelector('#login-view', { state: 'visible' });
  // ...is not there for the next person who signs in at this screen.
  await page.fill('input[name=username]', 'officer.li');
  await page.fill('input[name=password]', 'mediate');
  await page.press('input[name=password]', 'Enter');
  await page.waitForSelector('#conn-state[data-state=online]');
  await page.click('#new-case');
  assert.equal(await page.inputValue('#case-form input[name=title]'), '');
  assert.equal(await page.inputValue('#case-form input[name=petitioner_id]'), '');
  assert.equal(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('draft:')).length), 0);
  await context.close();
});

test('register, chat live, hand over and accept, resume after a restart', async () => {
  const li = await loginAs('officer.li');
  assert.match(await li.textContent('#who'), /李明/);

  await li.click('#new-case');
  await li.fill('#case-form input[name=title]', '拖欠农民工工资');
  await li.fill('#case-form input[name=petitioner]', '张三');
  await li.fill('#case-form input[name=respondent]', '某建筑公司');
  await li.fill('#case-form textarea[name=description]', '某建筑公司拖欠12名工人三个月工资。');
  await li.click('#case-form button[value=ok]');
  await li.waitForSelector('#timeline li.sys >> text=登记了案件');

  // A second browser: the leader of the same bureau sees the case and chats live.
  const zhao = await loginAs('leader.zhao');
  await zhao.click('.case-item >> text=拖欠农民工工资');
  await zhao.waitForSelector('#timeline li.sys >> text=登记了案件');
  await li.fill('#message', '请赵主任关注此案。');
  await li.press('#message', 'Enter');
  await zhao.waitForSelector('#timeline li.msg >> text=请赵主任关注此案。');
  await zhao.fill('#message', '收到，明天约谈双方。');
  await zhao.press('#message', 'Enter');
  await li.waitForSelector('#timeline li.msg:not(.pending) >> text=收到，明天约谈双方。');

  // Hand-over to the labour committee, accepted in a third browser.
  await li.click('#act-handoff');
  await li.selectOption('#dlg-handoff select[name=to_org]', { label: '劳动争议调解委员会' });
  await li.fill('#dlg-handoff textarea[name=note]', '请劳动调委会调处');
  await li.click('#dlg-handoff button[value=ok]');
  await li.waitForSelector('#timeline li.sys >> text=交办至 劳动争议调解委员会');
  const zhang = await loginAs('committee.zhang');
  await zhang.click('.case-item >> text=拖欠农民工工资');
  await zhang.waitForSelector('#act-accept:visible');
  await zhang.click('#act-accept');
  await li.waitForSelector('#timeline li.sys >> text=已受理');
  await zhao.waitForSelector('#timeline li.sys >> text=已受理');
  await li.screenshot({ path: path.join(artifacts, 'e2e-case-room-zh.png') });

  // The server restarts on the same port; the clients reconnect and resume with since.
  const before = await seqs(zhao);
  assert.equal(await stopServer(server), 0);
  await zhao.waitForSelector('#conn-state[data-state=offline]');
  ({ child: server } = await startServer(`127.0.0.1:${port}`));
  await li.waitForSelector('#conn-state[data-state=online]', { timeout: 20000 });
  await zhao.waitForSelector('#conn-state[data-state=online]', { timeout: 20000 });
  await li.fill('#message', '重启之后继续。');
  await li.press('#message', 'Enter');
  await zhao.waitForSelector('#timeline li.msg >> text=重启之后继续。');
  const afterSeqs = await seqs(zhao);
  assert.deepEqual(afterSeqs, afterSeqs.slice().sort((a, b) => a - b), 'in seq order');
  assert.equal(new Set(afterSeqs).size, afterSeqs.length, 'no duplicate');
  assert.deepEqual(afterSeqs, Array.from({ length: afterSeqs.length }, (_, i) => i + 1), 'no gap');
  assert.equal(afterSeqs.length, before.length + 1);

  // English is one click away.
  await zhao.click('#lang');
  await zhao.waitForSelector('#act-handoff:text("Hand over")');
  await zhao.waitForSelector('#timeline li.sys >> text=registered case');
  await zhao.waitForSelector('#conn-state:text("Connected")');
  await zhao.screenshot({ path: path.join(artifacts, 'e2e-case-room-en.png') });
  for (const p of [li, zhao, zhang]) assert.deepEqual(p.errors, []);
});

// One request over a fresh WebSocket from inside `page`, with the session the page keeps; the reply
// frame (ok or error) as it came.
async function requestInPage(page, frame) {
  return page.evaluate(async (frame) => {
    const { token } = JSON.parse(localStorage.getItem('session'));
    const ws = new WebSocket(`ws://${location.host}/ws`);
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    const replies = new Map();
    ws.onmessage = (m) => { const f = JSON.parse(m.data); if (f.rid) replies.set(f.rid, f); };
    ws.send(JSON.stringify({ type: 'auth', token, rid: 'a' }));
    ws.send(JSON.stringify({ ...frame, rid: 'b' }));
    for (let i = 0; i < 200 && !replies.has('b'); i++) await new Promise((r) => setTimeout(r, 25));
    ws.close();
    return replies.get('b');
  }, frame);
}

// Sends requests over a fresh WebSocket from inside `page` (the browser's own WebSocket), as `username`.
async function protocolAs(page, username, requests) {
  return page.evaluate(async ({ username, requests }) => {
    const login = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: 'mediate' }) });
    const { token } = await login.json();
    const ws = new WebSocket(`ws://${location.host}/ws`);
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    const replies = new Map();
    ws.onmessage = (m) => { const f = JSON.parse(m.data); if (f.rid) replies.set(f.rid, f); };
    const call = async (frame) => {
      const rid = String(Math.random());
      ws.send(JSON.stringify({ ...frame, rid }));
      for (let i = 0; i < 200 && !replies.has(rid); i++) await new Promise((r) => setTimeout(r, 25));
      return replies.get(rid);
    };
    const out = [await call({ type: 'auth', token })];
    let last = null;
    for (const r of requests) {
      // "$case" stands for the id of the case the previous reply carried.
      const frame = JSON.parse(JSON.stringify(r).replaceAll('"$case"', JSON.stringify(last?.case?.id ?? null)));
      last = await call(frame);
      out.push(last);
    }
    ws.close();
    return out;
  }, { username, requests });
}

test('a petitioner evaluates a closed case through the one-time link', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true,
    hasTouch: true, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/favicon.svg`);
  const replies = await protocolAs(page, 'mediator.wang', [
    { type: 'case.create', title: '邻里噪音纠纷', category: 'family_neighbour', channel: 'visit',
      parties: [{ role: 'petitioner', name: '赵六' }] },
    { type: 'case.triage', case: '$case', decision: 'accept' },
    { type: 'case.close', case: '$case', outcome: 'mediated', note: '双方达成谅解' },
    { type: 'case.evaluation_link', case: '$case' },
  ]);
  for (const r of replies) assert.equal(r.type, 'ok', JSON.stringify(r));
  const link = replies[4];
  await page.goto(`http://127.0.0.1:${port}${link.url}`);
  await page.waitForSelector('#case-title:text("邻里噪音纠纷")');
  await page.screenshot({ path: path.join(artifacts, 'e2e-evaluation-zh.png') });
  await checkA11y(page, 'the evaluation page on a phone');
  await page.check('input[value=basically_satisfied]');
  await page.fill('textarea[name=comment]', '处理及时');
  await page.click('#form button[type=submit]');
  await page.waitForSelector('#message:text("感谢您的评价，已记录。")');
  // The link works once.
  await page.reload();
  await page.waitForSelector('#message:text("此链接已使用或已过期。")');
  const check = await protocolAs(page, 'mediator.wang', [{ type: 'case.get', case: link.case.id }]);
  assert.equal(check[1].case.evaluation.value, 'basically_satisfied');
  assert.equal(check[1].case.evaluation.comment, '处理及时');
  assert.deepEqual(errors, []);
  await context.close();
});

async function drawSignature(page, selector) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 15, box.y + box.height / 2 + (i % 2 ? -15 : 15));
  await page.mouse.up();
}

test('an agreement is drafted, signed on the device and by link, sealed, verified and printed', async () => {
  const wang = await loginAs('mediator.wang');
  const made = await protocolAs(wang, 'mediator.wang', [
    { type: 'case.create', title: '农民工工资协议', category: 'labour_wages', channel: 'visit',
      parties: [{ role: 'petitioner', name: '钱七' }, { role: 'respondent', name: '某劳务公司' }] },
  ]);
  const kase = made[1].case;
  await wang.reload();
  await wang.waitForSelector('#conn-state[data-state=online]');
  await wang.click(`.case-item[data-case-id="${kase.id}"]`);
  await wang.click('#act-agreement');
  await wang.click('#ag-new');
  // The labour template prefills the text; the parties come from the case.
  await wang.waitForSelector('#dlg-agreement-edit[open]');
  assert.equal(await wang.inputValue('#ag-parties .party-row:nth-child(1) [name=name]'), '钱七');
  // Saved with the template's blanks (＿＿) still in it: a draft, but nobody may sign it yet.
  await wang.click('#dlg-agreement-edit button[value=ok]');
  await wang.waitForSelector('#ag-status:has-text("草稿")');
  await wang.waitForSelector('#ag-blanks:has-text("仍有空白")');
  assert.equal(await wang.locator('#ag-actions button:has-text("签名")').count(), 0);
  // A new version fills them: the facts, a clause over two lines (Shift+Enter), and a date for the
  // clause to perform; the waiver needs none.
  await wang.click('#ag-actions button:has-text("修改")');
  await wang.waitForSelector('#dlg-agreement-edit[open]');
  await wang.fill('#dlg-agreement-edit textarea[name=facts]', '申请人于2026年3月至2026年5月在被申请人处工作，被申请人拖欠工资9000元。');
  const clause = wang.locator('#ag-term-rows .term-row:nth-child(1) textarea[name=text]');
  await clause.fill('被申请人向申请人支付拖欠工资人民币9000元');
  await clause.press('Shift+Enter');
  await clause.type('分两期支付');
  await wang.fill('#ag-term-rows .term-row:nth-child(1) [name=deadline]', '2027-03-31');
  await wang.click('#dlg-agreement-edit button[value=ok]');
  await wang.waitForSelector('#ag-status:has-text("第 2 版")');
  await wang.waitForSelector('#ag-blanks', { state: 'hidden' });
  await wang.waitForSelector('#ag-text:has-text("被申请人向申请人支付拖欠工资")');
  // The clause keeps its two lines.
  assert.match(await wang.textContent('#ag-text'), /9000元\n分两期支付/);
  // The petitioner signs on this device.
  await wang.click('#ag-actions button:has-text("钱七 签名")');
  await drawSignature(wang, '#ag-pad');
  await wang.check('#ag-confirm');
  await wang.click('#ag-sign-ok');
  // The panel re-renders once the signature is stored: 钱七 is no longer missing.
  await wang.waitForFunction(() => {
    const m = document.querySelector('#ag-missing').textContent;
    return m.includes('某劳务公司') && !m.includes('钱七');
  });
  // The respondent signs through a one-time link in another browser.
  await wang.click('#ag-actions button:has-text("签署链接 · 某劳务公司")');
  await wang.waitForSelector('#ag-output:has-text("http")');
  const link = (await wang.textContent('#ag-output')).match(/http\S+/)[0];
  const party = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    bypassCSP: true });  // axe-core is injected as an inline script
  await party.goto(link);
  await party.waitForSelector('#party:text("某劳务公司")');
  await checkA11y(party, 'the signing page on a phone');
  await party.screenshot({ path: path.join(artifacts, 'e2e-sign-phone-zh.png'), fullPage: true });
  await drawSignature(party, '#pad');
  await party.check('input[name=confirmed]');
  await party.click('#form button[type=submit]');
  await party.waitForSelector('#message:text("签署成功，谢谢。")');
  await party.close();
  // The mediator's open panel follows at once: the respondent has signed, by link.
  await wang.waitForSelector('#ag-signers li.signed:has-text("某劳务公司"):has-text("链接签署")');
  await wang.waitForSelector('#ag-missing:has-text("调解员")');
  await wang.click('#ag-actions button:has-text("调解员签名")');
  // Sealing cannot be undone: an in-page dialog, in Chinese, says what it does; the safe answer has the focus.
  await wang.click('#ag-actions button:has-text("盖章生效")');
  await wang.waitForSelector('#dlg-confirm[open] #confirm-text:has-text("协议即生效，内容不能再修改")');
  assert.equal(await wang.evaluate(() => document.activeElement.value), 'cancel');
  await wang.click('#confirm-ok');
  await wang.waitForSelector('#ag-status:has-text("已生效")');
  // What sealing means is said: in force, and until when the parties may seek judicial confirmation.
  await wang.waitForSelector('#ag-done:has-text("盖章生效"):has-text("申请司法确认")');
  await wang.waitForSelector('#ag-terms li:has-text("待履行")');
  await wang.click('#ag-actions button:has-text("校验")');
  await wang.waitForSelector('#ag-output:has-text("校验通过")');
  await wang.screenshot({ path: path.join(artifacts, 'e2e-agreement-zh.png') });
  // The thread tells the story, and the printable page carries the text and the hash.
  await wang.click('#dlg-agreement button[value=cancel]');
  await wang.waitForSelector('#timeline li.sys:has-text("已生效")');
  const list = await protocolAs(wang, 'mediator.wang', [{ type: 'agreement.list', case: kase.id }]);
  const agreement = list[1].agreements[0];
  assert.equal(agreement.status, 'in_force');
  assert.equal(agreement.signatures.length, 4);
  const html = await wang.evaluate(async (id) => {
    const r = await fetch(`/api/agreements/${id}/print`, { headers: { Authorization: 'Bearer ' + JSON.parse(localStorage.getItem('session')).token } });
    return r.text();
  }, agreement.id);
  assert.match(html, /人民调解协议书/);
  assert.ok(html.includes(agreement.hash));
  const printPage = await browser.newPage();
  await printPage.setContent(html);
  await printPage.screenshot({ path: path.join(artifacts, 'e2e-agreement-print-zh.png'), fullPage: true });
  await printPage.close();
  assert.deepEqual(wang.errors, []);
});

test('a session is scheduled, answered, exported and joined with video by an officer and a guest lawyer', async () => {
  const li = await loginAs('officer.li');
  const zhao = await loginAs('leader.zhao');
  const inFive = new Date(Date.now() + 5 * 60000);
  const made = await protocolAs(li, 'officer.li', [
    { type: 'case.create', title: '远程联合调解', category: 'labour_wages', channel: 'visit', parties: [] },
    { type: 'meeting.schedule', case: '$case', title: '远程联合调解会', start: inFive.toISOString(),
      end: new Date(inFive.getTime() + 3600000).toISOString(), place: '市信访局三楼', remote: true,
      participants: [{ name: '当事人张三', phone: '13812345678', side: 'respondent' }] },
  ]);
  // Schedule through the form as well: the leader is a participant.
  const kase = made[1].case;
  await li.reload();
  await li.waitForSelector('#conn-state[data-state=online]');
  await li.click(`.case-item[data-case-id="${kase.id}"]`);
  await li.click('#act-meeting');
  // People are picked from a search box as chips: typing a name and Enter.
  await li.fill('#mt-search', '赵国');
  await li.waitForSelector('#mt-matches li:has-text("赵国强")');
  await li.press('#mt-search', 'Enter');
  await li.waitForSelector('#mt-chips .chip:has-text("赵国强")');
  assert.equal(await li.isVisible('#dlg-meeting'), true, 'Enter in the search box picks a person, it does not send');
  // A lawyer takes part on a side the organiser chooses: never neutral (and reading the staff's
  // discussion) by default.
  await li.fill('#mt-search', '陈静');
  await li.press('#mt-search', 'Enter');
  await li.waitForSelector('#mt-chips .chip:has-text("陈静") select');
  await li.fill('#dlg-meeting input[name=title]', '案情会商');
  const later = new Date(Date.now() + 2 * 86400000);
  later.setHours(10, 0, 0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  await li.fill('#dlg-meeting input[name=start]',
    `${later.getFullYear()}-${pad(later.getMonth() + 1)}-${pad(later.getDate())}T10:00`);
  await li.click('#dlg-meeting button[value=ok]');
  await li.waitForSelector('#dlg-meeting[open] .field-error:has-text("请为 陈静 选择身份")');
  await li.selectOption('#mt-chips .chip:has-text("陈静") select', 'respondent');
  await li.click('#dlg-meeting button[value=ok]');
  await li.waitForSelector('#timeline li.sys:has-text("案情会商")');
  // On a party's side she has the case's summary only, never the internal thread.
  const chenView = await protocolAs(li, 'lawyer.chen', [{ type: 'case.get', case: kase.id }]);
  assert.equal(chenView[1].case.view, 'party');
  // The leader answers in the calendar; the organiser's calendar shows it.
  await zhao.click('#open-calendar');
  await zhao.waitForSelector('.meeting-item:has-text("案情会商")');
  await zhao.click('.meeting-item:has-text("案情会商") button:has-text("接受")');
  await zhao.waitForSelector('.meeting-item:has-text("案情会商"):has-text("赵国强（已接受）")');
  await zhao.screenshot({ path: path.join(artifacts, 'e2e-calendar-zh.png') });
  // The .ics file parses with a real iCalendar parser.
  const ics = await li.evaluate(async (url) => (await fetch(url, { headers: { Authorization: 'Bearer ' + JSON.parse(localStorage.getItem('session')).token } })).text(),
    made[2].meeting.ics);
  const ICAL = (await import('ical.js')).default;
  const vcal = new ICAL.Component(ICAL.parse(ics));
  const vevent = vcal.getFirstSubcomponent('vevent');
  assert.equal(vcal.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(vevent.getFirstPropertyValue('summary'), '远程联合调解会');
  assert.equal(vevent.getFirstPropertyValue('uid'), `meeting-${made[2].meeting.id}@mediation.network`);
  assert.equal(vevent.getFirstPropertyValue('sequence'), 0);
  assert.ok(vcal.getFirstSubcomponent('vtimezone'));
  assert.equal(vevent.getFirstProperty('dtstart').getParameter('tzid'), 'Asia/Shanghai');
  // With the file's own VTIMEZONE, the local start converts back to the stored UTC instant.
  ICAL.TimezoneService.register(vcal.getFirstSubcomponent('vtimezone'));
  const parsed = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent').getFirstPropertyValue('dtstart');
  assert.equal(parsed.toJSDate().getTime(), Math.floor(Date.parse(made[2].meeting.start) / 1000) * 1000);
  assert.equal(vevent.getAllSubcomponents('valarm').length, 2);
  assert.ok(vevent.getAllProperties('attendee').some((a) => a.getParameter('partstat') === 'ACCEPTED'));

  // A lawyer joins as a guest through the invitation link; both have video from the other.
  const invite = await protocolAs(li, 'officer.li', [{ type: 'meeting.invite_guest', meeting: made[2].meeting.id,
    name: '陈律师', side: 'petitioner' }]);
  const guestContext = await browser.newContext({ viewport: { width: 1000, height: 800 }, locale: 'zh-CN' });
  const guest = await guestContext.newPage();
  await guest.goto(`http://127.0.0.1:${port}${invite[1].url}`);
  await guest.waitForSelector('#conn-state[data-state=online]');
  await guest.waitForSelector(`.case-item[data-case-id="${kase.id}"]`);
  assert.equal(await guest.locator('.case-item').count(), 1, 'the guest sees the invited case only');
  // The guest is on a party's side: only the thread shared with the parties. The officer's remark in
  // the internal discussion never shows there; the two places look different.
  await guest.click(`.case-item[data-case-id="${kase.id}"]`);
  await guest.waitForSelector('#room-body[data-place="parties"]');
  assert.equal(await guest.locator('#place-internal').isHidden(), true);
  await guest.fill('#message', '我是申请人的代理律师');
  await guest.press('#message', 'Enter');
  await guest.waitForSelector('#timeline li.msg:not(.pending):has-text("我是申请人的代理律师")');
  await li.waitForSelector('#room-body[data-place="internal"]');
  await li.fill('#message', '内部：对方律师较强势');
  await li.press('#message', 'Enter');
  await li.waitForSelector('#timeline li.msg:not(.pending):has-text("内部：对方律师较强势")');
  await li.screenshot({ path: path.join(artifacts, 'e2e-internal-thread-zh.png') });
  await li.click('#place-parties');
  await li.waitForSelector('#room-body[data-place="parties"] #timeline li.msg:has-text("我是申请人的代理律师")');
  assert.equal(await li.locator('#timeline li:has-text("对方律师较强势")').count(), 0);
  await li.fill('#message', '请明天上午九点准时参会');
  await li.press('#message', 'Enter');
  await guest.waitForSelector('#timeline li.msg:has-text("请明天上午九点准时参会")');
  assert.equal(await guest.locator('#timeline li:has-text("对方律师较强势")').count(), 0, 'the guest read a staff remark');
  await li.screenshot({ path: path.join(artifacts, 'e2e-parties-thread-zh.png') });
  await guest.screenshot({ path: path.join(artifacts, 'e2e-guest-parties-thread-zh.png') });
  await li.click('#place-internal');
  await li.waitForSelector('#room-body[data-place="internal"] #timeline li.msg:has-text("内部：对方律师较强势")');
  await li.keyboard.press('Escape');
  await li.click('#open-calendar');
  await li.click('.meeting-item:has-text("远程联合调解会") button:has-text("进入会议")');
  // A preview of the camera first, then the room.
  await li.waitForSelector('#dlg-room[open][data-stage=preview] #preview-state:has-text("摄像头和麦克风正常")');
  await li.click('#room-enter');
  await guest.click('#open-calendar');
  await guest.click('.meeting-item:has-text("远程联合调解会") button:has-text("进入会议")');
  await guest.click('#room-enter');
  await li.waitForSelector('#room-presence:has-text("陈律师")');
  const playing = (page) => page.waitForFunction(() => {
    const v = document.querySelector('#remote-videos video');
    return v && v.readyState >= 2 && v.videoWidth > 0;
  }, null, { timeout: 20000 });
  await Promise.all([playing(li), playing(guest)]);
  await li.screenshot({ path: path.join(artifacts, 'e2e-video-room-zh.png') });
  // The mediator holds a caucus with the respondent side: the petitioner's lawyer is cut off and hears nothing.
  await li.click('#room-caucus button[data-mode=respondent]');
  await guest.waitForSelector('#room-mode:has-text("与被申请方单独沟通")');
  await guest.waitForFunction(() => document.querySelectorAll('#remote-videos video').length === 0);
  await li.fill('#room-say', '仅对被申请方说');
  await li.click('#room-send');
  await li.waitForSelector('#room-chat li:has-text("仅对被申请方说")');
  await guest.waitForTimeout(500);
  assert.equal(await guest.locator('#room-chat li').count(), 0);
  // Back to the joint session: video again.
  await li.click('#room-caucus button[data-mode=joint]');
  await Promise.all([playing(li), playing(guest)]);
  // Escape does not drop a person out of a live meeting.
  await guest.keyboard.press('Escape');
  assert.equal(await guest.isVisible('#dlg-room'), true);
  // The meeting is cancelled: the guest's room closes, the camera goes off, and the page says why.
  await protocolAs(li, 'officer.li', [{ type: 'meeting.cancel', meeting: made[2].meeting.id, reason: '当事人改期' }]);
  await guest.waitForSelector('#dlg-room:not([open])', { state: 'attached', timeout: 20000 });
  await guest.waitForSelector('#login-error:has-text("邀请已失效")');
  assert.equal(await guest.evaluate(() => document.querySelector('#local-video').srcObject), null);
  assert.deepEqual(li.errors, []);
  await guestContext.close();
});

test("a lawyer invited as a party's representative has only the thread with the parties", async () => {
  const li = await loginAs('officer.li');
  const made = await protocolAs(li, 'officer.li', [
    { type: 'case.create', title: '代理人视角', category: 'labour_wages', channel: 'visit', parties: [] },
  ]);
  const kase = made[1].case;
  const users = await protocolAs(li, 'officer.li', [{ type: 'users.list' }]);
  const lawyer = users[1].users.find((u) => u.username === 'lawyer.chen');
  await li.reload();
  await li.waitForSelector('#conn-state[data-state=online]');
  await li.click(`.case-item[data-case-id="${kase.id}"]`);
  // The officer invites the lawyer through the dialog: the side is asked only for a representative.
  await li.click('#act-invite');
  await li.selectOption('#dlg-invite select[name=user]', lawyer.id);
  assert.equal(await li.locator('#invite-side').isHidden(), true);
  await li.selectOption('#dlg-invite select[name=capacity]', 'representative');
  await li.waitForSelector('#invite-side:not([hidden])');
  await li.selectOption('#dlg-invite select[name=side]', 'respondent');
  await li.click('#dlg-invite button[value=ok]');
  await li.waitForSelector(`#timeline li.sys:has-text("${lawyer.name}")`);
  await li.fill('#message', '内部：代理人比较强势');
  await li.press('#message', 'Enter');
  await li.waitForSelector('#timeline li.msg:not(.pending):has-text("代理人比较强势")');
  // The lawyer, on a phone, sees the case's summary and the parties' thread only.
  const chen = await loginAs('lawyer.chen');
  await chen.setViewportSize({ width: 390, height: 844 });
  await chen.click(`.case-item[data-case-id="${kase.id}"]`);
  await chen.waitForSelector('#room-body[data-place="parties"]');
  assert.equal(await chen.locator('#place-internal').isHidden(), true);
  assert.equal(await chen.locator('#room-workflow').isHidden(), true);
  assert.equal(await chen.locator('#timeline li:has-text("代理人比较强势")').count(), 0);
  await chen.fill('#message', '被申请人同意调解');
  await chen.press('#message', 'Enter');
  await chen.waitForSelector('#timeline li.msg:not(.pending):has-text("被申请人同意调解")');
  await chen.screenshot({ path: path.join(artifacts, 'e2e-representative-phone-zh.png') });
  await li.click('#place-parties');
  await li.waitForSelector('#timeline li.msg:has-text("被申请人同意调解")');
  // In English too, the two places are named for what they are.
  await li.click('#lang');
  await li.waitForSelector('#place-parties:has-text("With the parties")');
  await li.waitForSelector('#place-note:has-text("parties")');
  assert.deepEqual(li.errors, []);
  assert.deepEqual(chen.errors, []);
});

test('the workspace: inbox, search and filters, workflow actions, attachments and the statistics dashboard', async () => {
  const li = await loginAs('officer.li');
  const zhang = await loginAs('committee.zhang');
  const made = await protocolAs(li, 'officer.li', [
    { type: 'case.create', title: '建筑工地欠薪集体信访', category: 'labour_wages', channel: 'visit',
      description: '四十名农民工反映工资被拖欠', parties: [{ role: 'petitioner', name: '孙八' }] },
  ]);
  const kase = made[1].case;
  const orgs = await protocolAs(li, 'officer.li', [{ type: 'orgs.list' }]);
  const labour = orgs[1].orgs.find((o) => o.name_en === 'Labour dispute mediation committee').id;
  const handed = await protocolAs(li, 'officer.li', [{ type: 'case.handoff', case: kase.id, to_org: labour, note: '请调处' }]);
  assert.equal(handed[1].type, 'ok', JSON.stringify(handed[1]));
  // The committee's hand-over inbox shows it; search finds it by Chinese words.
  await zhang.reload();
  await zhang.waitForSelector('#conn-state[data-state=online]');
  // Handed over while the committee is looking elsewhere: a notice in its header.
  await protocolAs(li, 'officer.li', [{ type: 'case.create', title: '另一起欠薪', category: 'labour_wages', channel: 'phone' },
    { type: 'case.handoff', case: '$case', to_org: labour, note: '一并处理' }]);
  await zhang.waitForSelector('#notice:has-text("交办")');
  await zhang.check('#case-filter input[name=inbox]');
  await zhang.waitForSelector(`.case-item[data-case-id="${kase.id}"]`);
  await zhang.uncheck('#case-filter input[name=inbox]');
  await zhang.fill('#f-q', '工地欠薪');
  await zhang.waitForFunction((id) => {
    const items = [...document.querySelectorAll('.case-item')];
    return items.length === 1 && items[0].dataset.caseId === id;
  }, kase.id);
  await zhang.fill('#f-q', '');
  // Accept, then act through the actions dialog: close with an outcome and record the evaluation.
  await zhang.click(`.case-item[data-case-id="${kase.id}"]`);
  await zhang.click('#act-accept');
  await zhang.waitForSelector('#room-workflow:has-text("劳动争议调解委员会")');
  await zhang.click('#act-more');
  await zhang.selectOption('#dlg-workflow select[name=action]', 'attach');
  await zhang.setInputFiles('#dlg-workflow input[name=file]', { name: '工资表.txt', mimeType: 'text/plain',
    buffer: Buffer.from('张三 3000元\n李四 2800元\n') });
  await zhang.click('#dlg-workflow button[value=ok]');
  await zhang.waitForSelector('#timeline li.sys:has-text("工资表.txt")');
  // The city bureau supervises; the committee answers in place.
  await protocolAs(li, 'officer.li', [{ type: 'supervision.issue', case: kase.id, kind: 'supervision_letter',
    body: '请于一周内办结' }]);
  await zhang.waitForSelector('#timeline li.sys:has-text("请于一周内办结")');
  await zhang.click('#act-more');
  await zhang.selectOption('#dlg-workflow select[name=action]', 'answer_supervision');
  await zhang.fill('#dlg-workflow textarea[name=text]', '已组织双方调解');
  await zhang.click('#dlg-workflow button[value=ok]');
  await zhang.waitForSelector('#timeline li.sys:has-text("已组织双方调解")');
  await zhang.click('#act-more');
  await zhang.selectOption('#dlg-workflow select[name=action]', 'close');
  await zhang.selectOption('#dlg-workflow select[name=outcome]', 'mediated');
  await zhang.fill('#dlg-workflow textarea[name=text]', '用人单位当场支付');
  // Closing cannot be undone: the browser asks first, saying what will happen.
  await zhang.click('#dlg-workflow button[value=ok]');
  await zhang.waitForSelector('#dlg-confirm[open] #confirm-text:has-text("办结后案件不能再交办")');
  // Changing one's mind (Escape) changes nothing, and the form is still there.
  await zhang.keyboard.press('Escape');
  await zhang.waitForSelector('#dlg-confirm:not([open])', { state: 'attached' });
  assert.equal(await zhang.isVisible('#dlg-workflow'), true);
  assert.equal(await zhang.inputValue('#dlg-workflow textarea[name=text]'), '用人单位当场支付');
  await zhang.click('#dlg-workflow button[value=ok]');
  await zhang.click('#dlg-confirm[open] #confirm-ok');
  await zhang.waitForSelector('#room-meta:has-text("已办结")');
  await zhang.click('#act-more');
  await zhang.selectOption('#dlg-workflow select[name=action]', 'evaluate');
  await zhang.selectOption('#dlg-workflow select[name=evaluation]', 'satisfied');
  await zhang.click('#dlg-workflow button[value=ok]');
  await zhang.waitForSelector('#room-workflow:has-text("满意")');
  // The city bureau's dashboard counts it, with charts by category and level.
  await li.click('#open-stats');
  await li.waitForSelector('#stats-totals td[data-figure=s_resolved]');
  const resolved = Number(await li.textContent('#stats-totals td[data-figure=s_resolved]'));
  assert.ok(resolved >= 1, `resolved ${resolved}`);
  assert.ok(await li.evaluate(() => !!Chart.getChart(document.getElementById('chart-category'))));
  await li.screenshot({ path: path.join(artifacts, 'e2e-statistics-zh.png') });
  // On a phone screen the workspace stacks.
  await zhang.setViewportSize({ width: 390, height: 844 });
  await zhang.keyboard.press('Escape');
  await zhang.screenshot({ path: path.join(artifacts, 'e2e-phone-zh.png') });
  assert.deepEqual(li.errors, []);
  assert.deepEqual(zhang.errors, []);
});

test('a long thread: older history loads as it is scrolled up, the place is kept, new events below are announced; unread counts and the tab title', async () => {
  const li = await loginAs('officer.li');
  const made = await protocolAs(li, 'officer.li', [
    { type: 'case.create', title: '长记录的案件', category: 'land', channel: 'visit', parties: [] },
  ]);
  const kase = made[1].case;
  const thread = (await protocolAs(li, 'officer.li', [{ type: 'case.get', case: kase.id }]))[1].case.thread;
  const posts = Array.from({ length: 120 }, (_, i) => ({ type: 'post', thread, cmid: `long-${i}`, body: `第${i + 1}条记录` }));
  for (let i = 0; i < posts.length; i += 40) await protocolAs(li, 'officer.li', posts.slice(i, i + 40));
  const other = (await protocolAs(li, 'officer.li', [
    { type: 'case.create', title: '另一件在办案件', category: 'land', channel: 'visit', parties: [] }]))[1].case;
  await li.reload();
  await li.waitForSelector('#conn-state[data-state=online]');
  await li.click(`.case-item[data-case-id="${kase.id}"]`);
  await li.waitForSelector('#timeline li.msg:has-text("第120条记录")');
  assert.equal((await seqs(li)).length, 50, 'the newest page first');
  // The thread scrolls by itself; the header and composer stay where they are.
  const composerBefore = await li.locator('#composer').boundingBox();
  // Scrolled to the top: the next older page arrives, and what was on screen stays in place.
  const anchor = li.locator('#timeline li.msg:has-text("第71条记录")');
  await li.$eval('#timeline', (el) => { el.scrollTop = 0; });
  await li.waitForFunction(() => document.querySelectorAll('#timeline li[data-seq]').length === 100);
  const y = (await anchor.boundingBox()).y;
  const top = (await li.locator('#timeline').boundingBox()).y;
  assert.ok(y >= top - 5, `the reader's place is kept (${y} vs ${top})`);
  await li.$eval('#timeline', (el) => { el.scrollTop = 0; });
  await li.waitForFunction(() => document.querySelectorAll('#timeline li[data-seq]').length === 121);
  await li.waitForSelector('#history-edge:has-text("案件记录从这里开始")');
  const s = await seqs(li);
  assert.deepEqual(s, Array.from({ length: 121 }, (_, i) => i + 1), 'every event once, in order');
  assert.deepEqual(await li.locator('#composer').boundingBox(), composerBefore, 'the composer stays in place');
  // A new message while the reader is up in the history: announced, the place not moved.
  const before = await li.$eval('#timeline', (el) => el.scrollTop);
  await protocolAs(li, 'leader.zhao', [{ type: 'post', thread, cmid: 'zhao-1', body: '赵主任的新消息' }]);
  await li.waitForSelector('#new-below:has-text("1 条新消息")');
  assert.equal(await li.$eval('#timeline', (el) => el.scrollTop), before);
  await li.click('#new-below');
  await li.waitForSelector('#new-below', { state: 'hidden' });
  assert.ok(await li.isVisible('#timeline li.msg:has-text("赵主任的新消息")'));

  // A change in another case while this one is open: counted in the list and in the tab's title
  // (which counts the cases with something new).
  const titleCount = async () => Number(((await li.title()).match(/^\((\d+)\) /) || [0, 0])[1]);
  const counted = await titleCount();
  await protocolAs(li, 'leader.zhao', [{ type: 'case.pause', case: other.id, reason: '等待材料' }]);
  await li.waitForSelector(`.case-item[data-case-id="${other.id}"] .badge:text("1")`);
  assert.equal(await titleCount(), counted + 1);
  await li.click(`.case-item[data-case-id="${other.id}"]`);
  await li.waitForSelector(`.case-item[data-case-id="${other.id}"]:not(.unread)`);
  assert.equal(await titleCount(), counted);
  // Read here, it stays read after a reload (the count is the server's).
  await li.reload();
  await li.waitForSelector('#conn-state[data-state=online]');
  await li.waitForSelector(`.case-item[data-case-id="${other.id}"]:not(.unread)`);
  await li.screenshot({ path: path.join(artifacts, 'e2e-long-thread-zh.png') });
  assert.deepEqual(li.errors, []);
});

test('by keyboard alone: a case opened from the list, a dialog that returns focus, the tabs by arrow keys', async () => {
  const li = await loginAs('officer.li');
  await li.waitForSelector('.case-item');
  await li.focus('#f-q');
  // Tab moves on to the filters and the list; the first case is a link that Enter opens.
  for (let i = 0; i < 12; i++) {
    await li.keyboard.press('Tab');
    if (await li.evaluate(() => document.activeElement.classList.contains('case-item'))) break;
  }
  const id = await li.evaluate(() => document.activeElement.dataset.caseId);
  assert.ok(id, 'a case in the list takes focus');
  await li.keyboard.press('Enter');
  await li.waitForFunction((x) => location.hash === `#/cases/${x}`, id);
  await li.waitForSelector('#room-body:not([hidden])');
  // A dialog opened from a button gives focus back to it when Escape closes it.
  await li.focus('#act-more');
  await li.keyboard.press('Enter');
  await li.waitForSelector('#dlg-workflow[open]');
  assert.equal(await li.evaluate(() => document.activeElement.closest('dialog') && document.activeElement.closest('dialog').id), 'dlg-workflow');
  await li.keyboard.press('Escape');
  await li.waitForSelector('#dlg-workflow:not([open])', { state: 'attached' });
  assert.equal(await li.evaluate(() => document.activeElement.id), 'act-more');
  // The two threads are tabs: the arrow keys move between them.
  await li.focus('#place-internal');
  await li.keyboard.press('ArrowRight');
  await li.waitForSelector('#room-body[data-place="parties"]');
  assert.equal(await li.evaluate(() => document.activeElement.id), 'place-parties');
  // Every focused control shows it.
  const outline = await li.evaluate(() => getComputedStyle(document.activeElement, ':focus-visible').outlineStyle);
  assert.notEqual(outline, 'none');
  assert.deepEqual(li.errors, []);
});

test('in the background: a browser notification, with permission, for a hand-over to one\'s organisation and a mention', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
  await context.grantPermissions(['notifications'], { origin: `http://127.0.0.1:${port}` });
  // The tab is in the background; what the browser would show is recorded.
  await context.addInitScript(() => {
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
    window.shown = [];
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) { super(title, options); window.shown.push(options.body); }
    };
  });
  const li = await context.newPage();
  const errors = [];
  li.on('pageerror', (e) => errors.push(e.message));
  await li.goto(`http://127.0.0.1:${port}/`);
  const made = await protocolAs(li, 'officer.li', [{ type: 'case.create', title: '提及的案件', category: 'land', channel: 'visit', parties: [] }]);
  await li.fill('input[name=username]', 'officer.li');
  await li.fill('input[name=password]', 'mediate');
  await li.press('input[name=password]', 'Enter');
  await li.waitForSelector('#conn-state[data-state=online]');
  await li.click('#notify-toggle');
  await li.waitForSelector('#notify-toggle[aria-pressed=true]');
  // The street office hands a case up to the city bureau.
  const orgs = await protocolAs(li, 'officer.sun', [{ type: 'orgs.list' }]);
  const city = orgs[1].orgs.find((o) => o.name === '市信访局').id;
  await protocolAs(li, 'officer.sun', [
    { type: 'case.create', title: '街道上报的案件', category: 'land', channel: 'visit', parties: [] },
    { type: 'case.handoff', case: '$case', to_org: city, note: '请市局协调' }]);
  await li.waitForFunction(() => window.shown.some((b) => b.includes('交办')));
  // In the open case, a colleague mentions 李明.
  await li.click(`.case-item[data-case-id="${made[1].case.id}"]`);
  await li.waitForSelector('#timeline li.sys');
  await protocolAs(li, 'leader.zhao', [{ type: 'post', thread: made[1].case.thread, cmid: 'mention-1', body: '@李明 请明天上午处理' }]);
  await li.waitForFunction(() => window.shown.some((b) => b.includes('赵国强 提到了您')));
  // Turned off, nothing more is shown.
  await li.click('#notify-toggle');
  await li.waitForSelector('#notify-toggle[aria-pressed=false]');
  const count = await li.evaluate(() => window.shown.length);
  await protocolAs(li, 'leader.zhao', [{ type: 'post', thread: made[1].case.thread, cmid: 'mention-2', body: '@李明 再提醒一次' }]);
  await li.waitForSelector('#timeline li.msg:has-text("再提醒一次")');
  assert.equal(await li.evaluate(() => window.shown.length), count);
  assert.deepEqual(errors, []);
  await context.close();
});
