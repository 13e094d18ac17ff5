/** How a `SliceScheduler` divides work. */
export interface SliceSchedulerOptions {
  /** Items a job runs before the scheduler looks at the clock and the other jobs. */
  sliceItems: number;
  /** Time one turn of the event loop may spend on jobs before I/O gets its turn. */
  turnBudgetMs: number;
}

/** Enough to make the clock checks cheap, small enough (tens of evaluations) to stay well under the budget. */
export const DEFAULT_SLICE_ITEMS = 64;
/** `/healthz`, streams and other clients wait at most about this long for a large evaluation. */
export const DEFAULT_TURN_BUDGET_MS = 5;

interface Job {
  next: number;
  readonly count: number;
  readonly step: (index: number) => void;
  readonly signal: AbortSignal | undefined;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * Runs long loops (a batch's items, a bulk's flags) a slice at a time, round-robin between the
 * requests that have one, and yields to I/O (`setImmediate`) once a turn's budget is spent. A
 * large request then delays everything else by one budget, not by its whole duration, however
 * many such requests are in progress.
 */
export class SliceScheduler {
  private readonly jobs: Job[] = [];
  private scheduled = false;

  constructor(private readonly options: SliceSchedulerOptions = { sliceItems: DEFAULT_SLICE_ITEMS, turnBudgetMs: DEFAULT_TURN_BUDGET_MS }) {}

  /** Loops waiting or in progress. */
  get pending(): number {
    return this.jobs.length;
  }

  /**
   * Calls `step(i)` for each `i` from 0 to `count - 1`, in order, in slices. Resolves when all
   * ran; rejects with `step`'s error (the rest is skipped), or with the signal's reason once it
   * is aborted (the client went away: its remaining work is dropped).
   */
  forEach(count: number, step: (index: number) => void, signal?: AbortSignal): Promise<void> {
    if (count <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.jobs.push({ next: 0, count, step, signal, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Runs `fn` as one step in its turn (parsing a large body, say): it cannot be divided, but
   * steps of several requests then run a turn apart, with I/O between them.
   */
  async run<T>(fn: () => T, signal?: AbortSignal): Promise<T> {
    let result: T | undefined;
    await this.forEach(1, () => (result = fn()), signal);
    return result as T;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const deadline = performance.now() + this.options.turnBudgetMs;
    // At least one slice a turn, however small the budget: every loop moves on.
    for (let first = true; this.jobs.length > 0 && (first || performance.now() < deadline); first = false) {
      const job = this.jobs.shift()!;
      if (job.signal?.aborted) {
        job.reject(job.signal.reason);
        continue;
      }
      try {
        const end = Math.min(job.count, job.next + this.options.sliceItems);
        while (job.next < end) job.step(job.next++);
      } catch (err) {
        job.reject(err);
        continue;
      }
      if (job.next >= job.count) job.resolve();
      else this.jobs.push(job);
    }
    if (this.jobs.length > 0) this.schedule();
  }
}
