// Writes docs/benchmarks.md (and the plot's data and gnuplot script) from the results of bench/run.
// Usage: node report.mjs RESULTS.jsonl MACHINE.txt OUT.md OUT_DIR
//
// Rules that keep the figures honest (each is stated in the report too):
// - a step "kept up" only when ≥ 99% of offered requests were acknowledged, ≥ 99% of the expected
//   deliveries arrived, nothing was refused, failed or cut off, its warm-up drained and the
//   acknowledgement p90 stayed under 100 ms (decided by the load generator: `kept_up`);
// - per-CPU-second figures come only from saturated steps (server CPU ≥ 0.9 core, or deliveries
//   that stopped growing with the offered rate), for every server alike, with what limited it;
// - a target is met only by a measured figure; a missing measurement is "missed".
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [resultsPath, machinePath, outMd, outDir] = process.argv.slice(2);
const all = readFileSync(resultsPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const machine = Object.fromEntries(readFileSync(machinePath, 'utf8').split('\n').filter(Boolean)
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const pinned = (machine.pinning || '').startsWith('server on core 0');

const finals = all.filter((r) => r.final_check);
const failedRuns = all.filter((r) => r.scenario === 'failed_run');
const rows = all.filter((r) => !r.final_check && r.scenario !== 'failed_run');
const pick = (scenario, label, roomSize) => rows.filter((r) => r.scenario === scenario && r.label === label &&
  (roomSize === undefined || r.room_size === roomSize) && r.offered_per_s !== undefined);
const num = (x, d = 0) => (x === undefined || x === null || Number.isNaN(x) ? '–' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d }));
const lat = (l, k) => (l && l[k] !== undefined ? num(l[k], 2) : '–');
const pct = (a, b) => (b ? `${num((100 * a) / b, 1)}%` : '–');
const verdict = (ok) => (ok ? '**met**' : '**missed**');
const ratio = (a, b) => (a && b ? `${num(a / b, 2)}×` : '–');

// ---- per-step reading ---------------------------------------------------------------------------

const refused = (r) => (r.refused_rate_limited || 0) + (r.refused_busy || 0) + (r.errors_other || 0);
const failed = (r) => (r.unanswered || 0) + (r.unsent || 0) + (r.connections_closed || 0);
const usPerRequest = (r) => (r.acks ? (r.server_cpu_s / r.acks) * 1e6 : null);
const perCpuSecond = (r) => (r.server_cpu_s > 0 ? r.deliveries / r.server_cpu_s : null);

// What held a step back. With pinning the server has core 0 and the load generator core 1;
// MariaDB and anything else on the machine run where the scheduler puts them.
function limiter(r) {
  const out = [];
  const [core0, core1] = r.core_busy || [];
  const [irq0, irq1] = r.core_irq || [];
  // The rest of a busy core: other processes, interrupt work while none of ours ran, steal time.
  // (The interrupt share, recorded from this version of the load generator on, overlaps the
  // processes' figures on kernels without IRQ time accounting, so it is shown, not subtracted.)
  const rest = (irq, known) => `the rest ${known}, other processes, interrupts${irq === undefined ? '' : ` (${num(irq, 2)} of the core in interrupts)`} and steal`;
  if (r.server_cpu_cores >= 0.9) out.push(`server CPU (${num(r.server_cpu_cores, 2)} core)`);
  if (r.loadgen_cpu_cores >= 0.9) out.push(`load generator CPU (${num(r.loadgen_cpu_cores, 2)} core)`);
  if (pinned && r.label !== 'mariadb-durable-2cores') {
    if (core0 >= 0.9 && r.server_cpu_cores < 0.9) out.push(`server's core busy (${num(core0, 2)}: server ${num(r.server_cpu_cores, 2)}, ${rest(irq0, `MariaDB (≤ ${num(r.db_cpu_cores, 2)})`)})`);
    if (core1 >= 0.9 && r.loadgen_cpu_cores < 0.9) out.push(`load generator's core busy (${num(core1, 2)}: load generator ${num(r.loadgen_cpu_cores, 2)}, ${rest(irq1, `MariaDB (≤ ${num(r.db_cpu_cores, 2)})`)})`);
  } else if (r.machine_cpu_cores >= 0.9 * (r.core_busy || [1, 1]).length) {
    out.push(`whole machine (${num(r.machine_cpu_cores, 2)} of ${(r.core_busy || []).length} cores)`);
  }
  if (refused(r)) out.push(`${num(refused(r))} refused`);
  if (!out.length) {
    const w = r.writer && r.writer.commits ? `; commit p99 ${lat(r.writer, 'commit_p99_ms')} ms, MariaDB ${num(r.db_cpu_cores, 2)} core` : '';
    out.push(`no CPU at its limit: waiting (round trips, commits)${w}`);
  }
  return out.join('; ');
}

// Saturated: the server's CPU at its core, or deliveries that stopped growing while the offered
// rate grew (less than 5% more than the step before).
function saturatedSteps(list) {
  return list.filter((r, i) => {
    if (r.server_cpu_cores >= 0.9) return true;
    const prev = list[i - 1];
    return prev && r.offered_per_s > prev.offered_per_s && r.deliveries_per_s < 1.05 * prev.deliveries_per_s;
  });
}
// A step whose load generator, or the load generator's core, was at its limit shows what the load
// generator could do, not the server: it gives no per-CPU-second figure.
const loadgenLimited = (r) => r.loadgen_cpu_cores >= 0.9 || (pinned && (r.core_busy || [])[1] >= 0.9);
const mostDelivered = (list) => (list.length ? list.reduce((a, b) => (b.deliveries_per_s > a.deliveries_per_s ? b : a)) : null);
// The saturated step that delivered most, the load generator below its limit: the server's capacity
// in that scenario.
function atSaturation(list) {
  return mostDelivered(saturatedSteps(list).filter((r) => r.server_cpu_s > 0 && !loadgenLimited(r)));
}
// The same among the steps kept up (no backlog): the stricter reading, shown beside it.
function atSaturationKeptUp(list) {
  return mostDelivered(saturatedSteps(list).filter((r) => r.server_cpu_s > 0 && !loadgenLimited(r) && r.kept_up));
}
// The highest offered rate a server kept up with.
function sustained(list) {
  const ok = list.filter((r) => r.kept_up === true);
  return ok.length ? ok.reduce((a, b) => (b.offered_per_s > a.offered_per_s ? b : a)) : null;
}
// The step nearest to `rate` (on a tie, the higher rate: the stricter reading).
function nearest(list, rate) {
  return list.length ? list.reduce((a, b) => {
    const da = Math.abs(a.offered_per_s - rate), db = Math.abs(b.offered_per_s - rate);
    return db < da || (db === da && b.offered_per_s > a.offered_per_s) ? b : a;
  }) : null;
}

