import type { Snapshot } from '@flagcast/core';

/** A complete set of namespace snapshots for one environment; replaces the previous set. */
export interface SourceUpdate {
  environment: string;
  snapshots: ReadonlyMap<string, Snapshot>;
}

/** What `/healthz` and `/metrics` report for a source. */
export interface SourceState {
  name: string;
  kind: string;
  /** True while the last load succeeded (or nothing failed since the last good load). */
  ok: boolean;
  namespaces: number;
  loads: number;
  loadErrors: number;
  lastLoadAt: string | null;
  lastError: { at: string; message: string; file?: string; line?: number; column?: number } | null;
}

/**
 * Where snapshots come from (a flag file today; an upstream Flipt later). A source pushes a full
 * update per environment whenever its data changes; a failed load keeps the last update.
 */
export interface Source {
  readonly name: string;
  readonly kind: string;
  /** Loads once (rejects when the first load fails), then keeps `onUpdate` informed. */
  start(onUpdate: (update: SourceUpdate) => void): Promise<void>;
  /** Loads again now; resolves with whether the load succeeded. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
  state(): SourceState;
}
