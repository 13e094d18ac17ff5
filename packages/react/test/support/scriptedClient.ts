/**
 * A client that never connects by itself: it starts from `initial` (if any) and takes the next
 * snapshot when the test calls `publish`, through the client's own `refresh()` and a fake fetch.
 */
import { act } from '@testing-library/react';
import { createFlagClient, type FlagClient, type FlagClientOptions } from '@flagcast/core';
import type { TestSnapshot } from './snapshots';

export interface ScriptedClient {
  client: FlagClient;
  /** Delivers a snapshot (inside `act`) and resolves once the client applied it. */
  publish(snapshot: TestSnapshot): Promise<void>;
}

export function scriptedClient(initial: TestSnapshot | undefined, options: Partial<FlagClientOptions> = {}): ScriptedClient {
  let next: TestSnapshot | undefined;
  const client = createFlagClient({
    url: 'http://flags.test',
    transport: 'none',
    cache: 'none',
    bootstrap: initial,
    fetch: async () => new Response(JSON.stringify(next), { headers: { 'content-type': 'application/json', etag: `"${next!.digest}"` } }),
    ...options,
  });
  return {
    client,
    async publish(snapshot) {
      next = snapshot;
      await act(() => client.refresh());
    },
  };
}
