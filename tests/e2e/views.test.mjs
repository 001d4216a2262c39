// Every view of the client, in both languages, at desktop and phone size, on the demo network
// (--seed-demo): a screenshot of each kept under build/test-artifacts/views/ to be looked at, and
// axe-core's check with no serious or critical violation. The browser is east of UTC (Tokyo) while
// the network keeps Beijing time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, serverBin, startServer, stopServer, launchChromium, checkA11y } from './support.mjs';

let dir, server, port, browser;
const shots = path.join(artifacts, 'views');

before(async () => {
  assert.ok(serverBin, 'MEDIATION_SERVER_BIN must name the server binary');
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'mediation-views-'));
  ({ child: server, port } = await startServer(dir, '127.0.0.1:0', '--seed-demo'));
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await stopServer(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

for (const lang of ['zh', 'en']) {
  for (const [size, viewport] of Object.entries(sizes)) {
    test(`every view in ${lang} at ${size} size: readable, and no serious accessibility violation`, async () => {
      const context = await browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-GB', timezoneId: 'Asia/Tokyo',
        hasTouch: size === 'phone', isMobile: size === 'phone',
        bypassCSP: true });  // axe-core is injected as an inline script; the product's CSP allows none
      await context.addInitScript((l) => { if (!localStorage.getItem('lang')) localStorage.setItem('lang', l); }, lang);
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const view = async (name) => {
        await page.waitForTimeout(150);  // transitions and late layout
        await page.screenshot({ path: path.join(shots, `${name}-${lang}-${size}.png`) });
        await checkA11y(page, `${name} (${lang}, ${size})`);
      };
      const open = async (selector) => {
        if (size === 'phone' && await page.isHidden(selector)) await page.click('#menu-toggle');
        await page.click(selector);
      };

      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForSelector('#login-view:not([hidden])');
      await view('login');
      await page.fill('input[name=username]', 'mediator.wang');
      await page.fill('input[name=password]', 'mediate');
      await page.press('input[name=password]', 'Enter');
      await page.waitForSelector('#conn-state[data-state=online]');
      await page.waitForSelector('.case-item');
      await view('case-list');

      // The case room of a case being mediated: thread, intake record, actions.
      await page.click('.case-item:has-text("楼上漏水损坏楼下装修")');
      await page.waitForSelector('#timeline li.msg:has-text("物业出具了漏水原因说明")');
      if (size === 'phone') {
        // One row of header; the case's actions stay in view.
        const bar = await page.locator('header.bar').boundingBox();
        assert.ok(bar.height < 70, `header height ${bar.height}`);
        assert.ok(await page.isVisible('#act-agreement'));
        await view('case-room');
        await page.click('#toggle-intake');
      }
      await page.waitForSelector('#intake-body dd:has-text("荷花社区5栋")');
      await view(size === 'phone' ? 'case-intake' : 'case-room');
      if (size === 'phone') await page.click('#toggle-intake');

      // The parties' thread looks different from the internal one.
      await page.click('#place-parties');
      await page.waitForSelector('#room-body[data-place="parties"]');
      await view('case-room-parties');
      await page.click('#place-internal');

      // Dialogs: registering a case, the workflow actions, scheduling.
      if (await page.isHidden('#new-case')) await page.click('#back-to-list');  // a phone shows the list or the case
      await page.click('#new-case');
      await page.waitForSelector('#dlg-case[open]');
      await view('dialog-new-case');
      await page.keyboard.press('Escape');
      if (size === 'phone' && await page.isHidden('#act-more')) await page.click('.case-item:has-text("楼上漏水损坏楼下装修")');
      await page.click('#act-more');
      await page.waitForSelector('#dlg-workflow[open]');
      await view('dialog-actions');
      await page.keyboard.press('Escape');
      await page.click('#act-meeting');
      await page.waitForSelector('#dlg-meeting[open]');
      await page.fill('#mt-search', lang === 'zh' ? '张' : '张');
      await page.waitForSelector('#mt-matches li');
      await page.press('#mt-search', 'Enter');
      await page.waitForSelector('#mt-conflicts:not(:empty)');
      await view('dialog-schedule');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');

      // The agreement in force, with its completion notice.
      await page.click(size === 'phone' ? '#back-to-list' : '.case-item >> nth=0');
      await page.click('.case-item:has-text("物业费及停车费纠纷")');
      await page.click('#act-agreement');
      await page.waitForSelector('#ag-done:not([hidden])');
      assert.match(page.url(), /#\/cases\/\d+\/agreements$/);
      await view('agreement');
      await page.click('#ag-new');
      await page.waitForSelector('#dlg-agreement-edit[open] .party-row');
      await view('agreement-editor');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => /#\/cases\/\d+$/.test(location.hash));

      // The calendar, a month at a time, and the meeting room's preview.
      await open('#open-calendar');
      await page.waitForSelector('#cal-days > *');
      if (await page.locator('.meeting-item:has-text("漏水赔偿调解会")').count() === 0) await page.click('#cal-next');  // it falls next month
      await page.waitForSelector('.meeting-item:has-text("漏水赔偿调解会")');
      assert.match(page.url(), /#\/calendar(\/\d{4}-\d{2})?$/);
      await view('calendar');
      const join = page.locator('.meeting-item:has-text("漏水赔偿调解会") button.join');
      assert.equal(await join.isDisabled(), true, 'Join waits for the room to open');
      assert.match(await join.textContent(), lang === 'zh' ? /后可进入/ : /Opens in/);

      // The meeting room opens on its address: a preview of camera and microphone first, the
      // button to enter greyed until 30 minutes before the start.
      const meetingId = await page.getAttribute('.meeting-item:has-text("漏水赔偿调解会")', 'data-meeting-id');
      await page.goto(`http://127.0.0.1:${port}/#/meetings/${meetingId}`);
      await page.waitForSelector('#dlg-room[open][data-stage=preview]');
      await page.waitForFunction(() => document.querySelector('#preview-state').textContent.length > 0);
      assert.equal(await page.isDisabled('#room-enter'), true);
      await view('meeting-preview');
      await page.click('#room-mic');
      await page.waitForSelector('#room-mic[aria-pressed=true]');
      await page.keyboard.press('Escape');
      await page.waitForSelector('#dlg-room:not([open])', { state: 'attached' });
      // Leaving turns the camera off: in the dialog's close event, a task after the dialog closed.
      await page.waitForFunction(() => document.querySelector('#local-video').srcObject === null, null, { timeout: 2000 });
      assert.equal(await page.evaluate(() => document.querySelector('#local-video').srcObject), null);

      // Statistics; a period that ends before it starts is refused by the field.
      await open('#open-stats');
      await page.waitForSelector('#stats-totals td[data-figure=s_received]');
      await view('statistics');
      await page.fill('#stats-form input[name=from]', '2026-12-01');
      await page.fill('#stats-form input[name=to]', '2026-11-01');
      await page.waitForSelector('#stats-form input[name=to][aria-invalid=true]');
      assert.match(await page.textContent('#stats-form .error'), lang === 'zh' ? /结束日期不能早于开始日期/ : /cannot be before/);
      await page.fill('#stats-form input[name=to]', '');
      await page.waitForSelector('#stats-form input[name=to]:not([aria-invalid])');
      await page.waitForSelector('#stats-totals td[data-figure=s_received]');
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
}
