import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repo, startRelay, startStatic } from '../support/servers';

const example = join(repo, 'examples/offline-pwa');

test('the PWA opens and evaluates offline after one visit, says so, and catches up online', async ({ page, context }) => {
  const relay = await startRelay(join(example, 'features.yml'));
  const site = await startStatic({ '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'), '/': example });
  try {
    const url = `${site.url}/?relay=${encodeURIComponent(relay.url)}`;
    await page.goto(url);
    await expect(page.locator('#source')).toHaveText('network');
    await expect(page.locator('#accent')).toHaveText('violet');
    // Go offline only once the service worker controls the page (see TOOLCHAIN.md).
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await expect(page.locator('#source')).toHaveText('network');
    // The snapshot is in IndexedDB by now (saved when it arrived).
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const open = indexedDB.open('flagcast');
              open.onsuccess = () => {
                const count = open.result.transaction('snapshots').objectStore('snapshots').count();
                count.onsuccess = () => resolve(count.result);
              };
              open.onerror = () => resolve(0);
            }),
        ),
      )
      .toBe(1);

    // Offline: the shell comes from the service worker, the flags from IndexedDB.
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('#network')).toHaveText('offline');
    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#source')).toHaveText('cache');
    await expect(page.locator('#accent')).toHaveText('violet');
    await expect(page.locator('#banner')).toBeVisible();
    await expect(page.locator('#age')).toContainText('using flags saved');

    // Change the flags while the page is offline; back online, it catches up without a reload.
    const original = await readFile(relay.file, 'utf8');
    await relay.write(original.replace('- variant: violet', '- variant: teal'));
    await page.waitForTimeout(300);
    await expect(page.locator('#accent')).toHaveText('violet');
    await context.setOffline(false);
    await expect(page.locator('#network')).toHaveText('online');
    await expect(page.locator('#accent')).toHaveText('teal', { timeout: 5000 });
    await expect(page.locator('#source')).toHaveText('network');
  } finally {
    await context.close();
    await site.close();
    await relay.close();
  }
});