function stepTable(list, { writer = false } = {}) {
  const sat = new Set(saturatedSteps(list));
  const head = ['offered/s', 'acked/s', 'refused: limit / busy / other', 'failed: unanswered / unsent / closed',
    'delivered / expected', 'ack p50 / p99 ms', 'delivery p50 / p99 / max ms',
    'CPU cores: server / loadgen / MariaDB / machine', 'server µs per request'];
  if (writer) head.push('writer: mean batch, commit p50 / p99 ms');
  head.push('gaps / dups', 'kept up', 'limited by (saturated steps)');
  const out = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i >= 10 + (writer ? 1 : 0) ? ':---' : '---:')).join('|')}|`];
  for (const r of list) {
    const d = r.delivery_latency || {};
    const cells = [num(r.offered_per_s), num(r.acked_per_s),
      `${num(r.refused_rate_limited)} / ${num(r.refused_busy)} / ${num(r.errors_other)}`,
      `${num(r.unanswered)} / ${num(r.unsent)} / ${num(r.connections_closed)}`,
      `${num(r.deliveries)} / ${num(r.expected_deliveries)} (${pct(r.deliveries, r.expected_deliveries)})`,
      `${lat(r.ack_latency, 'p50_ms')} / ${lat(r.ack_latency, 'p99_ms')}`,
      `${lat(d, 'p50_ms')} / ${lat(d, 'p99_ms')} / ${lat(d, 'max_ms')}`,
      `${num(r.server_cpu_cores, 2)} / ${num(r.loadgen_cpu_cores, 2)} / ${num(r.db_cpu_cores, 2)} / ${num(r.machine_cpu_cores, 2)}`,
      num(usPerRequest(r), 1)];
    if (writer) {
      const w = r.writer || {};
      cells.push(w.batches ? `${num(w.mean_batch, 1)}, ${lat(w, 'commit_p50_ms')} / ${lat(w, 'commit_p99_ms')}` : '–');
    }
    cells.push(`${r.gaps} / ${r.duplicates}`, r.kept_up ? 'yes' : 'no', sat.has(r) || !r.kept_up ? limiter(r) : '–');
    out.push(`| ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

// ---- the scenarios ------------------------------------------------------------------------------

const ceiling = Object.fromEntries(rows.filter((r) => r.scenario === 'ceiling').map((r) => [r.label, r.per_s]));
const sq10 = pick('rooms', 'sqlite-durable', 10);
const my10 = pick('rooms', 'mariadb-durable', 10);
const my10two = pick('rooms', 'mariadb-durable-2cores', 10);
const node10 = pick('rooms', 'node-ws', 10);
const my50 = pick('rooms', 'mariadb-durable', 50);
const node50 = pick('rooms', 'node-ws', 50);
const my2000 = pick('rooms', 'mariadb-durable', 2000);
const node2000 = pick('rooms', 'node-ws', 2000);
const slow = pick('slow', 'mariadb-durable');
const slowNone = pick('slow', 'mariadb-durable-all-reading');
const reconnect = pick('reconnect', 'mariadb-durable');
const reconnectSummary = rows.find((r) => r.scenario === 'reconnect' && r.reconnected !== undefined);
const typingOurs = pick('typing', 'sqlite-typing');
const typingNode = pick('typing', 'node-ws-typing');
const typingBeast = pick('typing', 'beast-typing');
const idle = rows.find((r) => r.scenario === 'idle' && r.connections !== undefined);

const maxMy = sustained(my10);
const maxMyTwo = sustained(my10two);
// The targets are for the server and the load generator pinned apart: judged on the pinned run (the
// run with the server free to use both cores is shown beside it, never judged), unless the machine
// had one core and nothing was pinned.
const bestMy = pinned || !maxMyTwo || (maxMy && maxMy.acked_per_s >= maxMyTwo.acked_per_s) ? maxMy : maxMyTwo;
const bestMyList = bestMy === maxMyTwo ? my10two : my10;
const halfMy = bestMy ? nearest(bestMyList, bestMy.offered_per_s / 2) : null;
const maxSq = sustained(sq10), maxNode = sustained(node10);
// The first step past the maximum: what stopped the durable path.
const pastMax = (list, max) => list.find((r) => !r.kept_up && (!max || r.offered_per_s > max.offered_per_s));
const myStop = pastMax(bestMyList, bestMy), sqStop = pastMax(sq10, maxSq);

const fanOurs = atSaturation(typingOurs), fanNode = atSaturation(typingNode), fanBeast = atSaturation(typingBeast);
const fanKept = [typingOurs, typingNode, typingBeast].map(atSaturationKeptUp);
const fan = (r) => (r ? perCpuSecond(r) : null);

const sum = (list, k) => list.reduce((s, r) => s + (r[k] || 0), 0);
// bench/run measures the pair twice, in the order stopped, all reading, all reading, stopped, so that
// a drift of the machine through the run weighs on both alike; each side is the mean of its p99s.
const meanP99 = (list) => (list.length ? list.reduce((a, r) => a + r.delivery_latency.p99_ms, 0) / list.length : null);
const slowP99 = meanP99(slow), noneP99 = meanP99(slowNone);
const p99s = (list) => list.map((r) => `${lat(r.delivery_latency, 'p99_ms')} ms`).join(' and ');
const slowClients = sum(slow, 'slow_clients'), slowClosed = sum(slow, 'slow_clients_disconnected');
const slowCut = slow.length > 0 && slow.every((r) => r.slow_clients > 0 && r.slow_clients_disconnected === r.slow_clients);

const stepRows = rows.filter((r) => r.offered_per_s !== undefined && r.scenario !== 'ceiling');
const allGaps = sum(finals, 'gaps'), allDups = sum(finals, 'duplicates'), allLost = sum(finals, 'acked_not_delivered');
const runsLabels = new Set(stepRows.map((r) => `${r.scenario}/${r.label}/${r.room_size}`));
const finalLabels = new Set(finals.map((r) => `${r.scenario}/${r.label}/${r.room_size}`));
const incomplete = [...runsLabels].filter((l) => !finalLabels.has(l));
const allRefused = stepRows.reduce((s, r) => s + refused(r), 0);
const allFailed = stepRows.reduce((s, r) => s + failed(r), 0);
const refusedSteps = stepRows.filter((r) => refused(r) || failed(r));

// ---- the one table: ratios and targets ---------------------------------------------------------

