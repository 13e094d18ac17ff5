// A flag a hook asks for that is not in the snapshot (a typo, a flag not published yet): said
// once, in development builds only; nothing on the happy path.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlagcastProvider, useFlag, useFlagDetails, useVariantFlag } from '../src/index';
import { booleanFlag, makeSnapshot, variantFlag } from './support/snapshots';
import { scriptedClient } from './support/scriptedClient';

const snapshot = makeSnapshot([booleanFlag('new-checkout', true), variantFlag('theme', 'dark', { accent: 'violet' })]);
const environment = process.env.NODE_ENV;

afterEach(() => {
  cleanup();
  process.env.NODE_ENV = environment;
});

function logger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

function App({ keys }: { keys: string[] }) {
  return (
    <>
      {keys.map((key, i) => (
        <Reader key={i} flagKey={key} />
      ))}
    </>
  );
}
function Reader({ flagKey }: { flagKey: string }) {
  const on = useFlag(flagKey, false);
  const theme = useVariantFlag('theme', 'light');
  useFlagDetails(flagKey, { type: 'boolean' });
  return <p>{`${on} ${theme.variantKey}`}</p>;
}

describe('missing flags', () => {
  it('a key not in the snapshot is said once, naming it, however many hooks read it', () => {
    const log = logger();
    const { client } = scriptedClient(snapshot, { logger: log });
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <App keys={['new-chekout', 'new-chekout', 'new-checkout']} />
      </FlagcastProvider>,
    );
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![0]).toMatch(/flag "new-chekout" is not in the snapshot/);
  });

  it('the happy path says nothing; nor does a production build', () => {
    const log = logger();
    const { client } = scriptedClient(snapshot, { logger: log });
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <App keys={['new-checkout']} />
      </FlagcastProvider>,
    );
    cleanup();
    process.env.NODE_ENV = 'production';
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <App keys={['new-chekout']} />
      </FlagcastProvider>,
    );
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('before the first snapshot nothing is missing yet', async () => {
    const log = logger();
    const { client, publish } = scriptedClient(undefined, { logger: log });
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <App keys={['later']} />
      </FlagcastProvider>,
    );
    expect(log.warn).not.toHaveBeenCalled();
    await publish(snapshot);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });
});
