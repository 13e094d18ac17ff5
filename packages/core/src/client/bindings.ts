import type { BooleanEvaluationResponse, VariantEvaluationResponse } from '../types.js';
import type { FlagClient } from './clientTypes.js';
import type { FlagStore } from './flagStore.js';

/**
 * What Flagcast's own bindings (React, OpenFeature) need from a client beyond its public API:
 * not for apps, and may change between minor versions.
 */
export interface ClientBindings extends Pick<FlagStore, 'subscribeFlag' | 'versionOf' | 'getInitialState'> {
  /** Records that `result` is served to `entityId` (exposures, reported after a commit). */
  serve<R extends BooleanEvaluationResponse | VariantEvaluationResponse>(result: R, entityId: string): R;
  /** Logs `message` through the client's logger, once per distinct `problem` (see the `logger` option). */
  warn(problem: string, message: string): void;
  /** What the client follows, for messages: url, environment and namespace. */
  describe(): string;
}

/** A registered symbol: it works across two copies of the package. */
const bindingsKey = Symbol.for('flagcast.bindings');

export function attachBindings<T extends object>(client: T, bindings: ClientBindings): T {
  return Object.defineProperty(client, bindingsKey, { value: bindings });
}

/**
 * The bindings of a client made by `createFlagClient` (undefined for a hand-made client).
 * @internal For Flagcast's React and OpenFeature packages.
 */
export function clientBindings(client: FlagClient): ClientBindings | undefined {
  return (client as { [bindingsKey]?: ClientBindings })[bindingsKey];
}