const fanCell = (r, kept) => (r ? `${num(fan(r))} at ${num(r.offered_per_s)}/s offered (${num(r.server_cpu_cores, 2)} core; kept up: ${r.kept_up ? 'yes' : `no, ack p90 ${lat(r.ack_latency, 'p90_ms')} ms`}${r.frames_per_write ? `; ${num(r.frames_per_write, 1)} frames per write` : ''}; limited by ${limiter(r)}). At the highest saturated step kept up: ${kept ? `${num(fan(kept))} at ${num(kept.offered_per_s)}/s` : 'none'}` : 'never saturated with the load generator below its limit: no figure');
const usPost = (r) => (r ? num(usPerRequest(r), 1) : '–');
const durableMet = (max, stop, goal) => {
  // The highest offered rate kept up with (every post acknowledged within the step or its drain,
  // 99% within the step itself, the acknowledgement p90 under 100 ms) is the sustained rate.
  if (max && max.offered_per_s >= goal) return true;
  // Where the load generator's core is the limit, the server's cost per post decides.
  return Boolean(stop && stop.loadgen_cpu_cores >= 0.9 && stop.server_cpu_cores < 0.9 && max && usPerRequest(max) <= 40);
};
const ratioRows = [
  ['Raw fan-out: typing deliveries per server CPU second at saturation (rooms of 50, no storage)',
    fanCell(fanOurs, fanKept[0]), fanCell(fanNode, fanKept[1]), fanCell(fanBeast, fanKept[2]),
    `${ratio(fan(fanOurs), fan(fanNode))} Node, ${ratio(fan(fanOurs), fan(fanBeast))} Beast (at the highest saturated steps kept up: ${ratio(fan(fanKept[0]), fan(fanKept[1]))} Node, ${ratio(fan(fanKept[0]), fan(fanKept[2]))} Beast)`,
    '≥ 3× Node and ≥ 1.5× Beast', verdict(fan(fanOurs) && fan(fanNode) && fan(fanBeast) && fan(fanOurs) >= 3 * fan(fanNode) && fan(fanOurs) >= 1.5 * fan(fanBeast))],
  ['Durable posts/s on MariaDB, rooms of 10 (highest step kept up; server µs per post there)',
    (bestMy ? `${num(bestMy.offered_per_s)}/s kept up (${num(bestMy.acked_per_s)}/s acknowledged within the step, the rest in its drain; ${usPost(bestMy)} µs/post; ${bestMy === maxMyTwo ? 'server on both cores' : 'server on one core'}); next step limited by ${myStop ? limiter(myStop) : '– (never fell behind)'}` : 'kept up with no step') +
      (maxMyTwo && bestMy !== maxMyTwo ? `. Not judged: with the server free to use both cores (shared with the load generator), ${num(maxMyTwo.offered_per_s)}/s kept up (${usPost(maxMyTwo)} µs/post)` : ''),
    maxNode ? `${num(maxNode.acked_per_s)} in memory, not durable` : '–', '–', ratio(bestMy && bestMy.acked_per_s, maxNode && maxNode.acked_per_s) + ' Node',
    '≥ 12,000, or ≤ 40 µs/post where the load generator is the limit', verdict(durableMet(bestMy, myStop, 12000))],
  ['Durable posts/s on SQLite, rooms of 10',
    maxSq ? `${num(maxSq.offered_per_s)}/s kept up (${num(maxSq.acked_per_s)}/s acknowledged within the step, the rest in its drain; ${usPost(maxSq)} µs/post); next step limited by ${sqStop ? limiter(sqStop) : '– (never fell behind)'}` : 'kept up with no step',
    '–', '–', '–', '≥ 8,000', verdict(durableMet(maxSq, sqStop, 8000))],
  ['p99 post→delivery at half the maximum durable rate (MariaDB)',
    halfMy ? `${lat(halfMy.delivery_latency, 'p99_ms')} ms at ${num(halfMy.offered_per_s)} posts/s` : 'not measured', '–', '–', '–',
    '< 15 ms', verdict(halfMy && halfMy.delivery_latency.p99_ms < 15)],
  ['Idle authenticated connections: server RSS ÷ connections',
    idle ? `${num(idle.server_rss_kib_per_connection)} KiB (${num(idle.connections)} connections, RSS ${num(idle.server_rss_mib)} MiB; growth ${num(idle.server_rss_growth_kib_per_connection)} KiB each)` : 'not measured',
    '–', '–', '–', '10,000 connections, < 10 KiB each', verdict(idle && idle.connections >= 10000 && idle.server_rss_kib_per_connection < 10)],
  ['1,000 clients resume at once with `since`',
    reconnectSummary ? `${reconnectSummary.seconds_to_resume_all} s; ${reconnectSummary.clients_behind} behind, ${reconnectSummary.gaps} gaps, ${reconnectSummary.duplicates} duplicates` : 'not measured',
    '–', '–', '–', '< 1 s, exactly once', verdict(reconnectSummary && reconnectSummary.seconds_to_resume_all < 1 && reconnectSummary.clients_behind === 0 && reconnectSummary.gaps === 0 && reconnectSummary.duplicates === 0)],
  ['1% of clients stop reading: the others\' delivery p99 against the same step with all reading',
    slow.length && slowNone.length ? `${num(slowP99, 2)} ms vs ${num(noneP99, 2)} ms (${ratio(slowP99, noneP99)}; the mean of ${p99s(slow)} against that of ${p99s(slowNone)}); stopped readers cut off by the server: ${slowClosed} of ${slowClients}` : 'not measured',
    '–', '–', '–', '≤ 1.2×, and every stopped reader cut off', verdict(slowP99 && noneP99 && slowP99 <= 1.2 * noneP99 && slowCut)],
  ['Zero gaps, zero duplicates, nothing acknowledged lost',
    `${allGaps} gaps, ${allDups} duplicates, ${allLost} acknowledged and not delivered${incomplete.length ? `; no final check for ${incomplete.join(', ')}` : ''}`,
    '–', '–', '–', 'zero in every scenario', verdict(allGaps === 0 && allDups === 0 && allLost === 0 && incomplete.length === 0 && failedRuns.length === 0)],
];
const ratioTable = ['| figure | Mediation Network | Node.js ws | Beast baseline | ratio | target | |', '|---|---|---|---|---|---|---|',
  ...ratioRows.map((c) => `| ${c.join(' | ')} |`)].join('\n');

const sideBySide = [
  ['Mediation Network, SQLite, durable', maxSq],
  ['Mediation Network, MariaDB, durable', maxMy],
  ['Mediation Network, MariaDB, durable, server on both cores', maxMyTwo],
  ['Node.js ws peer, in memory', maxNode],
].map(([n, r]) => `| ${n} | ${r ? num(r.offered_per_s) : '–'} | ${r ? num(r.deliveries_per_s) : '–'} | ${r ? lat(r.delivery_latency, 'p99_ms') : '–'} | ${r ? num(r.server_cpu_cores, 2) : '–'} | ${r ? num(usPerRequest(r), 1) : '–'} |`).join('\n');

function typingTable() {
  const out = ['| server | offered typing/s | acked | delivered / expected | deliveries/s | CPU cores: server / loadgen / machine | deliveries per server CPU second | frames per write | kept up | saturated | limited by |',
    '|---|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|:---|'];
  for (const [name, list] of [['Mediation Network', typingOurs], ['Node.js ws', typingNode], ['Beast baseline', typingBeast]]) {
    const sat = new Set(saturatedSteps(list));
    for (const r of list) {
      out.push(`| ${name} | ${num(r.offered_per_s)} | ${num(r.acks)} of ${num(r.offered)}${refused(r) + failed(r) ? ` (${num(refused(r))} refused, ${num(failed(r))} failed)` : ''} | ${num(r.deliveries)} / ${num(r.expected_deliveries)} (${pct(r.deliveries, r.expected_deliveries)}) | ${num(r.deliveries_per_s)} | ${num(r.server_cpu_cores, 2)} / ${num(r.loadgen_cpu_cores, 2)} / ${num(r.machine_cpu_cores, 2)} | ${num(perCpuSecond(r))} | ${num(r.frames_per_write, 1)} | ${r.kept_up ? 'yes' : 'no'} | ${sat.has(r) ? 'yes' : 'no'} | ${sat.has(r) || !r.kept_up ? limiter(r) : '–'} |`);
    }
  }
  return out.join('\n');
}

// ---- the plot -----------------------------------------------------------------------------------

