// <FlagsReady>: the fallback, then the value; never the default first.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlagClient } from '@flagcast/core';
import { FlagcastProvider, FlagsReady, useBooleanFlag } from '../src/index';
import { booleanFlag, makeSnapshot } from './support/snapshots';
import { startFlagServer, type FlagServer } from './support/flagServer';

const snapshot = makeSnapshot([booleanFlag('a', true)]);
let server: FlagServer | undefined;
afterEach(async () => {
  cleanup();
  await server?.close();
  server = undefined;
});

const log: string[] = [];
afterEach(() => void (log.length = 0));

function Fallback() {
  log.push('fallback');
  return <span data-testid="fallback">loading flags</span>;
}

function Reader() {
  const a = useBooleanFlag('a', false);
  log.push(`a=${a}`);
  return <span data-testid="a">{String(a)}</span>;
}

describe('FlagsReady', () => {
  it('shows the fallback until the snapshot arrives, then the value, never the default', async () => {
    server = await startFlagServer(snapshot);
    render(
      <StrictMode>
        <FlagcastProvider options={{ url: server.url, cache: 'none' }} entityId="user-1">
          <FlagsReady fallback={<Fallback />}>
            <Reader />
          </FlagsReady>
        </FlagcastProvider>
      </StrictMode>,
    );
    expect(screen.getByTestId('fallback')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('true'));
    expect(screen.queryByTestId('fallback')).toBeNull();
    expect(log[0]).toBe('fallback');
    expect(log).toContain('a=true');
    expect(log).not.toContain('a=false');
  });

  it('with a bootstrap snapshot the children render at once', () => {
    const client = createFlagClient({ url: 'http://flags.test', transport: 'none', cache: 'none', bootstrap: snapshot });
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <FlagsReady fallback={<Fallback />}>
          <Reader />
        </FlagsReady>
      </FlagcastProvider>,
    );
    expect(log).toEqual(['a=true']);
  });

  it('when flags can never come (status error), the children render with defaults', async () => {
    const client = createFlagClient({ url: 'http://flags.test', transport: 'none', cache: 'none' });
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <FlagsReady fallback={<Fallback />}>
          <Reader />
        </FlagsReady>
      </FlagcastProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('false'));
    expect(client.status).toBe('error');
  });
});
