#!/usr/bin/env node
// pnpm bench:relay (second part) [-- --chain-clients 200 --chain-edits 30]
// Propagation through a relay chain, as an edge tier runs: a root relay on a flag file, two edge
// relays following it (each in its own process, like the root), and live @flagcast/core clients
// on the edges (in this process). Each edit of the root's file is timed until every client's
// listener has seen it. The first hop's 75 ms file-watch debounce is part of every figure; the
// root-to-edge hops are the rest. Needs `pnpm -r build` first.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFlagClient } from '@flagcast/core';
import { percentile, startRelay } from './startRelay.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  strict: false,
  options: { 'chain-clients': { type: 'string', default: '200' }, 'chain-edits': { type: 'string', default: '30' } },
});
const CLIENTS = Number(values['chain-clients']);
const EDITS = Number(values['chain-edits']);

const flags = (n) => `version: "1.6"
flags:
  - key: revision
    name: Revision
    enabled: true
    variants: [{key: r${n}, default: true}]
`;

const dir = mkdtempSync(join(tmpdir(), 'flagcast-chain-bench-'));
const file = join(dir, 'features.yml');
const write = (n) => {
  writeFileSync(`${file}.tmp`, flags(n));
  renameSync(`${file}.tmp`, file);
};
write(0);

const relays = [];
const clients = [];
try {
  const root = await startRelay(['--file', file]);
  relays.push(root);
  const edges = [await startRelay(['--upstream', root.url]), await startRelay(['--upstream', root.url])];
  relays.push(...edges);
  for (let i = 0; i < CLIENTS; i++) {
    clients.push(createFlagClient({ url: edges[i % 2].url, cache: 'none', retry: { minDelayMs: 50, maxDelayMs: 500 } }));
  }
  await Promise.all(clients.map((c) => c.ready({ timeoutMs: 20_000 })));

  const all = [];
  const slowest = [];
  for (let n = 1; n <= EDITS; n++) {
    const want = `r${n}`;
    const start = performance.now();
    const seen = clients.map(
      (c) =>
        new Promise((resolve) => {
          const check = () => c.getVariant('revision', '', 'bench') === want && (stop(), resolve(performance.now() - start));
          const stop = c.subscribe(check);
        }),
    );
    write(n);
    const times = await Promise.all(seen);
    all.push(...times);
    slowest.push(Math.max(...times));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  all.sort((a, b) => a - b);
  slowest.sort((a, b) => a - b);
  console.log(`\nrelay chain: file → root relay → 2 edge relays → ${CLIENTS} clients, ${EDITS} edits`);
  console.log(`  per client: p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms`);
  console.log(`  until every client has the edit: p50 ${percentile(slowest, 50).toFixed(1)} ms, p99 ${percentile(slowest, 99).toFixed(1)} ms (includes the root's 75 ms watch debounce)`);
} finally {
  for (const c of clients) c.close();
  // Edges first, each gone before the next, so no edge reports its upstream vanishing.
  for (const r of relays.reverse()) {
    const gone = new Promise((resolve) => r.child.once('exit', resolve));
    r.child.kill('SIGTERM');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
}
