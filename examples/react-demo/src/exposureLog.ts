import type { Exposure } from '@flagcast/core';

/** An exposure with the time it was reported. */
export type LoggedExposure = Exposure & { readonly at: number };

/** The page's exposure log: the `onExposure` callback, and a store the log panel reads. */
export interface ExposureLog {
  /** Give it to `createFlagClient` / the provider's options as `onExposure`. */
  record(exposure: Exposure): void;
  subscribe(listener: () => void): () => void;
  /** The latest exposures, newest first (the same array until one is added). */
  latest(): readonly LoggedExposure[];
  /** Every exposure so far. */
  total(): number;
}

/**
 * Keeps the last `limit` exposures. A real app sends them to its analytics tool instead (see the
 * React README); the demo shows them. Listeners hear of a batch once, a microtask later: 100
 * cells of the rollout grid mounting report 100 exposures and re-render the panel once.
 */
export function createExposureLog(limit = 12): ExposureLog {
  const listeners = new Set<() => void>();
  let latest: readonly LoggedExposure[] = [];
  let pending: LoggedExposure[] = [];
  let total = 0;
  return {
    record(exposure) {
      total++;
      if (pending.push({ ...exposure, at: Date.now() }) > 1) return;
      queueMicrotask(() => {
        latest = [...pending.reverse(), ...latest].slice(0, limit);
        pending = [];
        for (const listener of [...listeners]) listener();
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    latest: () => latest,
    total: () => total,
  };
}
