#!/usr/bin/env node
// pnpm bench:relay [-- --clients 1000,10000 --changes 3 --connections 32 --seconds 5 --only streams|evaluation]
// 1. Fan-out: starts the built relay CLI in its own process on a temp flag file, opens N
//    concurrent SSE streams over loopback (raw sockets, so the client side stays cheap), changes
//    the file, and reports how long until every client has the change, plus the relay's memory.
// 2. Evaluation throughput over keep-alive connections, next to a trivial Node server
//    (bench/evaluation.mjs).
// Needs `pnpm -r build` first.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runEvaluationBench } from './evaluation.mjs';
import { percentile, startRelay } from './startRelay.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    clients: { type: 'string', default: '1000,10000' },
    changes: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '5' },
    only: { type: 'string' },
  },
});
const SIZES = values.clients.split(',').map(Number);
const CHANGES = Number(values.changes);

const flags = (n) => `version: "1.6"
flags:
${Array.from({ length: 20 }, (_, i) => `  - key: flag-${i}
    name: Flag ${i}
    enabled: true
    variants: [{key: a, default: ${n % 2 === 0}}, {key: b, default: ${n % 2 === 1}, attachment: {rev: ${n}}}]
    rules:
      - segment: beta
        distributions: [{variant: a, rollout: 50}, {variant: b, rollout: 50}]`).join('\n')}
segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints: [{type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}]
`;

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** One SSE client on a raw socket: records when each `data:` line (one per event) arrives. */
function openClient({ host, port }, onEvent) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => {
      socket.write(`GET /client/v2/environments/default/namespaces/default/stream HTTP/1.1\r\nhost: ${host}\r\naccept: text/event-stream\r\n\r\n`);
    });
    socket.setEncoding('utf8');
    let first = true;
    socket.on('data', (chunk) => {
      let idx = -1;
      while ((idx = chunk.indexOf('\ndata: ', idx + 1)) >= 0) {
        const etag = /"etag":"([0-9a-f]+)"/.exec(chunk.slice(idx))?.[1];
        if (first) {
          first = false;
          resolve(socket);
        } else onEvent(etag);
      }
    });
    socket.on('error', reject);
  });
}

async function runSize(n) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const file = join(dir, 'features.yaml');
  writeFileSync(file, flags(0));
  const relay = await startRelay(file);
  const rssIdle = rssMb(relay.child.pid);
  let pending = null; // { etag-less counter, start, times[] }
  const sockets = [];
  const openStart = performance.now();
  for (let i = 0; i < n; i += 250) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 250); j++) {
      batch.push(openClient(relay, () => {
        if (pending) {
          pending.times.push(performance.now() - pending.start);
          if (pending.times.length === n) pending.done();
        }
      }));
    }
    sockets.push(...(await Promise.all(batch)));
  }
  const openSeconds = (performance.now() - openStart) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  const rssOpen = rssMb(relay.child.pid);
  const results = [];
  for (let c = 1; c <= CHANGES; c++) {
    const times = [];
    const done = new Promise((resolve) => (pending = { start: 0, times, done: resolve }));
    pending.start = performance.now();
    const tmp = join(dir, '.tmp');
    writeFileSync(tmp, flags(c));
    renameSync(tmp, file);
    const timeout = setTimeout(() => pending.done(), 30_000);
    await done;
    clearTimeout(timeout);
    pending = null;
    times.sort((a, b) => a - b);
    results.push({ received: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] });
    await new Promise((r) => setTimeout(r, 300));
  }
  const rssPeak = rssMb(relay.child.pid);
  const metrics = await fetch(`http://${relay.host}:${relay.port}/metrics`).then((r) => r.text());
  const broadcast = /^flagcast_relay_last_broadcast_seconds (\S+)$/m.exec(metrics)?.[1];
  for (const s of sockets) s.destroy();
  relay.child.kill('SIGTERM');
  await new Promise((r) => relay.child.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { n, openSeconds, rssIdle, rssOpen, rssPeak, results, broadcastMs: Number(broadcast) * 1000 };
}

const fmt = (x) => x.toFixed(1);
if (values.only !== 'evaluation') console.log('Latency is measured from the file rename to each client receiving the SSE event (includes the 75 ms watch debounce and the reload).');
for (const n of values.only === 'evaluation' ? [] : SIZES) {
  const r = await runSize(n);
  console.log(`\n${n} concurrent SSE streams (opened in ${fmt(r.openSeconds)} s)`);
  for (const [i, x] of r.results.entries()) {
    console.log(`  change ${i + 1}: ${x.received}/${n} clients updated; p50 ${fmt(x.p50)} ms, p99 ${fmt(x.p99)} ms, last ${fmt(x.max)} ms`);
  }
  console.log(`  relay broadcast loop (last change): ${fmt(r.broadcastMs)} ms`);
  console.log(`  relay RSS: idle ${fmt(r.rssIdle)} MB, with streams ${fmt(r.rssOpen)} MB, after changes ${fmt(r.rssPeak)} MB`);
}
if (values.only !== 'streams') await runEvaluationBench({ connections: Number(values.connections), seconds: Number(values.seconds) });
