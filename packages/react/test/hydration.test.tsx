// Server HTML hydrated in the browser: no mismatch, then live values.
import { act, cleanup, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFlagClient, type FlagClient } from '@flagcast/core';
import { FlagcastProvider, useBooleanFlag } from '../src/index';
import { App, laterSnapshot, serverSnapshot, withBootstrapHtml, withoutBootstrapHtml } from './support/app';
import { startFlagServer, type FlagServer } from './support/flagServer';

let server: FlagServer | undefined;
let root: Root | undefined;
afterEach(async () => {
  act(() => root?.unmount());
  root = undefined;
  cleanup();
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

/** Hydrates `html` with `element`; returns the errors React reported. */
async function hydrate(html: string, element: ReactElement) {
  const container = document.createElement('div');
  container.innerHTML = html;
  document.body.append(container);
  const errors: unknown[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args));
  await act(async () => {
    root = hydrateRoot(container, element, { onRecoverableError: (error) => void errors.push(error) });
  });
  return { container, errors, text: (id: string) => container.querySelector(`#${id}`)?.textContent };
}

describe('hydration', () => {
  it('with a bootstrap snapshot: the same markup, no mismatch, then live updates', async () => {
    server = await startFlagServer(laterSnapshot);
    const options = { url: server.url, cache: 'none' as const, bootstrap: serverSnapshot };
    const html = renderToString(<App options={options} />);
    expect(html).toBe(withBootstrapHtml); // what a real server renders (server.test.tsx)

    const { container, errors, text } = await hydrate(html, <App options={options} />);
    expect(errors).toEqual([]);
    await waitFor(() => expect(text('flags')).toBe('checkout=false theme=dark/teal'));
    expect(text('status')).toBe('ready network');
    expect(errors).toEqual([]);
    expect(server.streamRequests).toBe(1);
    expect(container.querySelector('#ready')).not.toBeNull();
  });

  it('without one: defaults and the fallback hydrate, then the values arrive', async () => {
    server = await startFlagServer(serverSnapshot);
    const options = { url: server.url, cache: 'none' as const };
    const html = renderToString(<App options={options} />);
    expect(html).toBe(withoutBootstrapHtml);

    const { errors, text } = await hydrate(html, <App options={options} />);
    await waitFor(() => expect(text('flags')).toBe('checkout=true theme=dark/violet'));
    expect(text('ready')).toBe('ready');
    expect(errors).toEqual([]);
  });

  it('a browser client that already has flags (from its cache) hydrates as the server rendered, then shows them', async () => {
    const empty = createFlagClient({ url: 'http://flags.test', transport: 'none', cache: 'none' });
    const html = renderToString(<Checkout client={empty} />);
    expect(html).toBe('<p>false</p>');

    const cached = createFlagClient({
      url: 'http://flags.test',
      transport: 'none',
      cache: { load: async () => ({ version: 1, digest: serverSnapshot.digest, savedAt: 0, snapshot: serverSnapshot }), save: async () => {}, remove: async () => {} },
    });
    await cached.ready();
    expect(cached.source).toBe('cache');
    const { errors, container } = await hydrate(html, <Checkout client={cached} />);
    expect(container.innerHTML).toBe('<p>true</p>');
    expect(errors).toEqual([]);
  });
});

function Checkout({ client }: { client: FlagClient }) {
  return (
    <FlagcastProvider client={client} entityId="user-1">
      <CheckoutFlag />
    </FlagcastProvider>
  );
}

function CheckoutFlag() {
  return <p>{String(useBooleanFlag('new-checkout', false))}</p>;
}
