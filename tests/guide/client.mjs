// The operations guide test's client (tests/guide/run): logs in over HTTPS and talks WebSocket like the
// browser client, with Node's own fetch and the `ws` package of tests/e2e (installed by scripts/test with
// npm ci; Node's own WebSocket needs Node 22, Debian 12 has 18).
// The certificate is trusted through NODE_EXTRA_CA_CERTS.
//   node client.mjs seed BASE USER          a case with sealed ID and phone numbers,
//        an attachment and an agreement signed by both parties and the mediator, then sealed (in force);
//        prints "case <id> agreement <id> attachment <id>"
//   node client.mjs ws BASE USER            login, WebSocket upgrade and auth; prints
//        "ok <user id>"
// The password is read from standard input (one line), as mediation-admin reads it.
import { createRequire } from 'node:module';
const WebSocket = createRequire(new URL('../e2e/package.json', import.meta.url))('ws');

import { readFileSync } from 'node:fs';

const [command, base, username] = process.argv.slice(2);
const password = readFileSync(0, 'utf8').split('\n')[0];
const fail = (what) => { console.error(what); process.exit(1); };
setTimeout(() => fail(`${command}: no answer within 20 s`), 20000).unref();

async function login() {
  const r = await fetch(`${base}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  const body = await r.json();
  if (r.status !== 200) fail(`login: ${r.status} ${JSON.stringify(body)}`);
  return body.token;
}

// One WebSocket with request/reply by rid; events and notices are ignored.
function connect(token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + '/ws');
    const waiting = new Map();
    let rid = 0;
    const request = (msg) => new Promise((res) => {
      const id = String(++rid);
      waiting.set(id, res);
      ws.send(JSON.stringify({ ...msg, rid: id }));
    });
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if ((m.type === 'ok' || m.type === 'error') && waiting.has(m.rid)) {
        waiting.get(m.rid)(m);
        waiting.delete(m.rid);
      }
    };
    ws.onerror = (e) => reject(new Error(`websocket: ${e.message || e.type}`));
    ws.onopen = async () => {
      const auth = await request({ type: 'auth', token });
      if (auth.type !== 'ok') reject(new Error(`auth: ${JSON.stringify(auth)}`));
      resolve({ ws, request, user: auth.user });
    };
  });
}

async function ok(c, msg) {
  const r = await c.request(msg);
  if (r.type !== 'ok') fail(`${msg.type}: ${JSON.stringify(r)}`);
  return r;
}

const drawn = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

async function seed() {
  const token = await login();
  const c = await connect(token);
  const parties = [
    { role: 'petitioner', name: '张三', id_number: '370214198001017234', phone: '13812345678' },
    { role: 'respondent', name: '某建筑公司' },
  ];
  const kase = (await ok(c, { type: 'case.create', title: '拖欠工资纠纷', category: 'labour_wages', channel: 'visit', parties })).case;
  const up = await fetch(`${base}/api/cases/${kase.id}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'x-file-name': encodeURIComponent('工资单.txt') },
    body: '三个月工资单\n',
  });
  if (up.status !== 201) fail(`attachment: ${up.status} ${await up.text()}`);
  const attachment = (await up.json()).attachment.id;
  const content = {
    parties,
    facts: '申请人在被申请人处务工，被拖欠工资三个月。',
    disputes: ['拖欠工资数额'],
    responsibilities: [{ party: 1, text: '未按时支付工资' }],
    terms: [{ text: '被申请人支付工资人民币30000元', way: '银行转账', place: '申请人账户', deadline: '2030-12-31' }],
    mediators: [c.user.name],
    organisation: '城南区人民调解委员会',
  };
  const agreement = (await ok(c, { type: 'agreement.draft', case: kase.id, content })).agreement.id;
  for (const party of [0, 1])
    await ok(c, { type: 'agreement.sign', agreement, version: 1, role: 'party', party, signature: drawn, confirmed: true });
  await ok(c, { type: 'agreement.sign', agreement, version: 1, role: 'mediator' });
  await ok(c, { type: 'agreement.seal', agreement, version: 1 });
  const verified = await ok(c, { type: 'agreement.verify', agreement });
  if (!verified.ok) fail(`agreement.verify: ${JSON.stringify(verified)}`);
  console.log(`case ${kase.id} agreement ${agreement} attachment ${attachment}`);
  c.ws.close();
}

async function wsOnly() {
  const c = await connect(await login());
  console.log(`ok ${c.user.id}`);
  c.ws.close();
}

try {
  if (command === 'seed') await seed();
  else if (command === 'ws') await wsOnly();
  else fail(`unknown command ${command}`);
} catch (e) {
  fail(`${command}: ${e.stack || e}`);
}
process.exit(0);
