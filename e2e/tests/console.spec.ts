// What a developer sees in the browser's console: nothing on the happy path, one warning per
// fault (a namespace that does not exist, a relay that cannot be reached).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repo, startRelay, startStatic } from '../support/servers';

const example = join(repo, 'examples/script-tag');

function consoleOf(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => {
    // The browser's own note about the page's missing favicon is not ours.
    if (/favicon/.test(message.location().url)) return;
    if (message.type() === 'warning' || message.type() === 'error') lines.push(`${message.type()}: ${message.text()}`);
  });
  return lines;
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the console: silent when all is well, one warning per fault', async ({ page }) => {
  const relay = await startRelay(join(example, 'features.yml'));
  const site = await startStatic({ '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'), '/': example });
  try {
    const lines = consoleOf(page);
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.locator('#connection')).toHaveText('open');
    await relay.write((await readFile(relay.file, 'utf8')).replace('- variant: violet', '- variant: teal'));
    await expect(page.locator('#accent')).toHaveText('teal');
    expect(lines).toEqual([]);

    // A namespace that does not exist: one warning naming the URL and the server's answer.
    await page.evaluate((url) => (window as any).Flagcast.createFlagClient({ url, namespace: 'nope', tabs: 'own' }), relay.url);
    await expect.poll(() => lines.filter((line) => line.includes('[flagcast]')).length).toBe(1);
    expect(lines.find((line) => line.includes('[flagcast]'))).toMatch(/^warning: \[flagcast\] GET http:\/\/127\.0\.0\.1:\d+\/.*nope.*HTTP 404/);

    // A relay that cannot be reached: one more warning, however often the client retries.
    const port = await unusedPort();
    await page.evaluate((url) => (window as any).Flagcast.createFlagClient({ url, tabs: 'own', retry: { minDelayMs: 20, maxDelayMs: 40 } }), `http://127.0.0.1:${port}`);
    await expect.poll(() => lines.filter((line) => line.includes('keeps failing')).length, { timeout: 10_000 }).toBe(1);
    await page.waitForTimeout(500);
    expect(lines.filter((line) => line.includes('[flagcast]'))).toHaveLength(2);
  } finally {
    await page.close();
    await site.close();
    await relay.close();
  }
});
