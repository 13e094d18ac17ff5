import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createRelay } from '@flagcast/relay';
import { REQUEST_TIMEOUT_MS, openStreams, repo, startRelay, startStatic } from '../support/servers';

const example = join(repo, 'examples/script-tag');
const features = join(example, 'features.yml');
const mounts = { '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'), '/': example };

async function open(page: Page, siteUrl: string, relayUrl: string, token?: string) {
  await page.goto(`${siteUrl}/?relay=${encodeURIComponent(relayUrl)}${token ? `&token=${encodeURIComponent(token)}` : ''}`);
}

test('live updates: 20 edits, each on the page within a second (p50/p95 printed)', async ({ page }) => {
  const relay = await startRelay(features);
  const site = await startStatic(mounts);
  try {
    await open(page, site.url, relay.url);
    await expect(page.locator('#accent')).toHaveText('violet');
    const original = await readFile(relay.file, 'utf8');
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const next = i % 2 === 0 ? 'teal' : 'violet';
      // Time from the file write to the DOM change, measured in the page's own clock.
      await page.evaluate(() => {
        const w = window as unknown as { changedAt?: number };
        delete w.changedAt;
        new MutationObserver((_, observer) => {
          w.changedAt = performance.timeOrigin + performance.now();
          observer.disconnect();
        }).observe(document.getElementById('accent')!, { childList: true, characterData: true, subtree: true });
      });
      const written = Date.now();
      await relay.write(next === 'teal' ? original.replace('- variant: violet', '- variant: teal') : original);
      await expect(page.locator('#accent')).toHaveText(next, { timeout: 1000 });
      const changedAt = await page.evaluate(() => (window as unknown as { changedAt: number }).changedAt);
      latencies.push(changedAt - written);
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length * 0.5)]!;
    const p95 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]!;
    console.log(`file write → DOM change over ${latencies.length} edits: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);
    expect(p95).toBeLessThan(1000);
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});

test('relay restart: the page reconnects and resyncs, with one stream per page', async ({ page }) => {
  let relay = await startRelay(features);
  const site = await startStatic(mounts);
  const port = relay.relay.port;
  try {
    await open(page, site.url, relay.url);
    await expect(page.locator('#connection')).toHaveText('open');
    expect(await openStreams(relay.url)).toBe(1);
    // Stop the relay, change the file, start a relay on the same port: the page catches up.
    const original = await readFile(relay.file, 'utf8');
    await relay.relay.close();
    await expect(page.locator('#connection')).not.toHaveText('open');
    await relay.write(original.replace('- variant: violet', '- variant: teal'));
    const restarted = await createRelay({ file: relay.file, port, host: '127.0.0.1', corsOrigins: ['*'], logLevel: 'silent', heartbeatMs: 1000 });
    const first = relay; // its close() also removes the temporary flag file
    relay = { ...relay, relay: restarted, close: () => restarted.close().then(() => first.close()) };
    await expect(page.locator('#accent')).toHaveText('teal', { timeout: 15_000 });
    await expect(page.locator('#connection')).toHaveText('open');
    expect(await openStreams(relay.url)).toBe(1);
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});

test('auth: without the token the page shows a clear error; with it, flags work', async ({ page }) => {
  const relay = await startRelay(features, { tokens: ['s3cret'] });
  const site = await startStatic(mounts);
  try {
    await open(page, site.url, relay.url);
    await expect(page.locator('#status')).toHaveText('error');
    await expect(page.locator('#error')).toContainText('UNAUTHORIZED');
    await expect(page.locator('#connection')).toHaveText('closed'); // it stops retrying
    await expect(page.locator('#accent')).toHaveText('none');

    await open(page, site.url, relay.url, 's3cret');
    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#accent')).toHaveText('violet');
    await expect(page.locator('#error')).toHaveText('none');
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});

test('a bad edit (invalid YAML) keeps the last good values; fixing the file updates the page', async ({ page }) => {
  const relay = await startRelay(features);
  const site = await startStatic(mounts);
  try {
    await open(page, site.url, relay.url);
    await expect(page.locator('#accent')).toHaveText('violet');
    const original = await readFile(relay.file, 'utf8');
    await relay.write(`${original.replace('- variant: violet', '- variant: teal')}\n  this: is: not: yaml: [\n`);
    await expect.poll(async () => (await (await fetch(`${relay.url}/healthz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).json()).sources?.[0]?.ok).toBe(false);
    await page.waitForTimeout(300);
    await expect(page.locator('#accent')).toHaveText('violet');
    await expect(page.locator('#status')).toHaveText('ready');
    await relay.write(original.replace('- variant: violet', '- variant: teal'));
    await expect(page.locator('#accent')).toHaveText('teal', { timeout: 2000 });
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});
