import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startFliptStub } from '../support/fliptStub';
import { repo, startStatic } from '../support/servers';

// Issue 11, point 1, in the browser: Flipt ends its stream after an error event. The IIFE build
// must reconnect (within its 50-200 ms backoff here) and receive the next change on the new stream.
test('a stream that sends a refetchEvaluation, an error event and ends is reconnected; the next change arrives', async ({ page }) => {
  const flipt = await startFliptStub();
  const site = await startStatic({
    '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'),
    '/': join(repo, 'e2e/fixtures/stream-end'),
  });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await page.goto(`${site.url}/?flipt=${encodeURIComponent(flipt.url)}`);
    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#banner')).toHaveText('true');

    // The error event reached the client, and the stream it ended was replaced.
    await expect(page.locator('#error')).toContainText('stream interrupted');
    await flipt.waitForStreams(2);
    await expect(page.locator('#connection')).not.toHaveText('retrying');

    flipt.flip();
    await expect(page.locator('#banner')).toHaveText('false');
    expect(problems).toEqual([]);
  } finally {
    await page.context().close();
    await site.close();
    await flipt.close();
  }
});
