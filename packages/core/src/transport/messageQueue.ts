import type { StreamMessage } from './streamTransport.js';

export interface MessageQueue {
  push(message: StreamMessage): void;
  /** Resolves once nothing is running or pending. */
  idle(): Promise<void>;
  /** Drops what is pending; nothing more runs (the stream is over). */
  close(): void;
}

/**
 * Runs a stream's messages (`snapshot`, `refetchEvaluation`, `error`) in order, one at a time,
 * at once when nothing runs (a handler that returns no promise is done before `push` returns).
 * While a handler is pending (a snapshot GET after a `refetchEvaluation`), a newer snapshot or
 * notification replaces the pending one — each brings the whole current state — so a flood of
 * notifications costs one GET in flight and one pending, never a GET per event. Nothing is
 * queued after an `error` message: it ends the stream.
 */
export function createMessageQueue(handle: (message: StreamMessage) => Promise<void> | void, onFailure: (error: unknown) => void): MessageQueue {
  let pending: StreamMessage[] = [];
  let running: Promise<void> | undefined;
  let closed = false;
  const next = () => {
    const message = pending.shift();
    if (message && !closed) run(message);
  };
  const run = (message: StreamMessage) => {
    try {
      const result = handle(message);
      if (result) {
        running = result.then(undefined, onFailure).then(() => {
          running = undefined;
          next();
        });
        return;
      }
    } catch (error) {
      onFailure(error);
    }
    next();
  };
  return {
    push(message) {
      if (closed || pending.some((m) => m.type === 'error')) return;
      if (!running) return run(message);
      if (message.type === 'error') pending.push(message);
      else pending = [message];
    },
    async idle() {
      while (running) await running;
    },
    close() {
      closed = true;
      pending = [];
    },
  };
}
