import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repo, startRelay, startStatic } from '../support/servers';

const example = join(repo, 'examples/script-tag');

test('the script-tag page evaluates flags from the relay and updates live on a file edit', async ({ page }) => {
  const relay = await startRelay(join(example, 'features.yml'));
  const site = await startStatic({ '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'), '/': example });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#connection')).toHaveText('open');
    await expect(page.locator('#banner')).toBeVisible();
    await expect(page.locator('#accent')).toHaveText('violet');

    // Switch the accent to teal and turn the banner off: the open page follows, without reload.
    const original = await readFile(relay.file, 'utf8');
    const edited = original.replace('- variant: violet', '- variant: teal').replace('value: true', 'value: false');
    const written = Date.now();
    await relay.write(edited);
    await expect(page.locator('#accent')).toHaveText('teal', { timeout: 2000 });
    await expect(page.locator('#banner')).toBeHidden();
    expect(Date.now() - written).toBeLessThan(1000 + 500); // within a second, plus assertion polling
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});