const series = [['sqlite-durable', sq10], ['mariadb-durable', my10], ['node-ws', node10]];
let dat = '';
for (const [name, list] of series) {
  dat += `# ${name}\n`;
  for (const r of list) dat += `${r.offered_per_s} ${r.delivery_latency.p50_ms ?? 0} ${r.delivery_latency.p99_ms ?? 0}\n`;
  dat += '\n\n';
}
writeFileSync(path.join(outDir, 'latency.dat'), dat);
writeFileSync(path.join(outDir, 'latency.gp'), `set terminal pngcairo size 900,520 font "sans,10"
set output "latency.png"
set title "Post → delivery latency against offered load (rooms of 10, durable)"
set xlabel "offered posts per second"
set ylabel "latency (ms, log scale)"
set logscale y
set grid
set key top left
plot "latency.dat" index 0 using 1:3 with linespoints title "SQLite p99", \\
     "" index 0 using 1:2 with linespoints dashtype 2 title "SQLite p50", \\
     "" index 1 using 1:3 with linespoints title "MariaDB p99", \\
     "" index 1 using 1:2 with linespoints dashtype 2 title "MariaDB p50", \\
     "" index 2 using 1:3 with linespoints title "Node ws (no storage) p99", \\
     "" index 2 using 1:2 with linespoints dashtype 2 title "Node ws (no storage) p50"
`);

// ---- the page -----------------------------------------------------------------------------------

const section = (title, list, opts) => (list.length ? `### ${title}\n${stepTable(list, opts)}\n` : `### ${title}\nnot run${machine.quick === '1' ? ' (quick run)' : ''}\n`);
const md = `# Benchmarks

Written by \`bench/run\` on ${machine.date}${machine.quick === '1' ? ' **with --quick: fewer and shorter steps, some scenarios left out; not a result to quote**' : ''}; run it again to
reproduce (about twenty minutes; \`bench/run --quick\` for a short try). Raw results:
[\`benchmarks/results.jsonl\`](benchmarks/results.jsonl). Benchmarks are never part of \`scripts/test\`.

**Noise.** This machine has two cores and may be shared: the load average when the run ended was
${machine.load_during_run ? `\`${machine.load_during_run}\`` : 'not recorded'}. Every step records the whole machine's CPU and each core's beside
the server's, the load generator's and MariaDB's, so a step disturbed by other work shows it (core busy well
above server + load generator + MariaDB).${machine.note ? ` **Note on this run:** ${machine.note}` : ''}

## Machine and settings
| | |
|---|---|
| CPU | ${machine.cpu}, ${machine.cores} cores |
| memory | ${machine.memory} |
| system | ${machine.os}, kernel ${machine.kernel} |
| databases | MariaDB ${machine.mariadb} (throwaway instance, \`innodb_flush_log_at_trx_commit=1\`, binary log off, not pinned); SQLite ${machine.sqlite} (WAL, \`synchronous=FULL\`) |
| peers | Node.js ${machine.node} with \`ws\` 8.18.3 (\`bench/peer/server.mjs\`); the Beast baseline (\`bench/baseline/beast_chat.cpp\`: Boost.Beast, one thread, one write per message, in memory). Both speak the frames the load generator uses and store nothing |
| pinning | ${machine.pinning}; our server runs with \`--threads 1 --db-workers 2\` and its defaults otherwise (on MariaDB two writer connections, \`--write-connections 2\`; a kernel send buffer of 32 KiB per WebSocket, \`--ws-send-buffer\`) |
| accounts | our server's connections are spread over ${machine.load_users || '–'} accounts made for the run (connection *i* signs in as account *i* mod ${machine.load_users || '–'}), so the per-user limit sees a share of the load |
| limits | per-connection and per-user rate limits at their defaults (1,000/s burst 5,000; 2,000/s burst 10,000); lifted for the run: connections per address (every client is 127.0.0.1) and database jobs queued per user (\`--max-queued-per-user 0\`); outbound queue 4,096 frames / 16 MiB per connection (256 frames in the slow-reader runs), write batch ≤ 512 |
| load | \`build/loadgen\` (\`bench/loadgen.cpp\`): one thread; open loop (requests leave on schedule whatever the replies do); after Beast's handshake it reads frames itself (a readiness wait per connection, then whatever the kernel holds, cut into frames in place), so reading costs it less than sending costs the server; ${machine.step_seconds} s per step after a 1 s warm-up that must drain first, 100-byte bodies; each post carries its send time; every subscriber's seq stream is checked for gaps and duplicates |
| durability | "durable" means acknowledged only after the commit returned (fsync) |

## Ratios and targets
${ratioTable}
${gapsWhy()}

How each figure is read:
- **offered** requests were scheduled; **acked** got \`ok\`; **refused** got an error: \`rate_limited\` from a
  per-connection or per-user limit ("limit"), \`rate_limited\` for a full queue ("busy"), any other code
  ("other"); **failed**: sent and never answered within the step and its drain ("unanswered"), not sent
  because the connection had closed ("unsent"), or reading connections closed during the step ("closed").
- **expected** deliveries: each request × the reading members of the sender's room, less the sender when the
  server does not send it its own event (probed by the load generator at set-up of every run: ${selfDelivery()}).
  **delivered** counts only events of the step's own requests.
- **kept up**: ≥ 99% of offered acknowledged, ≥ 99% of expected delivered, nothing refused or failed, the
  warm-up drained before the step, and the acknowledgement p90 under 100 ms (past saturation the backlog, and
  with it the bulk of the latencies, grows through the step). Stepping stops after two steps that did not.
  The durable targets are judged on the highest offered rate kept up with (its posts acknowledged within
  the step fall a little short of it: those sent in the step's last milliseconds are acknowledged in its
  drain); both figures are shown.
- **CPU**: \`/proc/PID/stat\` utime + stime of the server, the load generator and \`mariadbd\`, and \`/proc/stat\`
  for the whole machine and each core (busy = all but idle and iowait), over the step and its drain, in
  cores; a core's busy share includes hypervisor steal time. "Limited by" gives a busy core's figure beside
  the process's own: the difference is other processes (other users of this shared machine among them),
  interrupt work done while no process of ours ran, and steal.
  **server µs per request**: server CPU seconds ÷ acknowledged requests (a post's writer, fan-out and
  acknowledgement included).
- **writer**: from the server's \`/metrics\` before and after the step: mean batch =
  Δ\`mediation_write_jobs_total\` ÷ Δ\`mediation_write_batches_total\`; commit p50 / p99 interpolated in the
  deltas of the \`mediation_commit_seconds\` histogram's buckets (0.5, 1, 2.5, 5, 10, 25, 50, 100, 250 ms …).
  **frames per write**: Δ\`mediation_frames_out_total\` ÷ Δ\`mediation_ws_writes_total\`, the frames
  (deliveries and replies) each WebSocket write handed to the kernel; near 1, a system call per frame (a
  write may take more than one call when the kernel's send buffer is full).
- **saturated**: server CPU ≥ 0.9 core, or deliveries/s grew less than 5% over the previous step while the
  offered rate grew. Per-CPU-second figures are deliveries ÷ server CPU seconds of the saturated step that
  delivered most among those where the load generator and its core stayed below 0.9 (a step the load
  generator limited says nothing of the server's capacity), for every server alike; beside it, the same
  among the steps kept up. Past the point where a server keeps up, its backlog lets it write more frames at
  once, so its cost per delivery may fall: the first figure is the more favourable reading, the second the
  stricter. **limited by** names the resource at its limit in that step (a core at ≥ 0.9), or says that
  none was.
- Runs whose load generator failed (no figures): ${failedRuns.length ? failedRuns.map((r) => `${r.label} (${r.flags}): ${r.error}`).join('; ') : 'none'}.
- Refused in all steps: ${num(allRefused)}; failed: ${num(allFailed)}${refusedSteps.length ? ` (in ${refusedSteps.length} step${refusedSteps.length > 1 ? 's' : ''}: ${refusedSteps.map((r) => `${r.label}, ${r.scenario}, rooms of ${r.room_size}, at ${num(r.offered_per_s)}/s`).join('; ')})` : ''}.

## Side by side: rooms of 10, the highest offered rate each server kept up with
| server | posts/s | deliveries/s | delivery p99 ms | server CPU (cores) | server µs per post |
|---|---:|---:|---:|---:|---:|
${sideBySide}

## The ceiling
| | per second |
|---|---:|
| 4 KiB write + fsync (\`dd oflag=dsync\`) | ${num(ceiling.fsync)} |
| MariaDB single-row autocommit INSERT (one durable commit each) | ${num(ceiling.mariadb_insert)} |

One durable commit per message would cap posts at these rates; the server's writer commits many posts per
transaction (the writer column shows how many), so its durable rate is bounded elsewhere: on MariaDB it
sustained ${bestMy && ceiling.mariadb_insert ? num(bestMy.offered_per_s / ceiling.mariadb_insert, 2) + '×' : '–'} the single-commit ceiling, on SQLite
${maxSq && ceiling.fsync ? num(maxSq.offered_per_s / ceiling.fsync, 2) + '×' : '–'} the fsync rate.

## Raw fan-out: ephemeral typing events, rooms of 50 (no storage on any side)
${typingTable()}

### Where the server's CPU goes at raw fan-out
${fanoutSection()}

## Rooms of 10, stepped load
![latency against offered load](benchmarks/latency.png)

${section('SQLite, durable', sq10, { writer: true })}
${section('MariaDB, durable', my10, { writer: true })}
${section('MariaDB, durable, the server free to use both cores (`--threads 2`, shared with the load generator)', my10two, { writer: true })}
${section('Node.js ws peer (no storage)', node10)}
## Rooms of 50
${section('MariaDB, durable', my50, { writer: true })}
${section('Node.js ws peer (no storage)', node50)}
## One room of 2,000 members (20 of them posting)
${section('MariaDB, durable', my2000, { writer: true })}
${section('Node.js ws peer (no storage)', node2000)}
## 1% of clients stop reading (MariaDB, rooms of 10, \`--queue-frames 256\`)
${section('With 1% stopped', slow, { writer: true })}
${section('The same step, every client reading', slowNone, { writer: true })}
${slow.map((r) => `Slow readers: ${r.slow_clients}, disconnected by the server during the step: ${r.slow_clients_disconnected}. The other clients' latencies are the ones above.` +
  ' A stopped reader\'s unread frames first fill its own receive buffer (128 KiB here, \`net.ipv4.tcp_rmem\`) and the server\'s send buffer for it (64 KiB: \`--ws-send-buffer\` doubled by the kernel) before the outbound queue, whose bound (256 frames here) then cuts it off; in a room that receives fewer frames this takes longer.' +
  (r.slow_clients_disconnected < r.slow_clients ? ' Not every stopped reader was cut off within the step.' : '')).join('\n')}
