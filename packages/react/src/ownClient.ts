import { createFlagClient, type FlagClient, type FlagClientOptions } from '@flagcast/core';

/** A client that a provider created from `options`, with the provider's claim on it. */
export interface OwnedClient {
  readonly client: FlagClient;
  /** A mounted provider uses the client (it starts on the first claim); the returned function gives it back. */
  claim(): () => void;
}

/**
 * Creates the provider's client during render, so the first render can evaluate a bootstrap
 * snapshot, but starts it (cache read, connection) only when a mounted provider claims it: a
 * render React throws away (StrictMode renders twice; concurrent renders can be dropped)
 * leaves a client that never started, holding no connection and no timer. A released client is
 * closed a task later, unless StrictMode's remount claims it again at once. On the server
 * nothing mounts, so nothing ever starts.
 */
export function ownClient(options: FlagClientOptions): OwnedClient {
  const client = createFlagClient({ ...options, autoStart: false });
  let users = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    client,
    claim() {
      users++;
      clearTimeout(timer);
      client.start();
      return () => {
        users--;
        timer = setTimeout(() => users || client.close());
      };
    },
  };
}
