// A chain of relays, as an edge tier is deployed: a root relay on a flag file, two edge relays
// following it (core's network source, as a browser client follows a server), and a live
// client on each edge. An edit at the root reaches both clients; a root restart is survived.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlagClient, type FlagClient } from '@flagcast/core';
import { createRelay, type Relay } from '../src/index.js';

const flags = (enabled: boolean) => `version: "1.6"
flags:
  - key: checkout
    name: Checkout
    type: BOOLEAN_FLAG_TYPE
    enabled: ${enabled}
`;

let dir: string;
let file: string;
let root: Relay;
const cleanup: (() => unknown)[] = [];

function write(text: string): void {
  const tmp = join(dir, '.features.yml.tmp');
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function edge(): Promise<Relay> {
  const relay = await createRelay({ upstream: { url: root.url, backoffMinMs: 20, backoffMaxMs: 200 }, logLevel: 'silent' });
  cleanup.push(() => relay.close());
  return relay;
}

function client(relay: Relay): FlagClient {
  const c = createFlagClient({ url: relay.url, cache: 'none', retry: { minDelayMs: 20, maxDelayMs: 200 } });
  cleanup.push(() => c.close());
  return c;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flagcast-chain-'));
  file = join(dir, 'features.yml');
  write(flags(false));
  root = await createRelay({ file, debounceMs: 10, logLevel: 'silent' });
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await root.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('root relay → edge relays → clients', () => {
  it('an edit at the root reaches the clients of both edges', async () => {
    const clients = [client(await edge()), client(await edge())];
    await Promise.all(clients.map((c) => c.ready({ timeoutMs: 5_000 })));
    expect(clients.map((c) => c.getBoolean('checkout', true, 'u1'))).toEqual([false, false]);
    write(flags(true));
    await until(() => clients.every((c) => c.getBoolean('checkout', false, 'u1')), 'the edit on both edges');
    // Every hop serves the root's digest.
    expect(new Set(clients.map((c) => c.digest))).toEqual(new Set([root.snapshot('default')!.digest]));
  });

  it('survives a root restart: edges reconnect and a later edit arrives', async () => {
    const edges = [await edge(), await edge()];
    const clients = edges.map(client);
    await Promise.all(clients.map((c) => c.ready({ timeoutMs: 5_000 })));
    const port = root.port;
    await root.close();
    // While the root is down the edges keep serving the last good snapshot.
    await until(() => edges.every((e) => e.sources()[0]!.upstream!.namespaces[0]!.phase !== 'streaming'), 'the edges noticing');
    expect(clients.map((c) => c.getBoolean('checkout', true, 'u1'))).toEqual([false, false]);
    write(flags(true));
    root = await createRelay({ file, port, debounceMs: 10, logLevel: 'silent' });
    await until(() => clients.every((c) => c.getBoolean('checkout', false, 'u1')), 'the edit made while the root was down', 15_000);
    // Healthy again (a failed reconnect may still be reported just after the change arrived).
    await until(() => edges.every((e) => e.sources()[0]!.ok), 'both edges healthy');
  });
});
