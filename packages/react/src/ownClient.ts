import { createFlagClient, type FlagClient, type FlagClientOptions } from '@flagcast/core';

/** A client that a provider created from `options`, with the provider's claim on it. */
export interface OwnedClient {
  readonly client: FlagClient;
  /** A mounted provider uses the client; the returned function gives it back. */
  claim(): () => void;
}

/** How long a client created in a render that never mounts lives on (React dropped that render). */
const UNCLAIMED_MS = 10_000;

/**
 * Creates the provider's client during render, so the first render can evaluate a bootstrap
 * snapshot, without letting a render React throws away open a connection: every request waits
 * until a mounted provider claims the client (StrictMode renders twice in React 18; concurrent
 * renders can be dropped). A client nobody claims is closed after a while; a released one is
 * closed a task later, unless StrictMode's remount claims it again at once.
 */
export function ownClient(options: FlagClientOptions): OwnedClient {
  // On the server nothing mounts, so nothing would close a connection: evaluate, never connect.
  if (typeof window === 'undefined') {
    return { client: createFlagClient({ ...options, transport: 'none', cache: 'none' }), claim: () => () => {} };
  }
  let users = 0;
  let open!: () => void;
  const claimed = new Promise<void>((resolve) => (open = resolve));
  const client = createFlagClient({
    ...options,
    fetch: (input, init) =>
      new Promise((resolve, reject) => {
        const signal = init?.signal;
        signal?.addEventListener('abort', () => reject(signal.reason));
        claimed.then(() => resolve((options.fetch ?? fetch)(input, init)));
      }),
  });
  const closeUnused = () => users || client.close();
  let timer = setTimeout(closeUnused, UNCLAIMED_MS);
  return {
    client,
    claim() {
      users++;
      clearTimeout(timer);
      open();
      return () => {
        users--;
        timer = setTimeout(closeUnused);
      };
    },
  };
}
