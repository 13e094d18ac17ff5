import type { NetworkSourceOptions } from './networkSource.js';

/**
 * How a network source follows a server unless told otherwise: one set for browser clients
 * (`createFlagClient`'s options) and for the relay following its upstream.
 */
export const FOLLOWER_DEFAULTS = {
  pollIntervalMs: 30_000,
  requestTimeoutMs: 10_000,
  /** Silence after which a stream that sends heartbeats (the relay) is reconnected. */
  streamIdleTimeoutMs: 45_000,
  /** Silence after which a stream without heartbeats (Flipt) is checked and reconnected. */
  silentStreamTimeoutMs: 300_000,
  firstDeliveryTimeoutMs: 3_000,
  minDelayMs: 1_000,
  maxDelayMs: 30_000,
  includeSnapshotInStream: true,
  maxEventBytes: 16 * 1024 * 1024,
  maxSnapshotBytes: 32 * 1024 * 1024,
} satisfies Omit<NetworkSourceOptions, 'endpoint' | 'fetch' | 'transport'>;
