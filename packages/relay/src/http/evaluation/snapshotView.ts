import { Engine, type EvaluationResponse } from '@flagcast/core';
import type { SnapshotEntry } from '../../snapshots/snapshotEntry.js';

/** What the evaluation endpoints read of the relay: its snapshots and its environment choice. */
export interface SnapshotView {
  /**
   * The environment a request reads (the relay's one resolver: the named one when served, else
   * the `x-flipt-environment` header's, else the default); undefined when the header names an
   * environment that is not served.
   */
  pickEnvironment(named: string | undefined, header: string | undefined): string | undefined;
  /** The current snapshot of a namespace, if served. */
  entry(environment: string, namespace: string): SnapshotEntry | undefined;
}

/** How an evaluation ended, as counted in `flagcast_relay_evaluations_total{result}`. */
export type EvaluationResult = 'match' | 'default' | 'disabled' | 'unknown' | 'not_found' | 'invalid' | 'error';

// One engine per snapshot entry: an Engine compiles each flag on first use and keeps it, so
// reusing it across requests is what makes evaluation cheap. Entries are replaced on every
// change, which drops their engine with them.
const engines = new WeakMap<SnapshotEntry, Engine>();

/**
 * The engine for a snapshot entry. Snapshots reach the relay validated (`parseSnapshot` for an
 * upstream's, the converter's own output for flag files), so the engine needs no second check.
 */
export function engineFor(entry: SnapshotEntry): Engine {
  let engine = engines.get(entry);
  if (!engine) engines.set(entry, (engine = new Engine(entry.snapshot)));
  return engine;
}

/**
 * Evaluates one flag by its own type, as Flipt's server does: no check of blank keys or entity
 * ids (Flipt evaluates those), a missing flag as an error item.
 */
export function evaluateOne(engine: Engine, flagKey: string, entityId: string, context: Record<string, string>): EvaluationResponse {
  return engine.evaluateBatch([{ flagKey, entityId, context }]).responses[0]!;
}

/** The metric result for an evaluation reason. */
export function resultOf(reason: string): EvaluationResult {
  switch (reason) {
    case 'MATCH_EVALUATION_REASON':
      return 'match';
    case 'DEFAULT_EVALUATION_REASON':
      return 'default';
    case 'FLAG_DISABLED_EVALUATION_REASON':
      return 'disabled';
    default:
      return 'unknown';
  }
}
