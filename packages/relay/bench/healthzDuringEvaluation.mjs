#!/usr/bin/env node
// pnpm bench:relay (third part), or node bench/healthzDuringEvaluation.mjs [--concurrent 16 --rounds 2 --flags 20000]
// How long /healthz takes to answer while clients send the largest evaluation requests a body
// may hold (1 MiB), and how much memory the relay takes meanwhile. The built CLI runs in its own
// process; /healthz is probed open-loop from another process (a request every 5 ms, so a
// stalled event loop shows in every request it delays). Three loads:
//   batch       POST /evaluate/v1/batch, 1 MiB of `{}` items (about 350,000);
//   ofrep-keys  POST /ofrep/v1/evaluate/flags with a 1 MiB `flags` list (about 520,000 keys);
//   ofrep-bulk  POST /ofrep/v1/evaluate/flags on a namespace of `flags` flags (every flag).
// `concurrent` requests at once (16), `rounds` times (2).
// Needs `pnpm -r build` first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { probeInChild, rssMb } from './healthzProbe.mjs';
import { flagFile } from './largeFlagFile.mjs';
import { percentile, startRelay } from './startRelay.mjs';

const MAX_BODY_BYTES = 1024 * 1024; // the relay's default body limit
const RSS_SAMPLE_MS = 20;
const REQUEST_TIMEOUT_MS = 120_000;

/** A flag `f` (boolean), so a list of `f` keys evaluates a real flag each time. */
const SMALL_FILE = `version: "1.6"
flags:
  - key: f
    name: F
    type: BOOLEAN_FLAG_TYPE
    enabled: true
    rollouts:
      - threshold: {percentage: 50, value: true}
`;

/** `{"requests":[{},{},…]}`, as close to 1 MiB as fits. */
function batchBody() {
  const frame = '{"requests":[]}';
  const items = Math.floor((MAX_BODY_BYTES - frame.length + 1) / 3);
  return { body: `{"requests":[${Array(items).fill('{}').join(',')}]}`, items };
}

/** `{"context":{"targetingKey":"u","flags":"f,f,…"}}`, as close to 1 MiB as fits. */
function ofrepKeysBody() {
  const frame = '{"context":{"targetingKey":"u","flags":""}}';
  const keys = Math.floor((MAX_BODY_BYTES - frame.length + 1) / 2);
  return { body: `{"context":{"targetingKey":"u","flags":"${Array(keys).fill('f').join(',')}"}}`, items: keys };
}

/** POSTs `body`; resolves with the status (0: failed) and the size of the answer. */
function post({ host, port }, path, body, agent) {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'POST', agent, timeout: REQUEST_TIMEOUT_MS, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes }));
      res.on('error', () => resolve({ status: 0, bytes }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, bytes: 0 }));
    req.end(body);
  });
}

const ms = (v) => `${v.toFixed(1)} ms`;

/** Runs one load while probing /healthz and sampling RSS; prints one line of figures. */
async function load(relay, name, path, body, { clients, rounds }) {
  const agent = new Agent({ keepAlive: false, maxSockets: clients });
  const rssBefore = rssMb(relay.child.pid);
  let peakRss = rssBefore;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssMb(relay.child.pid))), RSS_SAMPLE_MS);
  const healthz = await probeInChild(relay);
  const started = performance.now();
  const answers = [];
  for (let round = 0; round < rounds; round++) {
    answers.push(...(await Promise.all(Array.from({ length: clients }, () => post(relay, path, body, agent)))));
  }
  const seconds = (performance.now() - started) / 1000;
  const { latencies, failures } = await healthz.stop();
  clearInterval(rssTimer);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const statuses = new Map();
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  const maxBytes = Math.max(...answers.map((a) => a.bytes));
  console.log(
    `  ${name}: ${answers.length} requests in ${seconds.toFixed(1)} s (status ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}; largest answer ${(maxBytes / 1e6).toFixed(2)} MB); ` +
      `/healthz ${latencies.length} answers, p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1))}${failures ? `, ${failures} failed` : ''}; relay RSS ${rssBefore.toFixed(0)} MB before, peak ${peakRss.toFixed(0)} MB`,
  );
}

async function withRelay(dir, contents, run) {
  const file = join(dir, `features-${Date.now()}.yaml`);
  writeFileSync(file, contents);
  const relay = await startRelay(file);
  try {
    await run(relay);
  } finally {
    relay.child.kill('SIGTERM');
    await new Promise((r) => relay.child.on('exit', r));
  }
}

async function idleBaseline(relay) {
  const idle = await probeInChild(relay);
  await new Promise((r) => setTimeout(r, 1000));
  const { latencies } = await idle.stop();
  latencies.sort((a, b) => a - b);
  console.log(`  idle: /healthz p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; relay RSS ${rssMb(relay.child.pid).toFixed(0)} MB`);
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  strict: false,
  options: { concurrent: { type: 'string', default: '16' }, rounds: { type: 'string', default: '2' }, flags: { type: 'string', default: '20000' } },
});
const shape = { clients: Number(values.concurrent), rounds: Number(values.rounds) };
const dir = mkdtempSync(join(tmpdir(), 'relay-bench-evaluation-load-'));
try {
  const batch = batchBody();
  const keys = ofrepKeysBody();
  console.log(`\n/healthz during large evaluation requests (${shape.clients} concurrent, ${shape.rounds} rounds)`);
  await withRelay(dir, SMALL_FILE, async (relay) => {
    await idleBaseline(relay);
    await load(relay, `batch of ${batch.items.toLocaleString('en-US')} items`, '/evaluate/v1/batch', batch.body, shape);
    await load(relay, `OFREP flags list of ${keys.items.toLocaleString('en-US')} keys`, '/ofrep/v1/evaluate/flags', keys.body, shape);
  });
  const flags = Number(values.flags);
  await withRelay(dir, flagFile(flags, 0), async (relay) => {
    await load(relay, `OFREP bulk on ${flags.toLocaleString('en-US')} flags`, '/ofrep/v1/evaluate/flags', '{"context":{"targetingKey":"user-1"}}', shape);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
