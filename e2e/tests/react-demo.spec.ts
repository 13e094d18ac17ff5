import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repo, startRelay, startStatic } from '../support/servers';

const demo = join(repo, 'examples/react-demo');

async function renders(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of ['new-checkout', 'promo-banner', 'theme', 'rollout']) {
    counts[name] = Number((await page.getByTestId(`renders-${name}`).textContent())!.split(' ')[0]);
  }
  return counts;
}

test('the demo: a flag change re-renders only the components that read it, once', async ({ page }) => {
  const relay = await startRelay(join(demo, 'features.yml'));
  const site = await startStatic({ '/': join(demo, 'dist') });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.getByTestId('connection')).toHaveText('open');
    await expect(page.getByTestId('checkout-new')).toBeVisible();
    await expect(page.getByTestId('promo-banner-text')).toBeVisible();
    await expect(page.getByTestId('theme-variant')).toHaveText('daylight');
    const original = await readFile(relay.file, 'utf8');
    const before = await renders(page);

    // new-checkout off: only the checkout component renders again, once.
    const checkoutOff = original.replace(/(key: new-checkout[\s\S]*?enabled: )true/, '$1false');
    await relay.write(checkoutOff);
    await expect(page.getByTestId('checkout-old')).toBeVisible();
    await page.waitForTimeout(200);
    expect(await renders(page)).toEqual({ ...before, 'new-checkout': before['new-checkout']! + 1 });

    // The theme: only the theme readers (the root applying colours and the theme card).
    await relay.write(checkoutOff.replace(/- variant: daylight/, '- variant: dusk'));
    await expect(page.getByTestId('theme-variant')).toHaveText('dusk');
    await page.waitForTimeout(200);
    expect(await renders(page)).toEqual({ ...before, 'new-checkout': before['new-checkout']! + 1, theme: before['theme']! + 1 });

    // A rollout change re-colours the grid's cells without re-rendering the grid itself.
    const control = Number(await page.getByTestId('count-control').textContent());
    await relay.write(
      checkoutOff.replace('- variant: daylight', '- variant: dusk').replace(/variant: control\n(\s+)rollout: 50/, 'variant: control\n$1rollout: 0'),
    );
    await expect(page.getByTestId('count-control')).toHaveText('0');
    expect(control).toBeGreaterThan(20);
    await expect(page.locator('.cell[data-variant="control"]')).toHaveCount(0);
    expect((await renders(page))['rollout']).toBe(before['rollout']);
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});

test('the demo: switching the simulated user re-targets the banner', async ({ page }) => {
  const relay = await startRelay(join(demo, 'features.yml'));
  const site = await startStatic({ '/': join(demo, 'dist') });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.getByTestId('promo-banner-text')).toBeVisible();
    await page.getByTestId('user-plan').selectOption('free');
    await expect(page.getByTestId('promo-banner-text')).toBeHidden();
    await page.getByTestId('user-plan').selectOption('pro');
    await page.getByTestId('user-country').selectOption('FR');
    await expect(page.getByTestId('promo-banner-text')).toBeHidden();
    await page.getByTestId('user-country').selectOption('DE');
    await expect(page.getByTestId('promo-banner-text')).toBeVisible();
    await page.getByTestId('user-age').fill('17');
    await expect(page.getByTestId('promo-banner-text')).toBeHidden();
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});

test('the demo: the exposure log shows each value served once, and again when it changes', async ({ page }) => {
  const relay = await startRelay(join(demo, 'features.yml'));
  const site = await startStatic({ '/': join(demo, 'dist') });
  const count = async () => Number((await page.getByTestId('exposure-count').textContent())!.split(' ')[0]);
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.getByTestId('checkout-new')).toBeVisible();
    // user-42: new-checkout, promo-banner, theme (two readers, one exposure); 100 visitors in the grid.
    await expect(page.getByTestId('exposure-count')).toHaveText('103 reported');
    await page.getByTestId('user-plan').selectOption('free');
    await expect(page.getByTestId('promo-banner-text')).toBeHidden();
    await expect(page.getByTestId('exposure').first()).toContainText('promo-banner = false for user-42');
    await page.getByTestId('user-plan').selectOption('pro');
    await expect(page.getByTestId('exposure').first()).toContainText('promo-banner = true for user-42');
    expect(await count()).toBe(105);
    // A context change that changes no value reports nothing.
    await page.getByTestId('user-age').fill('35');
    await page.waitForTimeout(300);
    expect(await count()).toBe(105);
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});
