// A server-rendered (bootstrap) snapshot that the network confirms is written to IndexedDB, so
// a later visit whose server rendering cannot reach the relay never starts from an older edit.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repo, startRelay, startStatic } from '../support/servers';

const features = join(repo, 'examples/script-tag/features.yml');

/** The page's IndexedDB entry for the relay's default namespace (digest and flag keys). */
function cachedEntry(page: Page): Promise<{ digest: string; keys: string[] } | null> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('flagcast');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('snapshots')) return resolve(null);
          const all = db.transaction('snapshots').objectStore('snapshots').getAll();
          all.onsuccess = () => {
            const entry = all.result[0] as { digest: string; snapshot: { flags: Array<{ key: string }> } } | undefined;
            db.close();
            resolve(entry ? { digest: entry.digest, keys: entry.snapshot.flags.map((flag) => flag.key).sort() } : null);
          };
        };
      }),
  );
}

for (const transport of ['sse', 'poll'] as const) {
  test(`a bootstrap the network confirms (${transport}) is in IndexedDB`, async ({ page }) => {
    const relay = await startRelay(features);
    const site = await startStatic({ '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'), '/': join(repo, 'examples/script-tag') });
    try {
      // What a server would render into the page: the relay's current snapshot.
      const response = await fetch(`${relay.url}/internal/v1/evaluation/snapshot/namespace/default`);
      const bootstrap = await response.json();
      await page.goto(`${site.url}/blank.html`).catch(() => {}); // a 404 page of the origin: only its storage matters
      await page.addScriptTag({ url: `${site.url}/flagcast.iife.js` });
      const state = await page.evaluate(
        async ({ url, bootstrap, transport }) => {
          const client = (window as any).Flagcast.createFlagClient({ url, bootstrap, transport, tabs: 'own' });
          const started = client.getState().source;
          await new Promise<void>((resolve) => {
            const check = () => client.getState().source === 'network' && resolve();
            client.subscribe(check);
            check();
          });
          (window as any).client = client;
          return { started, digest: client.getState().digest };
        },
        { url: relay.url, bootstrap, transport },
      );
      expect(state.started).toBe('bootstrap');
      expect(state.digest).toBe(bootstrap.digest);
      await expect.poll(() => cachedEntry(page), { timeout: 5_000 }).toMatchObject({ digest: bootstrap.digest });
      expect((await cachedEntry(page))!.keys).toEqual(bootstrap.flags.map((flag: { key: string }) => flag.key).sort());
    } finally {
      await page.close();
      await site.close();
      await relay.close();
    }
  });
}
