import type { EvaluationResult } from './snapshotView.js';

/**
 * Counts a request's evaluations by result, so that a batch or a bulk of thousands of flags
 * updates the metrics once per result it had, not once per flag.
 */
export class ResultTally {
  private readonly counts = new Map<EvaluationResult, number>();

  add(result: EvaluationResult): void {
    this.counts.set(result, (this.counts.get(result) ?? 0) + 1);
  }

  /** Hands each result and its count to `record`. */
  recordWith(record: (result: EvaluationResult, n: number) => void): void {
    for (const [result, n] of this.counts) record(result, n);
  }
}
