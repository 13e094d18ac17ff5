// 1,000 mounted hooks on 1,000 different flags, one flag edited: how many store listeners run
// per change, and how long a change takes from the snapshot arriving to React's commit.
// Runs the built packages (`pnpm -r build` first) in jsdom, in one process.
import { JSDOM } from 'jsdom';
import { performance } from 'node:perf_hooks';

const dom = new JSDOM('<!doctype html><div id="root"></div>');
Object.assign(globalThis, { window: dom.window, document: dom.window.document, navigator: dom.window.navigator });
globalThis.IS_REACT_ACT_ENVIRONMENT = false;

const React = await import('react');
const { createRoot } = await import('react-dom/client');
const { flushSync } = await import('react-dom');
const { createFlagClient, clientBindings } = await import('@flagcast/core');
const { FlagcastProvider, useFlag } = await import('../dist/index.js');

const FLAGS = 1000;
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);

function snapshot(version) {
  const flags = Array.from({ length: FLAGS }, (_, i) => ({
    key: `flag-${i}`,
    name: `flag-${i}`,
    type: 'BOOLEAN_FLAG_TYPE',
    enabled: i === 0 ? version % 2 === 0 : true,
    rules: [],
    rollouts: [],
  }));
  return { namespace: { key: 'default' }, flags, digest: `v${version}` };
}

let next = snapshot(0);
const client = createFlagClient({
  url: 'http://bench.invalid',
  transport: 'none',
  cache: 'none',
  bootstrap: next,
  logger: false,
  fetch: async () => new Response(JSON.stringify(next), { headers: { 'content-type': 'application/json', etag: `"${next.digest}"` } }),
});

// Count every listener the bindings register, whichever way they subscribe.
let calls = 0;
let inListeners = 0;
const counted = (listener) => (...args) => {
  calls++;
  const start = performance.now();
  try {
    return listener(...args);
  } finally {
    inListeners += performance.now() - start;
  }
};
const subscribe = client.subscribe;
client.subscribe = (listener) => subscribe(counted(listener));
const bindings = clientBindings(client);
if (bindings?.subscribeFlag) {
  const subscribeFlag = bindings.subscribeFlag;
  bindings.subscribeFlag = (flagKey, listener) => subscribeFlag(flagKey, counted(listener));
}

let renders = 0;
function Reader({ flagKey }) {
  renders++;
  return React.createElement('i', null, String(useFlag(flagKey, false)));
}
const root = createRoot(document.getElementById('root'));
flushSync(() =>
  root.render(
    React.createElement(
      FlagcastProvider,
      { client, entityId: 'user-1' },
      Array.from({ length: FLAGS }, (_, i) => React.createElement(Reader, { key: i, flagKey: `flag-${i}` })),
    ),
  ),
);
await new Promise((resolve) => setTimeout(resolve, 50));

const times = [];
const perChange = [];
const listenerTimes = [];
const rendersPerChange = [];
for (let version = 1; version <= CHANGES; version++) {
  next = snapshot(version);
  calls = 0;
  inListeners = 0;
  renders = 0;
  const start = performance.now();
  await client.refresh();
  await new Promise((resolve) => setTimeout(resolve, 0)); // React's commit of the sync update
  times.push(performance.now() - start);
  perChange.push(calls);
  listenerTimes.push(inListeners);
  rendersPerChange.push(renders);
}
root.unmount();
client.close();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];
console.log(`1,000 hooks on 1,000 flags, one flag edited (${CHANGES} changes)`);
console.log(`  listener calls per change: median ${median(perChange)}, max ${Math.max(...perChange)}`);
console.log(`  time in those listeners per change: median ${median(listenerTimes).toFixed(3)} ms`);
console.log(`  components rendered per change: median ${median(rendersPerChange)}`);
console.log(`  snapshot in → committed: median ${median(times).toFixed(2)} ms, p95 ${p95(times).toFixed(2)} ms (includes validating and diffing the 1,000-flag snapshot)`);
