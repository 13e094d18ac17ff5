// Client figures, on loopback in one process:
// 1. latency from the server writing a change to the listener being called (median, p95 over
//    200 changes), for both stream dialects: the relay's inline snapshot, and Flipt's
//    `refetchEvaluation` notification followed by a conditional GET;
// 2. the cost of applying a 200-flag snapshot in which one flag changed (validate, diff,
//    rebuild the engine, notify), through `client.refresh()` with an in-memory fetch.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createFlagClient } from '../dist/index.js';
import { generateSnapshot } from './namespace.mjs';

const CHANGES = process.env.BENCH_QUICK === '1' ? 60 : 200;
const base = generateSnapshot();

/** The base namespace with flag 0's threshold set to `n`: one flag changes per version. */
function version(n) {
  const snapshot = structuredClone(base);
  const flag = snapshot.flags.find((f) => f.type === 'BOOLEAN_FLAG_TYPE');
  flag.rollouts = [{ threshold: { percentage: n % 100, value: true } }];
  snapshot.digest = createHash('sha1').update(JSON.stringify(snapshot)).digest('hex');
  return snapshot;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function latency(inline) {
  let current = version(0);
  let currentText = JSON.stringify(current);
  const streams = new Set();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname.endsWith('/snapshot')) {
      if (req.headers['if-none-match'] === current.digest) return res.writeHead(304).end();
      return res.writeHead(200, { 'content-type': 'application/json', etag: current.digest }).end(currentText);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = () =>
      res.write(`data: ${inline ? `{"type":"snapshot","etag":"${current.digest}","snapshot":${currentText}}` : `{"type":"refetchEvaluation","etag":"${current.digest}"}`}\n\n`);
    if (url.searchParams.get('digest') !== current.digest) send();
    streams.add(send);
    req.on('close', () => streams.delete(send));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createFlagClient({ url: `http://127.0.0.1:${server.address().port}`, namespace: base.namespace.key, cache: 'none', includeSnapshotInStream: inline });
  await client.ready();
  const samples = [];
  for (let n = 1; n <= CHANGES; n++) {
    const next = version(n);
    const nextText = JSON.stringify(next);
    const notified = new Promise((resolve) => {
      const stop = client.subscribe((event) => {
        if (event.type === 'snapshot') {
          stop();
          resolve(performance.now());
        }
      });
    });
    current = next;
    currentText = nextText;
    const written = performance.now();
    for (const send of streams) send();
    samples.push((await notified) - written);
  }
  client.close();
  server.closeAllConnections();
  server.close();
  return samples;
}

async function applyCost() {
  const texts = Array.from({ length: CHANGES + 1 }, (_, n) => JSON.stringify(version(n)));
  let index = 0;
  const client = createFlagClient({
    url: 'http://bench.invalid',
    namespace: base.namespace.key,
    cache: 'none',
    transport: 'none',
    bootstrap: texts[0],
    fetch: async () => new Response(texts[index], { status: 200, headers: { 'content-type': 'application/json' } }),
  });
  const samples = [];
  for (index = 1; index <= CHANGES; index++) {
    const started = performance.now();
    await client.refresh();
    samples.push(performance.now() - started);
  }
  client.close();
  return samples;
}

const rows = [];
for (const [label, inline] of [
  ['event → listener, inline snapshot (relay)', true],
  ['event → listener, refetch + GET (Flipt)', false],
]) {
  const samples = await latency(inline);
  rows.push([label, percentile(samples, 0.5), percentile(samples, 0.95)]);
}
const apply = await applyCost();
rows.push(['apply 200-flag snapshot, 1 flag changed', percentile(apply, 0.5), percentile(apply, 0.95)]);

console.log(`\nclient (loopback, ${CHANGES} changes, ${base.flags.length}-flag namespace):`);
console.log('                                              median ms   p95 ms');
for (const [label, median, p95] of rows) console.log(`${label.padEnd(44)} ${median.toFixed(3).padStart(10)} ${p95.toFixed(3).padStart(8)}`);
console.log(JSON.stringify({ client: Object.fromEntries(rows.map(([label, median, p95]) => [label, { medianMs: +median.toFixed(3), p95Ms: +p95.toFixed(3) }])) }));
