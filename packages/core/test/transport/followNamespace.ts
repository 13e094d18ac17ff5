/**
 * A network source (what a client and the relay's upstream both run) following a test server,
 * with a sink that records what it was told. The sink keeps only the identity of the snapshot
 * in hand, not the snapshot, so a heap measurement sees the transport alone.
 */
import { afterEach } from 'vitest';
import type { FlagClientError } from '../../src/index';
import { createNetworkSource, type NetworkSink, type NetworkSource, type NetworkSourceOptions } from '../../src/network';
import type { FlagServer } from '../support/flagServer';

export interface Followed {
  source: NetworkSource;
  /** Identities delivered, in order. */
  delivered: string[];
  errors: FlagClientError[];
  /** `polling()` calls. */
  modes: string[];
  confirmed: number;
}

const sources: NetworkSource[] = [];
afterEach(() => {
  for (const source of sources.splice(0)) source.stop();
});

export function follow(server: FlagServer, options: Partial<NetworkSourceOptions> = {}, start = true): Followed {
  const followed: Followed = { source: undefined as unknown as NetworkSource, delivered: [], errors: [], modes: [], confirmed: 0 };
  let digest: string | undefined;
  const sink: NetworkSink = {
    current: () => ({ digest, fromNetwork: digest !== undefined, hasSnapshot: digest !== undefined }),
    deliver(snapshot, identity) {
      digest = identity || snapshot.digest || '';
      followed.delivered.push(digest);
    },
    confirmed: () => followed.confirmed++,
    connection: () => {},
    polling: () => followed.modes.push('poll'),
    report: (error) => followed.errors.push(error),
    opened: () => {},
  };
  followed.source = createNetworkSource(
    {
      endpoint: { url: server.url, namespace: 'default', environment: 'default', authorization: undefined, reference: undefined },
      fetch: (...args) => fetch(...args),
      transport: 'sse',
      pollIntervalMs: 30,
      requestTimeoutMs: 2_000,
      streamIdleTimeoutMs: 5_000,
      silentStreamTimeoutMs: 60_000,
      firstDeliveryTimeoutMs: 3_000,
      minDelayMs: 10,
      maxDelayMs: 50,
      includeSnapshotInStream: true,
      maxEventBytes: 16 * 1024 * 1024,
      ...options,
    },
    sink,
  );
  sources.push(followed.source);
  if (start) followed.source.start();
  return followed;
}
