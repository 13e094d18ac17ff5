/**
 * Test helpers around the real OpenFeature web SDK: an event recorder on an SDK client, and a
 * reset of the SDK's global singleton (providers, contexts, handlers) after each test.
 */
import { OpenFeature, ProviderEvents, type Client, type EventDetails } from '@openfeature/web-sdk';

export interface RecordedEvent {
  type: ProviderEvents;
  details: (EventDetails & { flagsChanged?: string[] }) | undefined;
  /** `client.providerStatus` right after the event. */
  status: string;
}

export interface EventRecorder {
  readonly events: RecordedEvent[];
  /** Event types in order (Ready, Stale, ConfigurationChanged, …). */
  types(): ProviderEvents[];
  /** Resolves with the next event of `type` after the `n` already seen of it; rejects after `timeout` ms. */
  next(type: ProviderEvents, timeout?: number): Promise<RecordedEvent>;
  /** Resolves once `count` events of `type` have been seen in all. */
  nth(type: ProviderEvents, count: number, timeout?: number): Promise<RecordedEvent>;
}

/**
 * Records every provider event an SDK client sees. The SDK runs a Ready handler at once when
 * the provider is already ready, so attach the recorder before setting the provider.
 */
export function recordEvents(client: Client): EventRecorder {
  const events: RecordedEvent[] = [];
  const waiters = new Set<() => void>();
  for (const type of Object.values(ProviderEvents)) {
    const handler = (details?: EventDetails) => {
      events.push({ type, details: details as RecordedEvent['details'], status: client.providerStatus });
      for (const wake of [...waiters]) wake();
    };
    client.addHandler(type, handler);
    recorders.push(() => client.removeHandler(type, handler));
  }
  const nth = (type: ProviderEvents, count: number, timeout = 5_000) =>
    new Promise<RecordedEvent>((resolve, reject) => {
      const check = () => {
        const seen = events.filter((e) => e.type === type);
        if (seen.length < count) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(seen[count - 1]!);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeout} ms waiting for ${type} #${count}; events so far: ${events.map((e) => e.type).join(', ') || 'none'}`));
      }, timeout);
      waiters.add(check);
      check();
    });
  return {
    events,
    types: () => events.map((e) => e.type),
    next: (type, timeout) => nth(type, events.filter((e) => e.type === type).length + 1, timeout),
    nth,
  };
}

// The SDK keeps a client's handlers across tests (clients of one domain share an emitter).
const recorders: Array<() => void> = [];

/** Back to a fresh SDK: closes every provider (their `onClose`), drops contexts, handlers and recorders. */
export async function resetOpenFeature(): Promise<void> {
  // Contexts first: a context change marks even the no-op provider READY, and a recorder of the
  // next test would see that as a Ready at once.
  await OpenFeature.clearContexts();
  await OpenFeature.clearProviders();
  OpenFeature.clearHandlers();
  for (const remove of recorders.splice(0)) remove();
}