${slowWhy()}

## Everyone reconnects at once with \`since\` (MariaDB, rooms of 10)
${section('The step before', reconnect, { writer: true })}
${reconnectSummary ? `${num(reconnectSummary.reconnected)} clients dropped their connections and came back with \`subscribe since\`: all resumed in ${reconnectSummary.seconds_to_resume_all} s, ${reconnectSummary.clients_behind} left behind, ${reconnectSummary.gaps} gaps, ${reconnectSummary.duplicates} duplicates.` : ''}
${resumeWhy()}

## Idle connections
${idle ? `${num(idle.connections)} authenticated connections, each subscribed to a room: server RSS ${num(idle.server_rss_mib)} MiB (${num(idle.server_rss_before_mib)} MiB before the first), ${num(idle.server_rss_kib_per_connection)} KiB per connection counting the whole RSS, ${num(idle.server_rss_growth_kib_per_connection)} KiB counting only the growth.` : 'not measured'}
${idleWhy()}

## Where the server's CPU goes (MariaDB, durable, rooms of 10)
${profileSection()}
${latencyWhy()}
${sqliteWhy()}

## Notes and history
${readNotes()}
`;

// A profile bench/run took with perf (docs/benchmarks/profile-NAME-*.txt), summed per thread and
// part; null when none was taken.
function readProfile(name) {
  const read = (part) => readFileSync(path.join(outDir, `profile-${name}-${part}.txt`), 'utf8');
  let parts, functions, rate;
  try {
    parts = read('parts');
    functions = read('functions');
    rate = Number(read('rate').trim());
  } catch {
    return null;
  }
  // Lines: "  45.12%  mn-io  [kernel.kallsyms]".
  const byThread = new Map();
  for (const line of parts.split('\n')) {
    const m = line.match(/^\s*([\d.]+)%\s+(\S+)\s+(.+)$/);
    if (!m) continue;
    const [, share, comm, dso] = m;
    const t = byThread.get(comm) || { total: 0, kernel: 0, server: 0, other: 0 };
    t.total += Number(share);
    if (dso.includes('kernel')) t.kernel += Number(share);
    else if (dso.includes('mediation-server')) t.server += Number(share);
    else t.other += Number(share);
    byThread.set(comm, t);
  }
  // Inclusive shares of the kernel's TCP paths: "tcp_sendmsg 53.59%".
  const calls = {};
  try {
    for (const line of read('calls').split('\n')) {
      const m = line.match(/^(\S+) ([\d.]+)%$/);
      if (m) calls[m[1]] = Number(m[2]);
    }
  } catch { /* an older run: no such file */ }
  const lanes = ['mn-writer', 'mn-commit'].map((n) => byThread.get(n)).filter(Boolean);
  return {
    rate, byThread, functions, calls,
    io: byThread.get('mn-io'),
    // The writer lanes: their threads that apply (mn-writer) and that commit and publish (mn-commit).
    writer: lanes.length ? lanes.reduce((a, t) => ({ total: a.total + t.total, kernel: a.kernel + t.kernel }), { total: 0, kernel: 0 }) : undefined,
  };
}

// The tables of a profile: by thread and part, the kernel's network paths, the busiest functions.
function profileTables(p) {
  const names = { 'mn-io': 'the I/O thread: frames in and out', 'mn-writer': 'the writer lanes: applying batches', 'mn-commit': 'the writer lanes: commits, publishing', 'mn-db': 'the database readers' };
  const table = [...p.byThread].sort((a, b) => b[1].total - a[1].total).map(([comm, t]) =>
    `| \`${comm}\` ${names[comm] ? `(${names[comm]})` : ''} | ${num(t.total, 1)}% | ${num(t.kernel, 1)}% | ${num(t.server, 1)}% | ${num(t.other, 1)}% |`).join('\n');
  const c = p.calls;
  const paths = c.tcp_sendmsg !== undefined ? `
The kernel's TCP paths, each with what it calls (inclusive shares of the server's samples; they
overlap): sending (\`tcp_sendmsg\`) ${num(c.tcp_sendmsg, 1)}%; receive processing (\`net_rx_action\`; on loopback
the receiving side of a send runs in the sending thread) ${num(c.net_rx_action || 0, 1)}%; waking a process that waits to
read (\`sock_def_readable\`) ${num(c.sock_def_readable || 0, 1)}%; reading (\`tcp_recvmsg\`) ${num(c.tcp_recvmsg || 0, 1)}%; waiting for
readiness (\`epoll_wait\`) ${num(c.do_epoll_wait || 0, 1)}%.
` : '';
  return `| thread | all | kernel | server code | libraries (libc, SOCI, MariaDB client, libstdc++) |
|---|---:|---:|---:|---:|
${table}
${paths}
Busiest functions (share of the server's samples, by thread):
\`\`\`
${p.functions.split('\n').map((l) => l.trim()).filter(Boolean).join('\n')}
\`\`\``;
}

