import type { FlagClientError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { isDefinitive, isFatal } from './httpError.js';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'retrying' | 'offline' | 'closed';

/** How long to wait before asking again after a 401/403 (equal jitter: half to all of min·2^attempt, capped). */
export interface RefusedRetry {
  minDelayMs: number;
  maxDelayMs: number;
}

export interface ConnectionLoopOptions {
  /**
   * One connection: resolves when it ends normally (a poll done), rejects with a
   * FlagClientError on failure.
   * `markGood` resets the backoff (the server delivered something).
   */
  connect(signal: AbortSignal, markGood: () => void): Promise<void>;
  /** After a connection that ended normally, wait this long (polling); streams use 0. */
  steadyDelayMs(): number;
  minDelayMs: number;
  maxDelayMs: number;
  onConnection(state: ConnectionState): void;
  onError(error: FlagClientError): void;
  /** The loop waits `delayMs` before its next attempt, after `error`. */
  onWait?: ((delayMs: number, error: FlagClientError) => void) | undefined;
  /** Retry after a 401/403 with this backoff; without it the loop stops for good. */
  refusedRetry?: RefusedRetry | undefined;
}

/**
 * How long to wait after a failure: the backoff, the longest backoff after a definitive answer
 * (400/404: a namespace created later still arrives, without hammering the server), and never
 * less than the server's `Retry-After`.
 */
function retryDelay(failure: FlagClientError, attempt: number, { minDelayMs, maxDelayMs, refusedRetry }: ConnectionLoopOptions): number {
  if (isFatal(failure) && refusedRetry) {
    // Never (almost) at once: a refused token is not fixed in a moment, and the server must not be hammered.
    const ceiling = Math.min(refusedRetry.maxDelayMs, refusedRetry.minDelayMs * 2 ** attempt);
    return Math.max(Math.floor(ceiling / 2 + backoffDelay(attempt, refusedRetry.minDelayMs / 2, refusedRetry.maxDelayMs / 2)), failure.retryAfterMs ?? 0);
  }
  const backoff = isDefinitive(failure) ? maxDelayMs : backoffDelay(attempt, minDelayMs, maxDelayMs);
  return Math.max(backoff, failure.retryAfterMs ?? 0);
}

/**
 * Keeps a connection going: reconnects with backoff after failures, stops for good on 401/403
 * (unless `refusedRetry`), honours `Retry-After`,
 * pauses while the browser is offline and reconnects at once when it comes back.
 * Returns a function that stops everything; nothing runs after it.
 */
export function runConnectionLoop(options: ConnectionLoopOptions): () => void {
  let stopped = false;
  let attempt = 0;
  let controller: AbortController | undefined;
  let wake: (() => void) | undefined;
  const target = globalThis as { addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
  const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
  const online = () => {
    attempt = 0;
    wake?.();
  };
  const offline = () => controller?.abort();
  target.addEventListener?.('online', online);
  target.addEventListener?.('offline', offline);

  /** Waits `ms` (forever for Infinity), or until woken by `online` or stop. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = ms === Infinity ? undefined : setTimeout(done, ms);
      wake = done;
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
    });

  void (async () => {
    while (!stopped) {
      if (isOffline()) {
        options.onConnection('offline');
        await sleep(Infinity);
        continue;
      }
      options.onConnection('connecting');
      controller = new AbortController();
      try {
        await options.connect(controller.signal, () => (attempt = 0));
        if (stopped) break;
        attempt = 0;
        const steady = options.steadyDelayMs();
        if (steady) {
          await sleep(steady);
          continue;
        }
      } catch (error) {
        if (stopped) break;
        if (isOffline()) continue;
        const failure = error as FlagClientError;
        options.onError(failure);
        const refused = isFatal(failure);
        if (refused && !options.refusedRetry) {
          options.onConnection('closed');
          break;
        }
        // Refused: closed until the next attempt, far off (reported with `onWait`).
        options.onConnection(refused ? 'closed' : 'retrying');
        const delay = retryDelay(failure, attempt++, options);
        options.onWait?.(delay, failure);
        await sleep(delay);
        continue;
      }
      options.onConnection('retrying');
      await sleep(backoffDelay(attempt++, options.minDelayMs, options.maxDelayMs));
    }
  })();

  return () => {
    stopped = true;
    controller?.abort();
    wake?.();
    target.removeEventListener?.('online', online);
    target.removeEventListener?.('offline', offline);
  };
}
