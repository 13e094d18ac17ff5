import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { REQUEST_TIMEOUT_MS, repo, startRelay, startStatic } from '../support/servers';

// Flipt's own browser SDK (@flipt-io/flipt-client-js 0.5.1, its browser build) in Chromium,
// loading its snapshot from the relay cross-origin. It always sends
// x-flipt-accept-server-version and x-flipt-environment, which the relay's CORS preflight
// must allow; its answers must equal the relay's server-side evaluation API's.
const fixture = join(repo, 'e2e/fixtures/flipt-client');
const features = join(repo, 'e2e/fixtures/ofrep-web/features.yml');
const sdk = join(repo, 'e2e/node_modules/@flipt-io/flipt-client-js/dist/browser/index.mjs');

interface Request {
  flagKey: string;
  entityId: string;
  context: Record<string, string>;
  boolean?: boolean;
}

const contexts: Record<string, string>[] = [{}, { plan: 'beta' }];
const requests: Request[] = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6'].flatMap((entityId) =>
  contexts.flatMap((context) => [
    { flagKey: 'banner', entityId, context },
    { flagKey: 'dark-mode', entityId, context, boolean: true },
  ]),
);

/** The relay's own answers (POST /evaluate/v1/batch), shaped as the browser SDK's results. */
async function relayAnswers(relayUrl: string, headers: Record<string, string> = {}): Promise<unknown[]> {
  const res = await fetch(`${relayUrl}/evaluate/v1/batch`, { method: 'POST', headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), body: JSON.stringify({ requests: requests.map(({ boolean: _b, ...r }) => ({ namespaceKey: 'web', ...r })) }) });
  const body = (await res.json()) as { responses: Record<string, Record<string, unknown>>[] };
  return body.responses.map((item) => {
    const { requestId: _i, requestDurationMillis: _d, timestamp: _t, variantAttachment, ...rest } = (item['booleanResponse'] ?? item['variantResponse'])!;
    return { ...rest, ...(variantAttachment ? { variantAttachment } : {}) };
  });
}

/** The browser SDK's answers, without its timing fields (the relay's differ per request). */
async function pageAnswers(page: Page): Promise<unknown[]> {
  const answers = await page.evaluate((rs) => (window as unknown as { evaluate(r: unknown[]): Record<string, unknown>[] }).evaluate(rs), requests);
  return answers.map(({ requestDurationMillis: _d, timestamp: _t, ...rest }) => rest);
}

test("Flipt's browser SDK loads from the relay cross-origin and agrees with the relay's evaluation API", async ({ page }) => {
  const relay = await startRelay(features);
  const site = await startStatic({ '/flipt-client.mjs': sdk, '/': fixture });
  try {
    // Nothing to the relay may fail or be blocked (a refused preflight shows as a CORS error).
    const refused: string[] = [];
    page.on('console', (m) => /CORS|blocked/i.test(m.text()) && refused.push(m.text()));
    page.on('requestfailed', (r) => r.url().startsWith(relay.url) && refused.push(`${r.url()}: ${r.failure()?.errorText}`));
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.locator('#status')).toHaveText('ready', { timeout: 15_000 });
    expect(refused).toEqual([]);
    const answers = await pageAnswers(page);
    expect(answers).toEqual(await relayAnswers(relay.url));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBeGreaterThan(2);

    // refresh() revalidates with If-None-Match (another header the preflight must allow): 304, then the edit.
    expect(await page.evaluate(() => (window as unknown as { refresh(): Promise<boolean> }).refresh())).toBe(false);
    const original = await readFile(relay.file, 'utf8');
    await relay.write(original.replace('default: true', 'default: false').replace('- key: red', '- key: red\n        default: true'));
    await expect.poll(() => page.evaluate(() => (window as unknown as { refresh(): Promise<boolean> }).refresh())).toBe(true);
    const after = await pageAnswers(page);
    expect(after).toEqual(await relayAnswers(relay.url));
    expect(after).not.toEqual(answers);
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});

test("with a client token: the SDK's Authorization header passes the preflight", async ({ page }) => {
  const relay = await startRelay(features, { tokens: ['s3cret'] });
  const site = await startStatic({ '/flipt-client.mjs': sdk, '/': fixture });
  try {
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}`);
    await expect(page.locator('#status')).toContainText('error', { timeout: 15_000 });
    await page.goto(`${site.url}/?relay=${encodeURIComponent(relay.url)}&token=s3cret`);
    await expect(page.locator('#status')).toHaveText('ready', { timeout: 15_000 });
    expect(await pageAnswers(page)).toEqual(await relayAnswers(relay.url, { authorization: 'Bearer s3cret' }));
  } finally {
    await page.context().close();
    await site.close();
    await relay.close();
  }
});
