#!/usr/bin/env node
// pnpm bench:relay [-- --clients 1000,10000 --changes 3 --flags 20000 --reloads 3 --only streams|healthz]
// The relay's benches, on the built CLI (run `pnpm -r build` first): stream fan-out
// (bench/streams.mjs), then /healthz latency during large reloads (bench/healthzDuringReload.mjs).
import { parseArgs } from 'node:util';
import { benchHealthz } from './healthzDuringReload.mjs';
import { benchStreams } from './streams.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    clients: { type: 'string', default: '1000,10000' },
    changes: { type: 'string', default: '3' },
    flags: { type: 'string', default: '20000' },
    reloads: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
if (values.only !== 'healthz') await benchStreams({ sizes: values.clients.split(',').map(Number), changes: Number(values.changes) });
if (values.only !== 'streams') await benchHealthz({ flags: Number(values.flags), reloads: Number(values.reloads) });
