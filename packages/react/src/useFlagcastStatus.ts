import { useSyncExternalStore } from 'react';
import type { FlagClientState } from '@flagcast/core';
import { useFlagcast } from './FlagcastProvider.js';

/**
 * The client's state (`status`, `source`, `connection`, `error`, …); re-renders when it changes.
 * During server rendering and hydration: `ready` from the bootstrap snapshot, else `loading`.
 *
 * @example
 * const { status, connection } = useFlagcastStatus();
 */
export function useFlagcastStatus(): FlagClientState {
  const { client, server } = useFlagcast();
  return useSyncExternalStore(client.subscribe, client.getState, () => server.state);
}
