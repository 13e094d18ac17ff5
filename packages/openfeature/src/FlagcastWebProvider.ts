import { createFlagClient, type FlagClient, type FlagClientError, type FlagClientEvent, type FlagClientOptions } from '@flagcast/core';
import {
  GeneralError,
  OpenFeatureEventEmitter,
  ProviderEvents,
  ProviderFatalError,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import { resolveFlag } from './resolveFlag.js';

/**
 * `FlagClientOptions` (the provider creates the client, starts it in `initialize` and closes it
 * in `onClose`) or `{ client }` (yours: the provider never closes it), plus `onTrack`.
 */
export type FlagcastWebProviderOptions = (FlagClientOptions | { client: FlagClient }) & {
  /** Receives every `client.track(...)` call of the app (the provider has nowhere to send it). */
  onTrack?: (trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails) => void;
};

/**
 * An OpenFeature web provider (static context) for Flipt flags: evaluates locally with Flagcast's
 * engine, starts from a bootstrap or cached snapshot, stays live over SSE, and tells the SDK which
 * flags changed, so `@openfeature/react-sdk` re-renders only the components reading them.
 *
 * @example
 * await OpenFeature.setProviderAndWait(new FlagcastWebProvider({ url: 'http://localhost:8787' }), { targetingKey: 'user-1' });
 * OpenFeature.getClient().getBooleanValue('new-checkout', false);
 */
export class FlagcastWebProvider implements Provider {
  readonly metadata = { name: 'flagcast' } as const;
  readonly runsOn = 'client';
  readonly events = new OpenFeatureEventEmitter();
  /** The client flags are evaluated with (for `getState()`, `getSnapshot()`, `refresh()`). */
  client: FlagClient;
  readonly #options: FlagcastWebProviderOptions;
  #unsubscribe: (() => void) | undefined;
  /** Settles a pending `initialize` when the provider is closed before its first snapshot. */
  #abandon: ((error: Error) => void) | undefined;
  /**
   * Where the provider is, as the SDK sees it: `idle` (not initialized, or closed),
   * `initializing`, `awaiting` (initialize failed without a fatal error: the first snapshot
   * makes it Ready), `ready` (not yet connected), `live` (connected since Ready), `stale`
   * (Stale emitted: the connection was lost after being live).
   */
  #phase: 'idle' | 'initializing' | 'awaiting' | 'ready' | 'live' | 'stale' = 'idle';

  constructor(options: FlagcastWebProviderOptions) {
    this.#options = options;
    this.client = this.#createClient();
  }

  /** Resolves with the first snapshot (bootstrap, cache or network); 401/403 with none: `PROVIDER_FATAL`. */
  async initialize(): Promise<void> {
    // Set again after `onClose`: a client the provider owns starts over.
    if (this.client.status === 'closed' && !('client' in this.#options)) this.client = this.#createClient();
    const client = this.client;
    this.#unsubscribe?.();
    this.#unsubscribe = client.subscribe((event) => this.#onClientEvent(event));
    client.start();
    this.#phase = 'initializing';
    try {
      await new Promise<void>((resolve, reject) => {
        this.#abandon = reject;
        client.ready().then(resolve, reject);
      });
    } catch (error) {
      const options = this.#options;
      const message = `Flagcast${'url' in options ? ` (${options.url})` : ''}: ${(error as Error).message}`;
      const code = (error as FlagClientError).code;
      // 401/403 with nothing to evaluate: no snapshot can ever come.
      if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN') throw new ProviderFatalError(message, { cause: error });
      // A wrong namespace (404), a timeout: the client keeps trying, and Ready follows its first snapshot.
      this.#phase = client.status !== 'closed' ? 'awaiting' : 'idle';
      throw new GeneralError(message, { cause: error });
    }
    this.#phase = client.connection === 'open' ? 'live' : 'ready';
  }

  /** Evaluation is local: nothing to fetch, so no `Reconciling`. */
  onContextChange(): void {
    // The SDK marks the provider READY after any context change: say again that it is stale.
    if (this.#phase === 'stale') queueMicrotask(() => this.#phase === 'stale' && this.events.emit(ProviderEvents.Stale));
  }

  async onClose(): Promise<void> {
    this.#unsubscribe?.();
    this.#abandon?.(new Error(`the provider was closed before its first snapshot`));
    this.#unsubscribe = this.#abandon = undefined;
    this.#phase = 'idle';
    if (!('client' in this.#options)) this.client.close();
  }

  track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void {
    this.#options.onTrack?.(trackingEventName, context, details);
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): ResolutionDetails<boolean> {
    return resolveFlag(this.client, 'boolean', flagKey, defaultValue, context);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): ResolutionDetails<string> {
    return resolveFlag(this.client, 'string', flagKey, defaultValue, context);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): ResolutionDetails<number> {
    return resolveFlag(this.client, 'number', flagKey, defaultValue, context);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): ResolutionDetails<T> {
    return resolveFlag(this.client, 'object', flagKey, defaultValue, context);
  }

  #createClient(): FlagClient {
    const options = this.#options;
    // Created idle, so a provider that is never set opens no connection.
    return 'client' in options ? options.client : createFlagClient({ ...options, autoStart: false });
  }

  #onClientEvent({ changedFlags }: FlagClientEvent): void {
    const { connection, status } = this.client;
    if (this.#phase === 'awaiting' && status === 'ready') {
      // initialize failed (a timeout, a 404), then the snapshot came after all.
      this.#phase = connection === 'open' ? 'live' : 'ready';
      this.events.emit(ProviderEvents.Ready);
      return;
    }
    // Until initialize resolved, the SDK's Ready covers everything.
    if (this.#phase !== 'ready' && this.#phase !== 'live' && this.#phase !== 'stale') return;
    if (changedFlags.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...changedFlags] });
    if (connection === 'open') {
      if (this.#phase === 'stale') this.events.emit(ProviderEvents.Ready);
      this.#phase = 'live';
    } else if (this.#phase === 'live' && connection !== 'connecting') {
      // retrying, offline, or closed for good (a 401 while live): the flags may be out of date.
      this.#phase = 'stale';
      this.events.emit(ProviderEvents.Stale);
    }
  }
}
