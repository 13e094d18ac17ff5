import type { StreamMessage } from './streamTransport.js';

/** Messages that each bring the server's whole current state: a newer one makes an older pending one moot. */
const STATE_TYPES = new Set(['snapshot', 'refetchEvaluation']);

export interface MessageQueue {
  push(message: StreamMessage): void;
  /** Resolves once nothing is running or pending. */
  idle(): Promise<void>;
  /** Drops what is pending; nothing more runs (the stream is over). */
  close(): void;
}

/**
 * Runs a stream's messages in order, one at a time, at once when nothing runs (a handler that
 * returns no promise is done before `push` returns). While a handler is pending (a snapshot GET
 * after a `refetchEvaluation`), a newer state message replaces the pending one, so a flood of
 * notifications costs at most one GET in flight and one pending — never one GET per event.
 * After an `error` message nothing more is queued: it ends the stream.
 */
export function createMessageQueue(handle: (message: StreamMessage) => Promise<void> | void, onFailure: (error: unknown) => void): MessageQueue {
  const pending: StreamMessage[] = [];
  let running = false;
  let closed = false;
  let wakeIdle: (() => void) | undefined;

  function run(message: StreamMessage): void {
    let result: Promise<void> | void;
    try {
      result = handle(message);
    } catch (error) {
      onFailure(error);
      return next();
    }
    if (!result) return next();
    running = true;
    result.then(
      () => {
        running = false;
        next();
      },
      (error: unknown) => {
        running = false;
        onFailure(error);
        next();
      },
    );
  }

  function next(): void {
    const message = closed ? undefined : pending.shift();
    if (message) return run(message);
    pending.length = 0;
    wakeIdle?.();
    wakeIdle = undefined;
  }

  return {
    push(message) {
      if (closed || pending.some((m) => m.type === 'error')) return;
      if (!running && pending.length === 0) return run(message);
      if (STATE_TYPES.has(message.type)) {
        const stale = pending.findIndex((m) => STATE_TYPES.has(m.type));
        if (stale >= 0) pending.splice(stale, 1);
      }
      pending.push(message);
    },
    idle() {
      if (!running && pending.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const previous = wakeIdle;
        wakeIdle = () => (previous?.(), resolve());
      });
    },
    close() {
      closed = true;
      pending.length = 0;
    },
  };
}
