// A provider given `options` owns its client: one client, one connection (StrictMode too),
// closed on unmount. A client given as `client` is the app's: never closed by the provider.
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { Activity, StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as core from '@flagcast/core';
import type { FlagClient } from '@flagcast/core';
import { FlagcastProvider, useBooleanFlag, useFlagcastClient } from '../src/index';
import { ownClient } from '../src/ownClient';
import { booleanFlag, makeSnapshot } from './support/snapshots';
import { startFlagServer, type FlagServer } from './support/flagServer';

const s1 = makeSnapshot([booleanFlag('a', true)]);
const s2 = makeSnapshot([booleanFlag('a', false)]);

let server: FlagServer | undefined;
afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

let clientSeen: FlagClient | undefined;
const values: boolean[] = [];
function A() {
  clientSeen = useFlagcastClient();
  const a = useBooleanFlag('a', false);
  values.push(a);
  return <span data-testid="a">{String(a)}</span>;
}

describe('a provider with options', () => {
  it('under StrictMode: one client, one connection, live updates; unmount closes it', async () => {
    server = await startFlagServer(s1);
    const created = vi.spyOn(core, 'createFlagClient');
    const { unmount } = render(
      <StrictMode>
        <FlagcastProvider options={{ url: server.url, cache: 'none' }} entityId="user-1">
          <A />
        </FlagcastProvider>
      </StrictMode>,
    );
    expect(screen.getByTestId('a').textContent).toBe('false'); // no snapshot yet: the default
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('true'));
    server.publish(s2);
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('false'));
    expect(server.streamRequests).toBe(1);
    expect(server.openStreams).toBe(1);
    expect(clientSeen!.connection).toBe('open');
    expect(created).toHaveBeenCalledTimes(1);

    unmount();
    await waitFor(() => expect(server!.openStreams).toBe(0));
    expect(clientSeen!.status).toBe('closed');
    expect(server.streamRequests).toBe(1);
  });

  it('a bootstrap snapshot is there on the first render; the stream then brings news', async () => {
    server = await startFlagServer(s2);
    render(
      <FlagcastProvider options={{ url: server.url, cache: 'none', bootstrap: s1 }} entityId="user-1">
        <A />
      </FlagcastProvider>,
    );
    expect(screen.getByTestId('a').textContent).toBe('true');
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('false'));
    expect(server.streamRequests).toBe(1);
  });

  it('the same client is kept across re-renders, even with new options objects', async () => {
    server = await startFlagServer(s1);
    const view = () => (
      <FlagcastProvider options={{ url: server!.url, cache: 'none' }} entityId="user-1">
        <A />
      </FlagcastProvider>
    );
    const { rerender } = render(view());
    const first = clientSeen;
    rerender(view());
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('true'));
    expect(clientSeen).toBe(first);
    expect(server.streamRequests).toBe(1);
  });
});

describe('a provider with options, hidden by <Activity>', () => {
  it('closes its client while hidden and starts a new one, from the same flags, when shown again', async () => {
    server = await startFlagServer(s1);
    const options = { url: server.url, cache: 'none' as const };
    const view = (mode: 'visible' | 'hidden') => (
      <Activity mode={mode}>
        <FlagcastProvider options={options} entityId="user-1">
          <A />
        </FlagcastProvider>
      </Activity>
    );
    const { rerender } = render(view('visible'));
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('true'));
    const first = clientSeen!;
    rerender(view('hidden'));
    await waitFor(() => expect(server!.openStreams).toBe(0));
    expect(first.status).toBe('closed');

    values.length = 0;
    rerender(view('visible'));
    await waitFor(() => expect(server!.openStreams).toBe(1));
    expect(clientSeen).not.toBe(first);
    expect(clientSeen!.status).toBe('ready');
    expect(values).not.toContain(false); // no default in between
    server.publish(s2);
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('false'));
    expect(server.streamRequests).toBe(2);
  });
});

describe('a provider with a client', () => {
  it('never closes the app’s client', async () => {
    server = await startFlagServer(s1);
    const client = core.createFlagClient({ url: server.url, cache: 'none' });
    const { unmount } = render(
      <StrictMode>
        <FlagcastProvider client={client} entityId="user-1">
          <A />
        </FlagcastProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('true'));
    unmount();
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(client.status).toBe('ready');
    expect(server.openStreams).toBe(1);
    client.close();
  });
});

describe('ownClient (the provider’s client, created during render)', () => {
  it('a client no mounted provider claims never sends a request and leaves nothing running', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn<typeof globalThis.fetch>();
    const { client } = ownClient({ url: 'http://flags.test', cache: 'none', fetch });
    expect(vi.getTimerCount()).toBe(0); // no timer, no connection: nothing to clean up
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetch).not.toHaveBeenCalled();
    expect(client.status).toBe('loading');
    expect(client.connection).toBe('idle');
  });

  it('requests start when claimed; a release followed at once by a claim (StrictMode) keeps it open', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn<typeof globalThis.fetch>(() => new Promise(() => {}));
    const owned = ownClient({ url: 'http://flags.test', cache: 'none', fetch });
    // One stream for the whole claim/release/claim sequence (the snapshot GET that a silent stream
    // triggers after a few seconds is not a second connection).
    const streams = () => fetch.mock.calls.filter(([url]) => String(url).includes('/stream')).length;
    const release = owned.claim();
    await vi.advanceTimersByTimeAsync(0);
    expect(streams()).toBe(1);
    release();
    const releaseAgain = owned.claim();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(owned.client.status).not.toBe('closed');
    releaseAgain();
    await vi.advanceTimersByTimeAsync(0);
    expect(owned.client.status).toBe('closed');
    expect(streams()).toBe(1);
  });
});
