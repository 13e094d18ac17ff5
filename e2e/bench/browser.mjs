#!/usr/bin/env node
// pnpm bench:browser [-- --runs 9 --rtt 150 --connect-rtts 1]
// Time to the first flag in Debian's Chromium, Flagcast's script-tag build (shared tabs and
// tabs: 'own') against Flipt's own browser SDK, in the same run: the real relay on
// examples/script-tag/features.yml and the pages' origin, each behind a proxy one RTT away,
// where a new connection costs --connect-rtts round trips first (1: TCP; 2: TCP and TLS 1.3).
// Each run is a fresh browser context (first visit), then a second page load in that context
// (return visit: IndexedDB warm). The modes take turns within each round; one round is a
// warm-up and not counted. It prints figures and checks none. Needs `pnpm -r build` first.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromiumLaunch.mjs';
import { startBenchSite } from './benchSite.mjs';
import { measureVisit } from './measureVisit.mjs';
import { printTable } from './printTable.mjs';
import { startRelayProcess } from './relayProcess.mjs';
import { startProxies } from './startProxies.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { runs: { type: 'string', default: '9' }, rtt: { type: 'string', default: '150' }, 'connect-rtts': { type: 'string', default: '1' } },
});
const RUNS = Number(values.runs);
const RTT_MS = Number(values.rtt);
const CONNECT_RTTS = Number(values['connect-rtts']);
if (!(RUNS >= 1) || !(RTT_MS >= 0) || !(CONNECT_RTTS >= 0)) {
  throw new Error(`--runs must be at least 1, --rtt and --connect-rtts at least 0 (got ${values.runs}, ${values.rtt}, ${values['connect-rtts']})`);
}
const FEATURES = fileURLToPath(new URL('../../examples/script-tag/features.yml', import.meta.url));
/** How long the first visit's snapshot may take to reach IndexedDB before the return visit. */
const CACHE_WAIT_MS = 5_000;

const MODES = [
  { name: 'flagcast shared', page: 'flagcast.html', query: {}, cached: true },
  { name: "flagcast tabs:'own'", page: 'flagcast.html', query: { tabs: 'own' }, cached: true },
  { name: 'flipt-client-js', page: 'flipt.html', query: {}, cached: false },
];

/** Resolves once the client's IndexedDB store holds a snapshot (what a return visit reads). */
async function waitForCachedSnapshot(page) {
  await page.waitForFunction(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('flagcast');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('snapshots')) return resolve(false);
          const count = db.transaction('snapshots').objectStore('snapshots').count();
          count.onsuccess = () => resolve(count.result > 0);
          count.onerror = () => resolve(false);
        };
      }),
    null,
    { timeout: CACHE_WAIT_MS, polling: 50 },
  );
}

/** One first visit and one return visit of `mode` in a fresh context. */
async function runMode(browser, mode, siteUrl, relayUrl) {
  const context = await browser.newContext();
  try {
    const url = `${siteUrl}/${mode.page}?${new URLSearchParams({ relay: relayUrl, ...mode.query })}`;
    const first = await measureVisit(context, url, relayUrl);
    if (mode.cached) await waitForCachedSnapshot(first.page);
    await first.page.close();
    const back = await measureVisit(context, url, relayUrl);
    await back.page.close();
    return { first, back };
  } finally {
    await context.close();
  }
}

const samples = Object.fromEntries(MODES.map((m) => [m.name, []]));
const stops = [];
try {
  const relay = await startRelayProcess(FEATURES);
  stops.push(() => relay.stop());
  const site = await startBenchSite();
  stops.push(() => site.close());
  const proxies = await startProxies([relay.port, site.port], RTT_MS, CONNECT_RTTS);
  stops.push(async () => {
    const late = (await proxies.stop()).sort((a, b) => a - b);
    const at = (p) => (late[Math.min(late.length - 1, Math.ceil(p * late.length) - 1)] ?? 0).toFixed(1);
    console.log(`proxy deliveries after their due time (ms; the RTT as emulated is this much longer): p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)} over ${late.length}${proxies.raised ? '' : ' (priority not raised)'}`);
  });
  const [relayUrl, siteUrl] = proxies.urls;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  stops.push(() => browser.close());

  console.log(`Chromium ${browser.version()}; pages and relay each behind a proxy: RTT ${RTT_MS} ms, a new connection ${CONNECT_RTTS} RTT more; ${RUNS} runs + 1 warm-up`);
  for (let round = 0; round <= RUNS; round++) {
    for (const mode of MODES) {
      const result = await runMode(browser, mode, siteUrl, relayUrl);
      if (round > 0) samples[mode.name].push(result);
    }
    process.stdout.write(round === 0 ? 'warm-up done' : ` ${round}`);
  }
  process.stdout.write('\n');
  printTable(MODES, samples, RTT_MS);
} finally {
  for (const stop of stops.reverse()) await stop().catch((error) => console.error(`teardown: ${error.message}`));
}
