import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repo, startRelay, startStatic } from '../support/servers';

// The product promise: no eval, no new Function, no WebAssembly, so a page whose policy allows
// nothing but its own scripts and one connection target can still evaluate flags and stream.
test('the IIFE build evaluates and streams under a strict Content-Security-Policy', async ({ page }) => {
  const relay = await startRelay(join(repo, 'examples/script-tag/features.yml'));
  const policy = `default-src 'none'; script-src 'self'; connect-src ${relay.url}; base-uri 'none'; form-action 'none'`;
  const site = await startStatic(
    { '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'), '/': join(repo, 'e2e/fixtures/strict-csp') },
    { 'content-security-policy': policy },
  );
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);

    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#banner')).toHaveText('true');
    await expect(page.locator('#accent')).toHaveText('violet');
    await expect(page.locator('#batch')).toHaveText('BOOLEAN,VARIANT,ERROR');

    // The stream works within connect-src: an edit reaches the page without a reload.
    const original = await readFile(relay.file, 'utf8');
    await relay.write(original.replace('- variant: violet', '- variant: teal'));
    await expect(page.locator('#accent')).toHaveText('teal', { timeout: 2000 });
    expect(problems).toEqual([]);

    // Last (it causes violations of its own): the policy was in force all along, a page script
    // may neither eval nor compile WebAssembly.
    await page.goto(`${site.url}/control.html`);
    await expect(page.locator('#eval')).toHaveText('EvalError');
    await expect(page.locator('#wasm')).toHaveText('CompileError');
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});