function stepCores(step) {
  return `CPU cores: server ${num(step.server_cpu_cores, 2)}, MariaDB ${num(step.db_cpu_cores, 2)}, load generator ${num(step.loadgen_cpu_cores, 2)}, machine ${num(step.machine_cpu_cores, 2)} of ${machine.cores}`;
}

// The durable MariaDB profile, read against that target.
function profileSection() {
  const p = readProfile('mariadb');
  if (!p) return 'No profile was taken (perf missing or not permitted on this machine).';
  const { io, writer } = p;
  const step = pick('rooms', 'mariadb-profile', 10)[0];
  const missed = !durableMet(bestMy, myStop, 12000);
  return `perf sampled the server (499 Hz, every thread) through one measured step at ${num(p.rate)} durable posts/s
(label \`mariadb-profile\`: ${step ? `${num(step.acked_per_s)}/s acknowledged, kept up: ${step.kept_up ? 'yes' : 'no'}, ${stepCores(step)}; ${num(usPerRequest(step), 1)} server µs per post` : 'no step recorded'}). Shares of the server's samples:

${profileTables(p)}
${missed && io && writer ? `
**Why the durable MariaDB target is missed, and what would move it.** The step past the highest kept up
was limited by ${myStop ? limiter(myStop) : 'nothing measured'}; MariaDB, not pinned, shares the server's
core, and the load generator uses much of the other. Within the server the I/O thread takes
${num(io.total, 0)}% of the samples, ${num(io.kernel, 0)} points of them in the kernel: reading the posts
and sending each recipient its frames (one \`sendmsg\` per connection per strand turn, a loopback TCP
transmit that also runs the receiving side). The writer lanes take ${num(writer.total, 0)}%,
${num(writer.kernel, 0)} points of them in the kernel (round trips to MariaDB, waking the I/O thread). What
would move it: a core for MariaDB apart from the server's; fewer system calls per delivered frame (a
connection's frames of several batches in one write, or sends batched across connections with
\`io_uring\`); and a server CPU cost per post below the ${num(usPerRequest(step || bestMy), 0)} µs measured
here, which is what the 40 µs alternative of the target asks.` : ''}`;
}

// The raw fan-out profile, and why the fan-out target is missed when it is.
function fanoutSection() {
  const p = readProfile('fanout');
  const step = pick('typing', 'typing-profile')[0];
  const head = p ? `perf sampled the server (499 Hz, every thread) through one measured step at ${num(p.rate)} typing events/s
in rooms of 50 (label \`typing-profile\`: ${step ? `${num(step.deliveries_per_s)} deliveries/s, ${num(perCpuSecond(step))} per server CPU second, ${num(step.frames_per_write, 1)} frames per write, ${stepCores(step)}` : 'no step recorded'}). Shares of the server's samples:

${profileTables(p)}
` : 'No profile was taken (perf missing or not permitted on this machine).\n';
  return head + fanoutKernel() + fanoutWhy(p);
}

// The three servers' fan-out profiled alike (bench/run profiles each at a rate that saturates it): the
// server CPU per delivery, and how much of it the kernel's TCP paths took.
function fanoutKernel() {
  const servers = [['Mediation Network', 'fanout', 'typing-profile'], ['Node.js ws', 'fanout-node', 'node-typing-profile'],
    ['Beast baseline', 'fanout-beast', 'beast-typing-profile']];
  const rowsOut = [];
  for (const [name, profileName, label] of servers) {
    const p = readProfile(profileName);
    const step = pick('typing', label)[0];
    if (!p || !step || !step.deliveries || p.calls.tcp_sendmsg === undefined) continue;
    const us = (step.server_cpu_s * 1e6) / step.deliveries;
    const part = (k) => `${num((us * (p.calls[k] || 0)) / 100, 2)} (${num(p.calls[k] || 0, 0)}%)`;
    rowsOut.push(`| ${name} | ${num(step.offered_per_s)} | ${num(step.deliveries_per_s)} | ${num(step.server_cpu_cores, 2)} | ${num(step.frames_per_write, 1)} | ${num(us, 2)} | ${part('tcp_sendmsg')} | ${part('net_rx_action')} | ${part('sock_def_readable')} |`);
  }
  if (!rowsOut.length) return '';
  return `
Each server profiled alike, at a rate that saturates it (server µs per delivery: its CPU ÷ deliveries; the
kernel columns are inclusive and overlap, the receive processing and wake-ups being mostly inside the sends):

| server | offered typing/s | deliveries/s | server CPU (cores) | frames per write | server µs per delivery | of it in TCP sending (\`tcp_sendmsg\`) | in receive processing (\`net_rx_action\`) | in waking a reader (\`sock_def_readable\`) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rowsOut.join('\n')}
`;
}

function fanoutWhy(p) {
  const ours = fan(fanOurs), node = fan(fanNode), beast = fan(fanBeast);
  if (ours && node && beast && ours >= 3 * node && ours >= 1.5 * beast) return '';
  if (!fanOurs) return `
**Why the raw fan-out target is missed.** No step of ours saturated the server with the load generator
below its limit, so there is no figure to judge: ${typingOurs.length ? `the last step (${num(typingOurs.at(-1).offered_per_s)}/s) was limited by ${limiter(typingOurs.at(-1))}` : 'the scenario did not run'}.`;
  const c = p ? p.calls : {};
  const kernel = c.tcp_sendmsg !== undefined ? ` In the profile above, ${num(c.tcp_sendmsg, 0)}% of the
server's samples are in TCP sending and what it calls, ${num(c.net_rx_action || 0, 0)}% in receive processing (on loopback
the receiving side of each send runs in the sending thread) and ${num(c.sock_def_readable || 0, 0)}% in waking a reader; the
table above gives the same for the peers.` : '';
  const fpw = fanOurs.frames_per_write;
  const more = fpw !== undefined && fpw < 2
    ? 'more frames per system call (at this step about one frame went to each write, so each delivery cost a `sendmsg`) and sends batched across connections (`io_uring`)'
    : `sends batched across connections (\`io_uring\`: at this step each write already carried ${num(fpw, 1)} frames, so what is left is the kernel's cost per write and the server's own work per delivery)`;
  // The peers' figures at every saturated step of this run, their profiled step included: how far one
  // server's figure at saturation moves within a run, on code that does not change between its steps.
  // (Ours is not listed: below its limit its figure grows with the load, as frames queue and share writes.)
  const missBy = Math.max(node ? (3 * node) / ours : 1, beast ? (1.5 * beast) / ours : 1);
  const peerSpread = [[typingNode, 'node-typing-profile', 'Node.js'], [typingBeast, 'beast-typing-profile', 'Beast']]
    .map(([list, label, n]) => {
      const figs = [...saturatedSteps(list).filter((r) => !loadgenLimited(r)), ...pick('typing', label)].map(perCpuSecond).filter(Boolean);
      return figs.length > 1 ? { text: `${n} ${figs.map((f) => num(f)).join(' / ')}`, spread: Math.max(...figs) / Math.min(...figs) } : null;
    }).filter(Boolean);
  const noisy = peerSpread.filter((x) => x.spread > missBy);
  const spread = noisy.length ? `
The peers' figures at their saturated steps in this run, the profiled step last: ${peerSpread.map((x) => x.text).join('; ')}.
One server's figure at saturation moves within a run by more than the ${ratio(missBy, 1)} the target is missed by, so
this verdict says as much about the run as about the server; the table above, per delivery, is the steadier
comparison.` : '';
  return `
**Why the raw fan-out target is missed, and what would move it.** At saturation
(${num(fanOurs.offered_per_s)}/s offered) the server delivered ${num(fanOurs.deliveries_per_s)}/s on ${num(fanOurs.server_cpu_cores, 2)} core,
${num(ours)} per CPU second (${ratio(ours, node)} Node, ${ratio(ours, beast)} Beast), limited by ${limiter(fanOurs)}.${kernel}
${spread}
What would move it: ${more}; and less of the server's own work per delivery (the busiest functions
above).`;
}

// Why the slow-reader target is missed (empty when it is met), read from the steps with and without
// stopped readers side by side: what stopped readers can change (the I/O thread's work, cut-offs)
// against what they cannot (the writer's batch time).
function slowWhy() {
  if (!slow.length || !slowNone.length || (slowP99 <= 1.2 * noneP99 && slowCut)) return '';
  const mean = (list, f) => list.reduce((a, r) => a + (f(r) || 0), 0) / list.length;
  const side = (list) => ({
    p50: mean(list, (r) => r.delivery_latency.p50_ms), p90: mean(list, (r) => r.delivery_latency.p90_ms),
    p999: mean(list, (r) => r.delivery_latency.p999_ms), commit50: mean(list, (r) => r.writer && r.writer.commit_p50_ms),
    commit99: mean(list, (r) => r.writer && r.writer.commit_p99_ms), server: mean(list, (r) => r.server_cpu_cores),
    wait: mean(list, (r) => r.server_runqueue_ms_per_s), dbWait: mean(list, (r) => r.db_runqueue_ms_per_s),
  });
  const a = side(slow), b = side(slowNone);
  const cmp = (x, y, d = 2) => `${num(x, d)} against ${num(y, d)}`;
  return `
**Why the slow-reader target is missed, and what would move it.** ${slowCut ? `Every stopped reader was cut off by the
server's queue limit (${slowClosed} of ${slowClients}).` : `Not every stopped reader was cut off (${slowClosed} of ${slowClients}).`} With them stopped against all reading (means over the
steps of each kind), the others' delivery p50 ${cmp(a.p50, b.p50)} ms, p90 ${cmp(a.p90, b.p90)} ms, p99 ${cmp(slowP99, noneP99)} ms
and p99.9 ${cmp(a.p999, b.p999)} ms. The writer's batch time, which stopped readers cannot lengthen (the writer
hands the deliveries to the I/O thread and never waits on a connection), was p50 ${cmp(a.commit50, b.commit50)} ms and p99
${cmp(a.commit99, b.commit99)} ms; the server used ${cmp(a.server, b.server)} cores and its threads waited ${cmp(a.wait, b.wait, 0)} ms
per second for a core (MariaDB's ${cmp(a.dbWait, b.dbWait, 0)} ms). ${a.commit50 > 1.1 * b.commit50
    ? 'The batch time moved with the delivery latency: the two kinds of step ran on a machine in different states, which this comparison cannot separate from the stopped readers\' effect.'
    : 'The batch time did not move with the delivery latency: the difference is in the fan-out, where a stopped reader costs the I/O thread its queued frames and its cut-off.'}
