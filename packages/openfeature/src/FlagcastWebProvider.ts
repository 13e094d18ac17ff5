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
  /** The SDK knows the provider is ready (initialize resolved): events are due from now on. */
  #ready = false;
  /** initialize failed without a fatal error: the first snapshot makes the provider Ready. */
  #awaitingFirstSnapshot = false;
  /** The connection has been open since the provider became ready. */
  #live = false;
  #stale = false;

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
      this.#awaitingFirstSnapshot = client.status !== 'closed';
      throw new GeneralError(message, { cause: error });
    }
    this.#ready = true;
    this.#live = client.connection === 'open';
  }

  /** Evaluation is local: nothing to fetch, so no `Reconciling`. */
  onContextChange(): void {
    // The SDK marks the provider READY after any context change: say again that it is stale.
    if (this.#stale) queueMicrotask(() => this.#stale && this.events.emit(ProviderEvents.Stale));
  }

  async onClose(): Promise<void> {
    this.#unsubscribe?.();
    this.#abandon?.(new Error(`the provider was closed before its first snapshot`));
    this.#unsubscribe = this.#abandon = undefined;
    this.#ready = this.#live = this.#stale = this.#awaitingFirstSnapshot = false;
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
    if (!this.#ready && this.#awaitingFirstSnapshot && this.client.status === 'ready') {
      // initialize failed (a timeout, a 404), then the snapshot came after all.
      this.#awaitingFirstSnapshot = false;
      this.#ready = true;
      this.#live = this.client.connection === 'open';
      this.events.emit(ProviderEvents.Ready);
      return;
    }
    if (!this.#ready) return; // until then, the SDK's Ready (initialize resolving) covers everything
    const { connection } = this.client;
    if (changedFlags.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...changedFlags] });
    if (connection === 'open') {
      this.#live = true;
      if (this.#stale) {
        this.#stale = false;
        this.events.emit(ProviderEvents.Ready);
      }
    } else if (this.#live && !this.#stale && connection !== 'connecting') {
      // retrying, offline, or closed for good (a 401 while live): the flags may be out of date.
      this.#stale = true;
      this.events.emit(ProviderEvents.Stale);
    }
  }
}
