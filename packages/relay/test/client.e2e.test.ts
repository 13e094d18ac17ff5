// @flagcast/core's live client against a real relay: it loads, then follows a file edit over
// SSE, both in Flipt's dialect (notification + conditional refetch) and with inline snapshots.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlagClient } from '@flagcast/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../src/index.js';

const flags = (enabled: boolean) => `namespace: web\nflags:\n  - {key: checkout, name: Checkout, type: BOOLEAN_FLAG_TYPE, enabled: ${enabled}}\n`;

let dir: string;
let file: string;
let relay: Relay;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-e2e-'));
  file = join(dir, 'features.yaml');
  writeFileSync(file, flags(false));
  relay = await createRelay({ file, port: 0, logLevel: 'silent', debounceMs: 20, tokens: ['tok'] });
});

afterAll(async () => {
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
});

function edit(enabled: boolean): void {
  writeFileSync(join(dir, '.tmp'), flags(enabled));
  renameSync(join(dir, '.tmp'), file);
}

describe.each([false, true])('createFlagClient over the relay (inline snapshots: %s)', (inline) => {
  it('loads, then follows an edit', async () => {
    edit(false);
    await relay.reload();
    const client = createFlagClient({ url: relay.url, namespace: 'web', cache: 'none', authentication: { clientToken: 'tok' }, includeSnapshotInStream: inline });
    try {
      await client.ready();
      expect(client.getBoolean('checkout', true, 'user-1')).toBe(false);
      const changed = new Promise<readonly string[]>((resolve) => {
        const off = client.subscribe((event) => {
          if (event.type === 'snapshot') {
            off();
            resolve(event.changedFlags);
          }
        });
      });
      edit(true);
      expect(await changed).toEqual(['checkout']);
      expect(client.getBoolean('checkout', false, 'user-1')).toBe(true);
      expect(client.getState().digest).toBe(relay.snapshot('web')!.digest);
    } finally {
      client.close();
    }
  });
});
