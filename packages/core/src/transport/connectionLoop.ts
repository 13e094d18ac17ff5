import type { FlagClientError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { isDefinitive, isFatal } from './httpError.js';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'retrying' | 'offline' | 'closed';

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
}

/**
 * How long to wait after a failure: the backoff, the longest backoff after a definitive answer
 * (400/404: a namespace created later still arrives, without hammering the server), and never
 * less than the server's `Retry-After`.
 */
function retryDelay(failure: FlagClientError, attempt: number, { minDelayMs, maxDelayMs }: ConnectionLoopOptions): number {
  const backoff = isDefinitive(failure) ? maxDelayMs : backoffDelay(attempt, minDelayMs, maxDelayMs);
  return Math.max(backoff, failure.retryAfterMs ?? 0);
}

/**
 * Keeps a connection going: reconnects with backoff after failures, stops for good on 401/403,
 * honours `Retry-After`,
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
        if (isFatal(failure)) {
          options.onConnection('closed');
          break;
        }
        options.onConnection('retrying');
        await sleep(retryDelay(failure, attempt++, options));
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
