// The WebSocket client of bench/sizing: signs in as a demo account and speaks the documented protocol
// (docs/architecture.md), nothing else. Node 22 has WebSocket built in; Node 20 needs
// --experimental-websocket (bench/sizing adds it).
//
//   setup --port P --cases C                       creates C cases, prints {"token","threads":[...]}
//   post  --port P --setup FILE --messages N       posts N messages of Chinese chat text spread evenly
//                                                  over the cases, prints {"posted","body_bytes",...}
//   idle  --port P --setup FILE --clients N        opens N authenticated connections, each subscribed to
//                                                  one case's thread, prints {"ready":N}, holds them
//                                                  until SIGTERM, then closes them and exits
// Bounded: every mode gives up (exit status 1) after --deadline seconds (default 90).

const args = Object.fromEntries(
  process.argv.slice(3).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const mode = process.argv[2];
const port = Number(args.port);
const host = '127.0.0.1';
const deadlineSeconds = Number(args.deadline ?? 90);
setTimeout(() => fail(`gave up after ${deadlineSeconds} s`), deadlineSeconds * 1000).unref();

function fail(message) {
  process.stderr.write(`sizing-client: ${message}\n`);
  process.exit(1);
}

if (typeof WebSocket === 'undefined') fail('this Node has no WebSocket; run it with --experimental-websocket (Node 20)');

// One connection with request/reply by rid.
function open(token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${host}:${port}/ws`);
    const waiting = new Map();
    let next = 0;
    const conn = {
      ws,
      request(frame) {
        const rid = `r${++next}`;
        return new Promise((res) => {
          waiting.set(rid, res);
          ws.send(JSON.stringify({ ...frame, rid }));
        });
      },
    };
    ws.onmessage = (m) => {
      const j = JSON.parse(m.data);
      if (j.type === 'event' || !j.rid) return;
      const res = waiting.get(j.rid);
      if (res) {
        waiting.delete(j.rid);
        res(j);
      }
    };
    ws.onerror = () => reject(new Error('websocket error'));
    ws.onopen = async () => {
      const r = await conn.request({ type: 'auth', token });
      if (r.type !== 'ok') return reject(new Error(`auth refused: ${JSON.stringify(r)}`));
      resolve(conn);
    };
  });
}

async function login(username = 'officer.li', password = 'mediate') {
  const res = await fetch(`http://${host}:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) fail(`login answered ${res.status}`);
  return (await res.json()).token;
}

// ---- realistic text ---------------------------------------------------------------------------------
// Sentences of the kind people write in a mediation thread (wages, property, neighbours, traffic, land,
// family, consumers, medical), with numbers and dates drawn at random: a deterministic mix, so that the
// search index sees a natural, repetitive vocabulary rather than random characters.
const sentences = [
  '您好，我是负责这起纠纷的调解员，今天先把双方的诉求再核对一遍。',
  '申请人说公司拖欠了三个月工资，一共是{n}元，有工资条和银行流水为证。',
  '被申请人表示资金周转困难，愿意分期支付，但希望免除部分加班费。',
  '请把劳动合同和考勤记录的照片上传到附件里，方便我们核实。',
  '楼上住户装修时水管漏水，把我家客厅天花板泡坏了，维修报价{n}元。',
  '物业公司说已经通知过业主，但是一直没有人来处理。',
  '我们建议先请第三方评估损失，再商量赔偿金额。',
  '双方约定{m}月{d}日上午九点在街道调解室面谈，请准时到场。',
  '如果时间不方便，可以在系统里申请改期，也可以选择视频调解。',
  '对方的车在路口右转时刮到了我的电动车，交警认定对方负主要责任。',
  '医药费和误工费的票据我都保存着，总共花了{n}元左右。',
  '保险公司只愿意赔付一部分，剩下的差额需要双方协商。',
  '这块宅基地的界址以前是口头约定的，现在邻居要盖新房占了过道。',
  '村委会那边有九十年代的土地登记册，可以调出来看一下。',
  '老人去世后留下的房子，兄妹三人对怎么分一直谈不拢。',
  '我们理解大家的心情，但还是希望在法律框架内把事情解决好。',
  '根据《人民调解法》，调解协议经双方签字后具有法律约束力。',
  '如有需要，协议生效后三十日内可以共同向法院申请司法确认。',
  '商家承诺七天无理由退货，但收到退货后一直不退款。',
  '订单号和聊天记录截图已经发过来了，我们正在联系商家。',
  '商家回复说产品有使用痕迹，只能退一半的钱，也就是{n}元。',
  '手术后出现了并发症，患者家属认为医院没有尽到告知义务。',
  '医院方面同意先调取病历，由医疗纠纷调解委员会组织专家评议。',
  '请各位不要在群里发表情绪化的言论，我们一起把事实理清楚。',
  '我刚才和对方通了电话，他们原则上同意这个方案。',
  '付款方式改为银行转账，每月{d}日前支付{n}元，共分{k}期。',
  '逾期未付的，申请人可以直接向人民法院申请强制执行。',
  '好的，我明天上午把修改后的协议草稿发给大家确认。',
  '收到，谢谢调解员，我们这边没有其他意见了。',
  '我还需要和家里人商量一下，周末之前给您答复。',
  '对方一直不接电话，能不能请社区网格员上门联系一下？',
  '噪音问题主要集中在晚上十点以后，已经影响到孩子学习和老人休息。',
  '楼下的烧烤店油烟很大，多次反映都没有改善。',
  '城管和环保部门之前来检查过一次，要求加装净化设备。',
  '租客提前退租，房东扣下了押金{n}元，说房屋有损坏。',
  '入住时双方没有做交接清单，现在很难证明损坏是什么时候造成的。',
  '建议押金先退还一半，剩下的等维修费用确定后再结算。',
  '这个案件已经超过受理期限了，我们会向上级说明原因。',
  '请申请人补充提交身份证复印件和委托书。',
  '律师已经看过协议条款，第三条关于违约金的表述需要再明确一些。',
  '违约金按照未付金额的每日万分之五计算，最高不超过{n}元。',
  '调解过程中形成的记录会存入卷宗，双方可以申请查阅。',
  '我对调解结果比较满意，感谢街道和社区的帮助。',
  '小区的停车位被外来车辆长期占用，业主委员会希望物业加强管理。',
  '工地的农民工工资由总包单位先行垫付，再向分包单位追偿。',
  '劳动监察大队已经立案，我们会同步跟进调解进度。',
  '今天的视频调解因为网络问题中断了，下午两点重新开始。',
  '双方都同意撤回信访事项，改为通过调解程序解决。',
  '这笔借款当时没有写借条，只有微信转账记录，金额是{n}元。',
  '对方承认借款事实，但认为其中一部分已经用现金还过了。',
  '请双方各自列出还款明细，我们逐笔核对。',
  '孩子的抚养费每月{n}元，探望时间为每周六全天。',
  '请注意，协议中的身份证号码和电话号码只有办案人员能看到完整信息。',
  '今天先到这里，大家辛苦了，下次调解前我会在群里提醒。',
];

function random(seed) {  // mulberry32: the same text on every run
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function message(rand) {
  const count = 1 + Math.floor(rand() * 3 * rand() + rand());  // mostly one or two sentences
  let text = '';
  for (let i = 0; i < count; ++i) {
    text += sentences[Math.floor(rand() * sentences.length)]
      .replace('{n}', String(Math.floor(rand() * 90000) + 500))
      .replace('{m}', String(1 + Math.floor(rand() * 12)))
      .replace('{d}', String(1 + Math.floor(rand() * 28)))
      .replace('{k}', String(2 + Math.floor(rand() * 10)));
  }
  return text;
}

// ---- modes ------------------------------------------------------------------------------------------
async function setup() {
  const token = await login();
  const conn = await open(token);
  const threads = [];
  const cases = Number(args.cases ?? 100);
  for (let i = 0; i < cases; ++i) {
    const r = await conn.request({ type: 'case.create', title: `容量测试案件 ${i + 1}：邻里纠纷调解`, category: 'other', channel: 'online' });
    if (r.type !== 'ok') fail(`case.create refused: ${JSON.stringify(r)}`);
    threads.push(r.case.thread);
  }
  conn.ws.close();
  process.stdout.write(JSON.stringify({ token, threads }) + '\n');
}

async function post() {
  const { token, threads } = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(args.setup, 'utf8')));
  const total = Number(args.messages ?? 5000);
  const connections = await Promise.all([open(token), open(token)]);
  const rand = random(17);
  const bodies = Array.from({ length: total }, () => message(rand));
  let nextIndex = 0, posted = 0, retries = 0;
  const started = Date.now();
  // A window of posts in flight per connection; a refusal (rate limit) is retried with the same cmid,
  // which the server stores once.
  async function worker(conn) {
    while (nextIndex < total) {
      const i = nextIndex++;
      for (;;) {
        const r = await conn.request({ type: 'post', thread: threads[i % threads.length], cmid: `sizing-${i}`, body: bodies[i] });
        if (r.type === 'ok') break;
        if (r.code !== 'rate_limited') fail(`post refused: ${JSON.stringify(r)}`);
        ++retries;
        await new Promise((res) => setTimeout(res, 100));
      }
      ++posted;
    }
  }
  await Promise.all(connections.flatMap((c) => Array.from({ length: 32 }, () => worker(c))));
  for (const c of connections) c.ws.close();
  const bytes = bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0);
  const chars = bodies.reduce((sum, b) => sum + [...b].length, 0);
  process.stdout.write(JSON.stringify({ posted, retries, body_bytes: bytes, body_chars: chars, seconds: (Date.now() - started) / 1000 }) + '\n');
}

async function idle() {
  const { token, threads } = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(args.setup, 'utf8')));
  const clients = Number(args.clients ?? 2000);
  const conns = [];
  // In waves, so that the listen backlog never overflows.
  for (let start = 0; start < clients; start += 200) {
    const wave = [];
    for (let i = start; i < Math.min(clients, start + 200); ++i) {
      wave.push(open(token).then(async (c) => {
        const r = await c.request({ type: 'subscribe', thread: threads[i % threads.length] });
        if (r.type !== 'ok') throw new Error(`subscribe refused: ${JSON.stringify(r)}`);
        return c;
      }));
    }
    conns.push(...(await Promise.all(wave)));
  }
  process.stdout.write(JSON.stringify({ ready: conns.length }) + '\n');
  process.on('SIGTERM', () => {
    for (const c of conns) c.ws.close();
    setTimeout(() => process.exit(0), 500);
  });
}

const modes = { setup, post, idle };
if (!modes[mode] || !port) fail('usage: sizing-client.mjs setup|post|idle --port P [...]');
modes[mode]().catch((e) => fail(e.message));
