// What the browser tests share: a server of their own (SQLite, 127.0.0.1, a free port), Chromium,
// and the accessibility check (axe-core inside the page).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const serverBin = process.env.MEDIATION_SERVER_BIN;
export const artifacts = process.env.MEDIATION_ARTIFACTS || path.join(tmpdir(), 'mediation-artifacts');
mkdirSync(artifacts, { recursive: true });

export function startServer(dir, listen, seed = '--seed-demo-accounts') {
  return new Promise((resolve, reject) => {
    const child = spawn(serverBin, ['--listen', listen, '--db', `sqlite3://db=${dir}/e2e.db`, seed, '--threads', '2', '--drain-seconds', '0', '--data-dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + out)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]) }); }
    });
    child.stderr.on('data', () => {});
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${out}`)); });
  });
}

export function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
      // Camera and microphone: Chromium's fake devices, allowed without a prompt.
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
}

// No serious or critical accessibility violation on what the page shows now (axe-core's rules for
// WCAG 2.1 A and AA). Returns the minor ones for the record.
export async function checkA11y(page, name) {
  if (!await page.evaluate(() => !!window.axe)) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [],
    `accessibility of ${name}`);
  return result.violations.filter((v) => !bad.includes(v)).map((v) => v.id);
}
