import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repo, startRelay, startStatic } from '../support/servers';

// The OpenFeature demo (built dist) in Chromium, with the relay on the React demo's flag file.
const demo = join(repo, 'examples/openfeature-demo');
const features = join(repo, 'examples/react-demo/features.yml');

async function renders(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of ['new-checkout', 'promo-banner', 'theme', 'experiment']) {
    counts[name] = Number((await page.getByTestId(`renders-${name}`).textContent())!.split(' ')[0]);
  }
  return counts;
}

test('the OpenFeature demo: a live edit re-renders only the card reading that flag; a lost relay is STALE', async ({ page }) => {
  const relay = await startRelay(features);
  const site = await startStatic({ '/': join(demo, 'dist') });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.getByTestId('status')).toHaveText('READY');
    await expect(page.getByTestId('checkout')).toHaveText('Pay now');
    await expect(page.getByTestId('theme-variant')).toHaveText('daylight');
    await expect(page.getByTestId('promo-banner')).toContainText('free express shipping');
    const original = await readFile(relay.file, 'utf8');
    const before = await renders(page);

    const checkoutOff = original.replace(/(key: new-checkout[\s\S]*?enabled: )true/, '$1false');
    await relay.write(checkoutOff);
    await expect(page.getByTestId('checkout')).toHaveText('Continue');
    await page.waitForTimeout(200); // a stray re-render would have happened by now
    expect(await renders(page)).toEqual({ ...before, 'new-checkout': before['new-checkout']! + 1 });

    await relay.write(checkoutOff.replace('- variant: daylight', '- variant: dusk'));
    await expect(page.getByTestId('theme-variant')).toHaveText('dusk');
    await expect(page.locator('.app')).toHaveCSS('background-color', 'rgb(30, 27, 75)'); // dusk's attachment
    await page.waitForTimeout(200);
    expect(await renders(page)).toEqual({ ...before, 'new-checkout': before['new-checkout']! + 1, theme: before['theme']! + 1 });

    // A context change: evaluated locally; only the banner's value changes.
    const counts = await renders(page);
    await page.getByTestId('user-plan').selectOption('free');
    await expect(page.getByTestId('promo-banner')).toContainText('change the context');
    await page.waitForTimeout(200);
    expect(await renders(page)).toEqual({ ...counts, 'promo-banner': counts['promo-banner']! + 1 });

    await relay.close();
    await expect(page.getByTestId('status')).toHaveText('STALE');
    await expect(page.getByTestId('theme-variant')).toHaveText('dusk'); // the last flags stay
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});
