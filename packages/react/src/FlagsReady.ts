import type { ReactNode } from 'react';
import { useFlagcastStatus } from './useFlagcastStatus.js';

export interface FlagsReadyProps {
  /** Shown until flags can be evaluated. Default: nothing. */
  fallback?: ReactNode;
  children?: ReactNode;
}

/**
 * Holds its children back until the client has a snapshot, so they never show a default and
 * then flip. Children render anyway once flags can never come (`status: 'error'`, e.g. a 401
 * with nothing cached): with defaults. With a bootstrap snapshot they render at once, on the
 * server too.
 *
 * @example
 * <FlagsReady fallback={<Spinner />}><Checkout /></FlagsReady>
 */
export function FlagsReady({ fallback = null, children }: FlagsReadyProps): ReactNode {
  return useFlagcastStatus().status === 'loading' ? fallback : children;
}
