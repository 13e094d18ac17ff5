#!/usr/bin/env node
// pnpm bench:relay (fourth part) [-- --files 3000,10000 --rewrite 1000 --per-directory 100]
// The cost of watching a large flag directory: the built CLI serves a directory of one-flag
// files (all in it by default, or `per-directory` per sub-directory) and this prints, per size, its start-up time, its CPU use while
// nothing changes, /healthz latency (probed from a separate process) while `rewrite` files are
// rewritten in place until the result is served, how long one edit takes to be served, and the
// relay's peak RSS. Needs `pnpm -r build` first.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { probeInChild } from './healthzProbe.mjs';
import { percentile, startRelay } from './startRelay.mjs';

const SETTLE_AFTER_START_MS = 3_000;
const IDLE_CPU_WINDOW_MS = 10_000;
const SERVED_POLL_MS = 10;
const SERVED_TIMEOUT_MS = 300_000;
const EDITS = 3;
const CLOCK_TICKS_PER_S = 100;
const SNAPSHOT = '/client/v2/environments/default/namespaces/default/snapshot';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const flagPath = (dir, i, perDirectory) => join(dir, `d${Math.floor(i / perDirectory)}`, `flag-${i}.yaml`);
const flagText = (i, enabled) => `flags:\n  - key: flag-${i}\n    name: Flag ${i}\n    enabled: ${enabled}\n`;

/** The relay's CPU time so far (all threads), in seconds. */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
};
const peakRssMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function getSnapshot(relay, etag) {
  return new Promise((resolve, reject) => {
    const req = get({ host: relay.host, port: relay.port, path: SNAPSHOT, headers: etag ? { 'if-none-match': etag } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, etag: res.headers.etag, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

/** Polls the snapshot until `served(enabled by flag key)` holds; resolves with the time since `from` (ms). */
async function untilServed(relay, served, from) {
  let etag;
  while (performance.now() - from < SERVED_TIMEOUT_MS) {
    const res = await getSnapshot(relay, etag);
    if (res.status === 200) {
      etag = res.etag;
      const enabled = new Map(JSON.parse(res.body.toString()).flags.map((f) => [f.key, f.enabled]));
      if (served(enabled)) return performance.now() - from;
    }
    await sleep(SERVED_POLL_MS);
  }
  throw new Error(`the change was not served within ${SERVED_TIMEOUT_MS} ms`);
}

const ms = (x) => `${x.toFixed(0)} ms`;

async function benchDirectory(files, rewrite, perDirectory = files) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-dir-'));
  for (let d = 0; d * perDirectory < files; d++) mkdirSync(join(dir, `d${d}`));
  for (let i = 0; i < files; i++) writeFileSync(flagPath(dir, i, perDirectory), flagText(i, true));
  const started = performance.now();
  const relay = await startRelay(dir);
  const startMs = performance.now() - started;
  const pid = relay.child.pid;
  try {
    await sleep(SETTLE_AFTER_START_MS);
    const cpu0 = cpuSeconds(pid);
    await sleep(IDLE_CPU_WINDOW_MS);
    const idleCpu = ((cpuSeconds(pid) - cpu0) / (IDLE_CPU_WINDOW_MS / 1000)) * 100;

    const prober = await probeInChild(relay);
    const t0 = performance.now();
    for (let i = 0; i < rewrite; i++) writeFileSync(flagPath(dir, i, perDirectory), flagText(i, false));
    const rewriteServedMs = await untilServed(relay, (enabled) => enabled.get('flag-0') === false && enabled.get(`flag-${rewrite - 1}`) === false, t0);
    await sleep(1000);
    const { latencies, failures } = await prober.stop();
    latencies.sort((a, b) => a - b);

    const edits = [];
    for (let e = 1; e <= EDITS; e++) {
      const i = files - e; // outside the rewritten files: enabled until now
      const t = performance.now();
      writeFileSync(flagPath(dir, i, perDirectory), flagText(i, false));
      edits.push(await untilServed(relay, (enabled) => enabled.get(`flag-${i}`) === false, t));
      await sleep(500);
    }
    console.log(`\nA directory of ${files.toLocaleString('en-US')} flag files (${perDirectory === files ? 'in one sub-directory' : `${perDirectory} per sub-directory`})`);
    console.log(`  start-up ${ms(startMs)}; idle CPU ${idleCpu.toFixed(1)}% of a core`);
    console.log(
      `  ${rewrite.toLocaleString('en-US')} files rewritten in place: served after ${ms(rewriteServedMs)}; /healthz meanwhile ${latencies.length} answers, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms${failures ? `, ${failures} failed` : ''}`,
    );
    console.log(`  one edit → served: ${edits.map(ms).join(', ')}; relay peak RSS ${peakRssMb(pid).toFixed(0)} MB`);
  } finally {
    relay.child.kill('SIGTERM');
    const exited = new Promise((r) => relay.child.on('exit', r));
    const kill = setTimeout(() => relay.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(kill);
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  strict: false,
  options: { files: { type: 'string', default: '3000,10000' }, rewrite: { type: 'string', default: '1000' }, 'per-directory': { type: 'string' } },
});
for (const files of String(values.files).split(',').map(Number)) await benchDirectory(files, Number(values.rewrite), values['per-directory'] ? Number(values['per-directory']) : files);
