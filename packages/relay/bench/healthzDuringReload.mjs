#!/usr/bin/env node
// pnpm bench:relay (third part) [-- --flags 20000 --reloads 3]
// How long /healthz takes to answer while the relay reloads a large flag file (20,000 flags by
// default). The built CLI runs in its own process;
// /healthz is probed open-loop (a request every 5 ms whether or not the last one came back, so
// a stalled event loop shows as many slow answers, not as one), from the rename of a new file
// until an SSE client has the change. Needs `pnpm -r build` first.
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { probe } from './probeHealthz.mjs';
import { percentile, startRelay } from './startRelay.mjs';

const flagFile = (count, rev) => {
  let text = 'version: "1.6"\nflags:\n';
  for (let i = 0; i < count; i++) {
    text += `  - key: flag-${i}
    name: Flag ${i}
    enabled: true
    variants: [{key: a, default: ${rev % 2 === 0}}, {key: b, attachment: {rev: ${rev}, i: ${i}}}]
    rules:
      - segment: beta
        distributions: [{variant: a, rollout: 50}, {variant: b, rollout: 50}]
`;
  }
  return `${text}segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints: [{type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}]
`;
};

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** An SSE client that calls `onChange` with each etag after the first event. */
function openStream({ host, port }, onChange) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.write(`GET /client/v2/environments/default/namespaces/default/stream HTTP/1.1\r\nhost: ${host}\r\naccept: text/event-stream\r\n\r\n`));
    socket.setEncoding('utf8');
    let first = true;
    socket.on('data', (chunk) => {
      for (const m of chunk.matchAll(/"etag":"([0-9a-f]+)"/g)) {
        if (first) {
          first = false;
          resolve(socket);
        } else onChange(m[1]);
      }
    });
    socket.on('error', reject);
  });
}

/** Reloads a `flags`-flag file `reloads` times while probing /healthz; prints the figures. */
async function benchHealthz({ flags, reloads }) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-healthz-'));
  const file = join(dir, 'features.yaml');
  writeFileSync(file, flagFile(flags, 0));
  const bytes = statSync(file).size;
  const started = performance.now();
  const relay = await startRelay(file);
  console.log(`\n/healthz while reloading a ${flags.toLocaleString('en-US')}-flag file (${(bytes / 1e6).toFixed(1)} MB); first load and start ${((performance.now() - started) / 1000).toFixed(1)} s`);
  let changed = () => {};
  const stream = await openStream(relay, (etag) => changed(etag));
  const idle = probe(relay);
  await new Promise((r) => setTimeout(r, 1000));
  const baseline = await idle.stop();
  let peakRss = rssMb(relay.child.pid);
  const all = [];
  for (let rev = 1; rev <= reloads; rev++) {
    const next = join(dir, '.features.yaml.next');
    writeFileSync(next, flagFile(flags, rev));
    const during = probe(relay);
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssMb(relay.child.pid))), 100);
    const t0 = performance.now();
    const arrived = new Promise((resolve) => (changed = resolve));
    renameSync(next, file);
    await arrived;
    const reloadMs = performance.now() - t0;
    clearInterval(rssTimer);
    const { latencies, failures } = await during.stop();
    latencies.sort((a, b) => a - b);
    all.push(...latencies);
    await new Promise((r) => setTimeout(r, 2000));
    console.log(
      `  reload ${rev}: change to clients in ${(reloadMs / 1000).toFixed(1)} s; /healthz ${latencies.length} answers, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms${failures ? `, ${failures} failed` : ''}; RSS 2 s later ${rssMb(relay.child.pid).toFixed(0)} MB`,
    );
  }
  all.sort((a, b) => a - b);
  baseline.latencies.sort((a, b) => a - b);
  console.log(`  idle: /healthz p50 ${percentile(baseline.latencies, 50).toFixed(1)} ms, p99 ${percentile(baseline.latencies, 99).toFixed(1)} ms`);
  console.log(`  during reloads: /healthz p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms (goal: p99 < 100 ms); relay peak RSS ${peakRss.toFixed(0)} MB`);
  stream.destroy();
  relay.child.kill('SIGTERM');
  await new Promise((r) => relay.child.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  strict: false,
  options: { flags: { type: 'string', default: '20000' }, reloads: { type: 'string', default: '3' } },
});
await benchHealthz({ flags: Number(values.flags), reloads: Number(values.reloads) });
