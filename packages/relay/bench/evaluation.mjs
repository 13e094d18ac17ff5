// Evaluation throughput of the relay over keep-alive connections, next to a floor: a trivial
// Node server (node:http, no routing, no evaluation) answering every request with a fixed JSON
// body of the same bytes. Both run as their own processes, one after the other in the same run,
// under the same load: N connections, each sending its next request when the previous answer
// is complete (closed loop). The ratio relay/floor is what evaluation, routing, body decoding
// and metrics cost on top of Node's HTTP server.
// Run through `pnpm bench:relay` (bench/streams.mjs); needs `pnpm -r build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/flagcast-relay.mjs', import.meta.url));

/** 10 boolean and 10 variant flags, each with a segment rule, so a bulk evaluates 20 flags. */
const FLAGS = `version: "1.6"
namespace: bench
flags:
${Array.from({ length: 10 }, (_, i) => `  - key: bool-${i}
    name: Boolean ${i}
    type: BOOLEAN_FLAG_TYPE
    enabled: true
    rollouts:
      - segment: {key: beta, value: false}
      - threshold: {percentage: ${10 * i}, value: true}
  - key: variant-${i}
    name: Variant ${i}
    enabled: true
    variants: [{key: a, default: true}, {key: b, attachment: {rev: ${i}, colors: [red, green]}}]
    rules:
      - segment: beta
        distributions: [{variant: a, rollout: 50}, {variant: b, rollout: 50}]`).join('\n')}
segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints: [{type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}]
`;

/** The floor: answers every request with the same bytes, after reading its body. */
const FLOOR = `
const { createServer } = require('node:http');
const body = Buffer.from(process.env.FLOOR_BODY, 'base64');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

function listen(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/([\d.]+):(\d+)/.exec(out);
      if (m) resolve({ child, host: m[1], port: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code} before listening: ${out}`)));
  });
}

async function stop(server) {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.on('exit', r));
}

const request = (path, body, headers = '') =>
  Buffer.from(`POST ${path} HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

/**
 * Drives `connections` keep-alive connections for `seconds` (after a warm-up), each cycling
 * through `requests`. Returns requests/s, latency percentiles and the status codes seen.
 */
function load({ host, port }, requests, { connections, seconds, warmupSeconds }) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const statuses = new Map();
    let measuring = false;
    let running = true;
    let open = connections;
    let started = 0;
    let ended = 0;
    for (let c = 0; c < connections; c++) {
      const socket = connect(port, host);
      socket.setNoDelay(true);
      let buffer = Buffer.alloc(0);
      let sentAt = 0;
      let next = c;
      const send = () => {
        sentAt = performance.now();
        socket.write(requests[next++ % requests.length]);
      };
      socket.on('connect', send);
      socket.on('error', reject);
      socket.on('close', () => {
        if (--open === 0) {
          latencies.sort((a, b) => a - b);
          const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
          resolve({ rps: latencies.length / ((ended - started) / 1000), p50: at(50), p99: at(99), count: latencies.length, statuses: Object.fromEntries(statuses) });
        }
      });
      socket.on('data', (chunk) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        for (;;) {
          const headEnd = buffer.indexOf('\r\n\r\n');
          if (headEnd < 0) return;
          const head = buffer.toString('latin1', 0, headEnd);
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffer.length < headEnd + 4 + length) return;
          buffer = buffer.subarray(headEnd + 4 + length);
          if (measuring) {
            latencies.push(performance.now() - sentAt);
            const status = head.slice(9, 12);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
          if (running) send();
          else return void socket.end();
        }
      });
    }
    setTimeout(() => {
      measuring = true;
      started = performance.now();
      setTimeout(() => {
        measuring = false;
        running = false;
        ended = performance.now();
      }, seconds * 1000);
    }, warmupSeconds * 1000);
  });
}

const ENDPOINTS = [
  {
    name: 'POST /evaluate/v1/boolean',
    requests: Array.from({ length: 64 }, (_, i) =>
      request('/evaluate/v1/boolean', JSON.stringify({ namespaceKey: 'bench', flagKey: `bool-${i % 10}`, entityId: `user-${i}`, context: { plan: i % 3 === 0 ? 'beta' : 'free' } })),
    ),
  },
  {
    name: 'POST /ofrep/v1/evaluate/flags (bulk, 20 flags)',
    requests: Array.from({ length: 64 }, (_, i) => request('/ofrep/v1/evaluate/flags', JSON.stringify({ context: { targetingKey: `user-${i}`, plan: i % 3 === 0 ? 'beta' : 'free' } }), 'x-flipt-namespace: bench\r\n')),
  },
];

/** Fetches one answer the relay gives to a request, as the floor's fixed body. */
async function sampleBody({ host, port }, raw) {
  const text = raw.toString();
  const [head, body] = text.split('\r\n\r\n');
  const path = head.split(' ')[1];
  const headers = Object.fromEntries(head.split('\r\n').slice(1).map((l) => l.split(': ')).filter(([k]) => k !== 'content-length' && k !== 'host'));
  const res = await fetch(`http://${host}:${port}${path}`, { method: 'POST', headers, body });
  if (res.status !== 200) throw new Error(`relay answered ${res.status} to ${path}: ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}

export async function runEvaluationBench({ connections = 32, seconds = 5, warmupSeconds = 1 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-eval-bench-'));
  const file = join(dir, 'features.yaml');
  writeFileSync(file, FLAGS);
  const fmt = (x, d = 1) => x.toFixed(d);
  console.log(`\nEvaluation throughput: ${connections} keep-alive connections, closed loop, ${seconds} s each after ${warmupSeconds} s warm-up; relay and floor one after the other.`);
  console.log('The floor is a bare node:http server answering the same bytes without routing or evaluating.');
  try {
    for (const endpoint of ENDPOINTS) {
      const relay = await listen(spawn(process.execPath, [BIN, '--file', file, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] }));
      let ours;
      let body;
      try {
        body = await sampleBody(relay, endpoint.requests[0]);
        ours = await load(relay, endpoint.requests, { connections, seconds, warmupSeconds });
      } finally {
        await stop(relay);
      }
      const floorServer = await listen(spawn(process.execPath, ['-e', FLOOR], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FLOOR_BODY: body.toString('base64') } }));
      let floor;
      try {
        floor = await load(floorServer, endpoint.requests, { connections, seconds, warmupSeconds });
      } finally {
        await stop(floorServer);
      }
      const bad = Object.keys(ours.statuses).filter((s) => s !== '200');
      if (bad.length > 0) throw new Error(`${endpoint.name}: the relay answered ${JSON.stringify(ours.statuses)}`);
      console.log(`\n${endpoint.name} (response ${body.length} bytes)`);
      console.log(`  relay: ${fmt(ours.rps, 0)} req/s, p50 ${fmt(ours.p50, 2)} ms, p99 ${fmt(ours.p99, 2)} ms`);
      console.log(`  floor: ${fmt(floor.rps, 0)} req/s, p50 ${fmt(floor.p50, 2)} ms, p99 ${fmt(floor.p99, 2)} ms`);
      console.log(`  relay/floor: ${fmt(ours.rps / floor.rps, 2)}× the throughput, ${fmt(ours.p99 / floor.p99, 2)}× the p99`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