What would move it: more pairs of steps, in alternating order, so that the comparison is of the server
rather than of stretches of this shared machine's time; should a difference remain, a profile of the I/O
thread with readers stopped and without.`;
}

// Why resuming misses its target (empty when it is met): its two parts and the CPU spent on it.
function resumeWhy() {
  const r = reconnectSummary;
  if (!r || (r.seconds_to_resume_all < 1 && r.clients_behind === 0 && r.gaps === 0 && r.duplicates === 0)) return '';
  const parts = r.seconds_to_connect !== undefined ? ` Connecting and signing in (TCP, the WebSocket upgrade,
\`auth\` with a token, the load generator opening connections in waves of 500) took ${r.seconds_to_connect} s of it,
subscribing with \`since\` and catching up the rest. Over the whole resumption the server used ${num(r.server_cpu_s, 2)} CPU seconds,
MariaDB ${num(r.db_cpu_s, 2)} and the load generator ${num(r.loadgen_cpu_s, 2)}.` : '';
  return `
**Why resuming misses its target, and what would move it.** ${num(r.reconnected)} clients resumed in ${r.seconds_to_resume_all} s
(${r.clients_behind} behind, ${r.gaps} gaps, ${r.duplicates} duplicates).${parts} What would move it: whichever part is the larger,
cheaper: a token check that does not wait on the database for every connection (a short-lived cache that
revocations clear on every node), and the catch-up reads of a room's subscribers served by one query.`;
}

// Why the idle connections miss their target (empty when it is met).
function idleWhy() {
  if (!idle || (idle.connections >= 10000 && idle.server_rss_kib_per_connection < 10)) return '';
  return `
**Why the idle connections miss their target, and what would move it.** ${num(idle.connections)} connections took the server's
RSS from ${num(idle.server_rss_before_mib)} to ${num(idle.server_rss_mib)} MiB: ${num(idle.server_rss_growth_kib_per_connection)} KiB each in growth, ${num(idle.server_rss_kib_per_connection)} KiB counting the whole RSS.
What would move it: smaller per-connection buffers (the read buffer and the outbound queue's first
allocation) and the kernel send buffer (\`--ws-send-buffer\`).`;
}

