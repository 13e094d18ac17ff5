import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { REQUEST_TIMEOUT_MS, repo, startRelay, startStatic } from '../support/servers';

// OpenFeature's real OFREP web provider (@openfeature/ofrep-web-provider 0.4.3, web SDK
// 1.10.0) in Chromium, against the relay's OFREP endpoints: bulk evaluation with ETags, and
// changes through the eventStreams the relay advertises (the browser's own EventSource).
const fixture = join(repo, 'e2e/fixtures/ofrep-web');

async function bundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flagcast-ofrep-web-'));
  await build({ entryPoints: [join(fixture, 'app.js')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'app.js'), logLevel: 'silent' });
  return dir;
}

async function openSseStreams(relayUrl: string): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).text();
  return Number(/^flagcast_relay_open_streams\{format="sse"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

test('flag values, then every change through the SSE stream: an attachment-only change too', async ({ page }) => {
  const relay = await startRelay(join(fixture, 'features.yml'));
  const built = await bundle();
  const site = await startStatic({ '/app.js': join(built, 'app.js'), '/': fixture });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#banner')).toHaveText('blue');
    await expect(page.locator('#attachment')).toHaveText('{"color":"blue"}');
    await expect(page.locator('#reason')).toHaveText('DEFAULT');
    // The provider connected to the advertised stream: one SSE connection for this page.
    await expect.poll(() => openSseStreams(relay.url)).toBe(1);

    // Only the attachment changes: same keys, same variants. Flipt's ETag (keys and variants)
    // would answer 304 here and the page would never see it.
    const original = await readFile(relay.file, 'utf8');
    await relay.write(original.replace('attachment: {color: blue}', 'attachment: {color: navy}'));
    await expect(page.locator('#attachment')).toHaveText('{"color":"navy"}', { timeout: 5000 });
    await expect(page.locator('#banner')).toHaveText('blue');

    // The default variant changes.
    await relay.write(original.replace('default: true', 'default: false').replace('- key: red', '- key: red\n        default: true'));
    await expect(page.locator('#banner')).toHaveText('red', { timeout: 5000 });
    await expect(page.locator('#attachment')).toHaveText('{"color":"red"}');
    // Each change told the page which flags changed: only the banner.
    const changed = await page.evaluate(() => (window as unknown as { flagsChanged: (string[] | null)[] }).flagsChanged);
    expect(changed).toEqual([['banner'], ['banner']]);
    expect(await openSseStreams(relay.url)).toBe(1);
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
    await rm(built, { recursive: true, force: true });
  }
});

test('targeting: the context reaches the relay (segment match, OFREP reason)', async ({ page }) => {
  const relay = await startRelay(join(fixture, 'features.yml'));
  const built = await bundle();
  const site = await startStatic({ '/app.js': join(built, 'app.js'), '/': fixture });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}&plan=beta`);
    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#banner')).toHaveText('red');
    await expect(page.locator('#reason')).toHaveText('TARGETING_MATCH');
    // The boolean flag's threshold, as the relay's own REST API evaluates it for this user.
    const rest = await (await fetch(`${relay.url}/evaluate/v1/boolean`, { method: 'POST', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), body: JSON.stringify({ namespaceKey: 'web', flagKey: 'dark-mode', entityId: 'user-1', context: { plan: 'beta' } }) })).json();
    await expect(page.locator('#dark')).toHaveText(String(rest.enabled));
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
    await rm(built, { recursive: true, force: true });
  }
});
