import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Engine, EvaluationContext, FlagClient, FlagClientOptions, FlagClientState, LooseContext } from '@flagcast/core';
import { ownClient, type OwnedClient } from './ownClient.js';
import { clientBindings, toEvaluationContext } from '@flagcast/core';

/** Props of {@link FlagcastProvider}: a `client` you own, or `options` for one the provider owns. */
export type FlagcastProviderProps<C extends LooseContext<C> = LooseContext> = (
  | {
      /** A client you created (and close yourself). */
      client: FlagClient;
      options?: undefined;
    }
  | {
      /**
       * Options for a client the provider creates on its first render and closes on unmount.
       * Read once: later changes are ignored. On the server it never connects: it evaluates
       * `bootstrap` only.
       */
      options: FlagClientOptions;
      client?: undefined;
    }
) & {
  /** Who flags are evaluated for (Flipt's entity id): a user, account or device id. */
  entityId: string;
  /** Properties rules match on. Numbers, booleans and dates are sent as strings. Compared by value. */
  context?: C | undefined;
  children?: ReactNode;
};

/** What the provider gives its hooks. */
export interface FlagcastContextValue {
  client: FlagClient;
  entityId: string;
  context: EvaluationContext;
  /** `context` as JSON: its identity for caching. */
  contextKey: string;
  /** What the server rendered with: the bootstrap engine, if any, and a matching state. */
  server: { engine: Engine | undefined; state: FlagClientState };
}

const FlagcastContext = createContext<FlagcastContextValue | null>(null);

/**
 * Makes a flag client and an entity available to the Flagcast hooks below it.
 *
 * @example
 * <FlagcastProvider options={{ url: 'https://flags.example.com', bootstrap }} entityId={user.id} context={{ plan: user.plan }}>
 *   <App />
 * </FlagcastProvider>
 */
export function FlagcastProvider<C extends LooseContext<C> = LooseContext>(props: FlagcastProviderProps<C>): ReactNode {
  const owned = useRef<OwnedClient | null>(null);
  const [, renderAgain] = useState(0);
  if (!props.client) owned.current ??= ownClient(props.options);
  const owner = props.client ? undefined : owned.current!;
  const client = props.client ?? owner!.client;

  useEffect(() => {
    if (!owner) return;
    // Closed while unmounted (a hidden <Activity>, a very late commit): start again, from its flags.
    if (owner.client.status === 'closed') {
      owned.current = ownClient({ ...props.options!, bootstrap: owner.client.getSnapshot() ?? props.options!.bootstrap });
      renderAgain((n) => n + 1);
      return;
    }
    return owner.claim();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- options are read once
  }, [owner]);

  // Hydration must render what the server rendered: the bootstrap snapshot, or nothing.
  const server = useMemo(() => clientBindings(client)?.getInitialState() ?? { engine: undefined, state: client.getState() }, [client]);

  const context = toEvaluationContext(props.context);
  const contextKey = JSON.stringify(context);
  const value = useMemo(
    () => ({ client, entityId: props.entityId, context, contextKey, server }),
    // `context` is compared by value, through its key: a new object with the same content changes nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, props.entityId, contextKey, server],
  );
  return createElement(FlagcastContext.Provider, { value }, props.children);
}

/** The nearest provider's value; throws an error saying what to do when there is none. */
export function useFlagcast(): FlagcastContextValue {
  const value = useContext(FlagcastContext);
  if (!value) {
    throw new Error('Flagcast hooks must be used inside <FlagcastProvider>: wrap your app in <FlagcastProvider client={client} entityId={userId}> (or options={…} instead of client).');
  }
  return value;
}

/** The provider's client, for what hooks do not cover (`refresh()`, `ready()`, `evaluateBatch()`). */
export function useFlagcastClient(): FlagClient {
  return useFlagcast().client;
}
