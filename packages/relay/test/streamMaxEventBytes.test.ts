// A client that asks for inline snapshots says how large an event it accepts
// (`?maxEventBytes=`): a larger snapshot goes as a notification, which the client follows with
// a GET, instead of an event it would refuse (and reconnect to get again, for ever).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../src/index.js';
import { StreamReader } from './support/http.js';

const STREAM = '/client/v2/environments/default/namespaces/default/stream?include=snapshot';

let dir: string;
let relay: Relay;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flagcast-max-event-'));
  const flags = Array.from({ length: 40 }, (_, i) => `  - {key: flag-${i}, name: Flag ${i}, type: BOOLEAN_FLAG_TYPE, enabled: true}`).join('\n');
  writeFileSync(join(dir, 'features.yml'), `version: "1.6"\nflags:\n${flags}\n`);
  relay = await createRelay({ file: join(dir, 'features.yml'), watch: false, logLevel: 'silent' });
});

afterAll(async () => {
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
});

async function firstEvent(query: string): Promise<{ type: string; etag: string; snapshot?: unknown }> {
  const sse = await StreamReader.open(`${relay.url}${STREAM}${query}`);
  try {
    await sse.until((r) => r.events().length === 1, 3000, 'first event');
    return JSON.parse(sse.events()[0]!.data);
  } finally {
    sse.close();
  }
}

describe('stream ?maxEventBytes=', () => {
  it('inlines a snapshot that fits', async () => {
    const event = await firstEvent('&maxEventBytes=1000000');
    expect(event.type).toBe('snapshot');
    expect(event.snapshot).toMatchObject({ namespace: { key: 'default' } });
  });

  it('sends a notification, not the snapshot, when the event would be larger', async () => {
    const event = await firstEvent('&maxEventBytes=500');
    expect(event).toEqual({ type: 'refetchEvaluation', etag: relay.snapshot('default')!.digest });
  });

  it('ignores a value that is not a positive integer', async () => {
    expect((await firstEvent('&maxEventBytes=abc')).type).toBe('snapshot');
    expect((await firstEvent('&maxEventBytes=-5')).type).toBe('snapshot');
  });
});