// Where gaps, duplicates or losses were seen (empty when there were none): never noise, always a fault.
function gapsWhy() {
  const bad = finals.filter((r) => r.gaps || r.duplicates || r.acked_not_delivered);
  if (!bad.length && !incomplete.length && !failedRuns.length) return '';
  return `
**Where the zero-gap target is missed.** ${bad.map((r) => `${r.label} (${r.scenario}, rooms of ${r.room_size}): ${r.gaps} gaps, ${r.duplicates} duplicates, ${r.acked_not_delivered} acknowledged and not delivered`).join('; ') || 'no final check reported a gap'}${incomplete.length ? `; runs without a final check: ${incomplete.join(', ')}` : ''}${failedRuns.length ? `; runs that failed: ${failedRuns.map((r) => r.label).join(', ')}` : ''}.
A gap or a loss is a fault of the server, not of the machine: each is an issue to open with its run's
results (\`benchmarks/results.jsonl\`).`;
}

// Why the durable SQLite target is missed (empty when it is met): SQLite has no database process, so the
// step past the maximum is read against the server's one core.
function sqliteWhy() {
  if (durableMet(maxSq, sqStop, 8000) || !sqStop) return '';
  const need = 1e6 / 8000;
  const gauge = node10.length ? node10[0] : null;
  return `
**Why the durable SQLite target is missed, and what would move it.** SQLite runs inside the server, so at
8,000 posts/s on one core the server may spend at most ${num(need, 0)} µs per post, writer, fan-out and
acknowledgement included. At ${num(sqStop.offered_per_s)}/s it acknowledged ${num(sqStop.acked_per_s)}/s, limited by
${limiter(sqStop)}, at ${usPost(sqStop)} µs per post${maxSq ? ` (${usPost(maxSq)} µs at ${num(maxSq.offered_per_s)}/s, the highest step kept up)` : ''};
its threads waited ${num(sqStop.server_runqueue_ms_per_s, 0)} ms per second for the core.${gauge ? ` As a gauge of this
machine during the run, the Node.js peer spent ${num(usPerRequest(gauge), 0)} µs per message at ${num(gauge.offered_per_s)}/s
(in memory, same clients): compare it with other runs' before comparing ours.` : ''} What would move it is
what the profile above shows for the server as a whole: fewer system calls per delivered frame and fewer
allocations (malloc and free are the busiest functions of the writer lanes and the I/O thread).`;
}

// Why p99 post-to-delivery at half the maximum durable rate misses its target, read from that step and
// its neighbours (empty when it is met).
function latencyWhy() {
  if (!halfMy || halfMy.delivery_latency.p99_ms < 15) return '';
  const w = halfMy.writer || {};
  // SQLite steps kept up whose delivery p99 misses while their batch time is short: the same tail
  // without a database round trip.
  const sqTail = sq10.filter((r) => r.kept_up && r.delivery_latency.p99_ms >= 15 && r.writer && r.writer.commit_p99_ms < 5
    && r.server_runqueue_ms_per_s !== undefined);
  const sqliteSpikes = sqTail.length ? {
    batch: Math.max(...sqTail.map((r) => r.writer.commit_p99_ms)),
    steps: sqTail.map((r) => `${lat(r.delivery_latency, 'p99_ms')} ms at ${num(r.offered_per_s)}/s`).join(', '),
    wait: sqTail.map((r) => num(r.server_runqueue_ms_per_s, 0)).join(', '),
  } : null;
  const around = bestMyList.filter((r) => r.kept_up && Math.abs(r.offered_per_s - halfMy.offered_per_s) <= halfMy.offered_per_s / 2)
    .map((r) => `${num(r.offered_per_s)}/s: ${lat(r.delivery_latency, 'p99_ms')} ms (batch p99 ${lat(r.writer || {}, 'commit_p99_ms')} ms)`).join('; ');
  return `
**Why p99 post→delivery at half the maximum is missed, and what would move it.** At ${num(halfMy.offered_per_s)}
posts/s a post waits for the batch its lane is applying, then for its own (applied while the one before
it commits, on the lane's other connection): its delivery takes about two batch times (BEGIN to COMMIT, a few round trips to MariaDB and its log flush) and the fan-out. At that step the
batch time was p50 ${lat(w, 'commit_p50_ms')} / p99 ${lat(w, 'commit_p99_ms')} ms (mean batch ${num(w.mean_batch, 1)}) and
delivery p50 ${lat(halfMy.delivery_latency, 'p50_ms')} / p99 ${lat(halfMy.delivery_latency, 'p99_ms')} / max
${lat(halfMy.delivery_latency, 'max_ms')} ms, with the machine ${num(halfMy.machine_cpu_cores, 2)} of ${machine.cores} cores busy
(server ${num(halfMy.server_cpu_cores, 2)}, MariaDB ${num(halfMy.db_cpu_cores, 2)}, load generator
${num(halfMy.loadgen_cpu_cores, 2)}). ${halfMy.server_runqueue_ms_per_s !== undefined ? `Time runnable but waiting for a core, per second of the step:
server ${num(halfMy.server_runqueue_ms_per_s, 1)} ms, MariaDB ${num(halfMy.db_runqueue_ms_per_s, 1)} ms, load generator ${num(halfMy.loadgen_runqueue_ms_per_s, 1)} ms
(summed over each one's threads). ` : ''}Steps around it: ${around}. ${2 * (w.commit_p99_ms || 0) < halfMy.delivery_latency.p99_ms
    ? `Two batch times at their p99 come to ${num(2 * (w.commit_p99_ms || 0), 1)} ms, well under the delivery p99: the rest of
the tail is spent outside the batch${halfMy.server_runqueue_ms_per_s !== undefined ? ' (the run-queue figures above say how long each process waited for a core)' : ''}: the I/O
thread shares its core with MariaDB's threads (not pinned), and the load generator, which times the
deliveries, shares the other with them.`
    : 'The tail follows the batch time\'s: each round trip of a batch waits for a MariaDB thread to get a core.'}${sqliteSpikes ? `
On SQLite, where a batch took at most ${num(sqliteSpikes.batch, 1)} ms at its p99 and no database process runs beside
the server, steps show the same kind of tail (${sqliteSpikes.steps}), while the server's threads waited
${sqliteSpikes.wait} ms per second for a core: that points to the server's own threads (the I/O thread, the
writer lanes, the database readers, all pinned to one core) queueing for that core, not to the database.` : ''}
What would move it: fewer of the server's threads taking turns on its core (the writer's completions on
the I/O thread, or fewer lanes when the server has one core), MariaDB on a core of its own (this machine has
none to spare), and fewer round trips per batch. Pipelining the lanes (each applies its next batch while
the last commits) did not move it on this machine (see the notes below): the server's core was already
busy through each commit.`;
}

// What the probes found, per server and kind of request.
function selfDelivery() {
  const server = (l) => (l.startsWith('node') ? 'the Node.js peer' : l.startsWith('beast') ? 'the Beast baseline' : 'Mediation Network');
  const seen = new Map();
  for (const r of stepRows) {
    if (r.self_delivery === undefined) continue;
    const key = `${r.scenario === 'typing' ? 'typing events' : 'posts'} ${r.self_delivery ? 'come back to' : 'do not reach'} their sender`;
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key).add(server(r.label));
  }
  return [...seen].map(([k, v]) => `${k} on ${[...v].join(', ')}`).join('; ') || 'no probe recorded';
}

function readNotes() {
  try {
    return readFileSync(path.join(outDir, 'NOTES.md'), 'utf8');
  } catch {
    return '';
  }
}

writeFileSync(outMd, md);
