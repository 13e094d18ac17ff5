// @openfeature/react-sdk on the provider, against a real loopback server: a component re-renders
// only when its flag is in the change set and its value changed (render counts), context changes,
// StrictMode.
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OpenFeatureProvider, useBooleanFlagValue, useFlag, useObjectFlagValue, useStringFlagValue } from '@openfeature/react-sdk';
import { StrictMode, Suspense } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFlagServer, type FlagServer } from '../../core/test/support/flagServer';
import { booleanFlag, booleanFlagFor, makeSnapshot, variantFlag } from '../../react/test/support/snapshots';
import { FlagcastWebProvider } from '../src/index';
import { recordEvents, resetOpenFeature, type EventRecorder } from './support/openFeature';

const renders: Record<string, number> = {};
const count = (name: string) => void (renders[name] = (renders[name] ?? 0) + 1);

function Bool({ name, flag }: { name: string; flag: string }) {
  count(name);
  return <span data-testid={name}>{String(useBooleanFlagValue(flag, false))}</span>;
}

function B() {
  count('b');
  const { value, reason } = useFlag('b', false);
  return <span data-testid="b">{`${value} ${reason}`}</span>;
}

function Theme() {
  count('theme');
  const name = useStringFlagValue('theme', 'light');
  const { accent } = useObjectFlagValue<{ accent?: string }>('theme', {});
  return <span data-testid="theme">{`${name} ${accent}`}</span>;
}

function Page() {
  return (
    <>
      <Bool name="a1" flag="a" />
      <Bool name="a2" flag="a" />
      <B />
      <Theme />
      <Bool name="pro" flag="pro-only" />
    </>
  );
}

const flags = {
  a: booleanFlag('a', true),
  b: booleanFlag('b', true),
  theme: variantFlag('theme', 'dark', { accent: 'violet' }),
  pro: booleanFlagFor('pro-only', 'plan', 'pro'),
};
const s1 = makeSnapshot(Object.values(flags));

let server: FlagServer;
let provider: FlagcastWebProvider;
let recorder: EventRecorder;

beforeEach(async () => {
  server = await startFlagServer({ dialect: 'relay' });
  server.setSnapshot(s1);
  provider = new FlagcastWebProvider({ url: server.url, cache: 'none' });
  recorder = recordEvents(OpenFeature.getClient());
});

afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  for (const name of Object.keys(renders)) delete renders[name];
  await resetOpenFeature();
  await server.close();
});

/** Publishes `snapshot` and waits until the SDK has dispatched its ConfigurationChanged to every hook. */
async function publish(snapshot: { digest: string }): Promise<string[]> {
  const event = recorder.next(ProviderEvents.ConfigurationChanged);
  server.setSnapshot(snapshot);
  let flagsChanged: string[] = [];
  await act(async () => {
    flagsChanged = (await event).details?.flagsChanged ?? [];
    await new Promise((resolve) => setTimeout(resolve)); // the SDK runs handlers asynchronously
  });
  return [...flagsChanged].sort();
}

/** The flag keys the hooks ask the provider for, from now on. */
function evaluations(): () => string[] {
  const spies = (['resolveBooleanEvaluation', 'resolveStringEvaluation', 'resolveObjectEvaluation'] as const).map((method) => vi.spyOn(provider, method));
  // The react-sdk also evaluates a hook again after each render of its component (its effect
  // depends on a fresh function): the keys matter, not how often.
  return () => [...new Set(spies.flatMap((spy) => spy.mock.calls.map(([flagKey]) => flagKey as string)))].sort();
}

describe('render counts', () => {
  beforeEach(async () => {
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1', plan: 'free' });
    render(
      <OpenFeatureProvider>
        <Page />
      </OpenFeatureProvider>,
    );
    expect(renders).toEqual({ a1: 1, a2: 1, b: 1, theme: 1, pro: 1 });
    expect(screen.getByTestId('b').textContent).toBe('true TARGETING_MATCH');
    expect(screen.getByTestId('theme').textContent).toBe('dark violet');
  });

  it('a live edit of b re-renders only the reader of b, and only b is evaluated again', async () => {
    const asked = evaluations();
    expect(await publish(makeSnapshot([flags.a, booleanFlag('b', false), flags.theme, flags.pro]))).toEqual(['b']);
    expect(screen.getByTestId('b').textContent).toBe('false TARGETING_MATCH');
    expect(renders).toEqual({ a1: 1, a2: 1, b: 2, theme: 1, pro: 1 });
    expect(asked()).toEqual(['b']);
  });

  it('an edit of a that leaves its value the same re-renders nothing', async () => {
    const asked = evaluations();
    expect(await publish(makeSnapshot([booleanFlag('a', true, { description: 'reworded' }), flags.b, flags.theme, flags.pro]))).toEqual(['a']);
    expect(asked()).toEqual(['a']); // the readers of a looked again, and did not re-render
    expect(renders).toEqual({ a1: 1, a2: 1, b: 1, theme: 1, pro: 1 });
  });

  it("an attachment-only edit re-renders the object reader's component once", async () => {
    const asked = evaluations();
    expect(await publish(makeSnapshot([flags.a, flags.b, variantFlag('theme', 'dark', { accent: 'teal' }), flags.pro]))).toEqual(['theme']);
    expect(screen.getByTestId('theme').textContent).toBe('dark teal');
    expect(renders).toEqual({ a1: 1, a2: 1, b: 1, theme: 2, pro: 1 });
    expect(asked()).toEqual(['theme']);
  });

  it('a context change re-renders only the components whose value changed', async () => {
    await act(() => OpenFeature.setContext({ targetingKey: 'user-1', plan: 'pro' }));
    expect(screen.getByTestId('pro').textContent).toBe('true');
    expect(renders).toEqual({ a1: 1, a2: 1, b: 1, theme: 1, pro: 2 });
    expect(recorder.types()).not.toContain(ProviderEvents.Reconciling);
  });
});

describe('StrictMode', () => {
  it('suspends until the first snapshot, then follows live edits with one handler per hook', async () => {
    server.hold('any'); // the first snapshot waits for release()
    const ready = OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1', plan: 'free' });
    // Rendered in an awaited act: React retries a tree suspended inside act only then.
    await act(async () => {
      render(
        <StrictMode>
          <OpenFeatureProvider suspendUntilReady>
            <Suspense fallback={<p data-testid="loading">loading</p>}>
              <Page />
            </Suspense>
          </OpenFeatureProvider>
        </StrictMode>,
      );
    });
    expect(screen.getByTestId('loading')).toBeTruthy();
    expect(screen.queryByTestId('b')).toBeNull();
    server.release();
    await act(() => ready);
    await waitFor(() => expect(screen.getByTestId('b').textContent).toBe('true TARGETING_MATCH'));
    expect(screen.getByTestId('theme').textContent).toBe('dark violet');
    // StrictMode mounted every effect twice; the first set was cleaned up.
    expect(OpenFeature.getClient().getHandlers(ProviderEvents.ConfigurationChanged)).toHaveLength(6 * 2 + 1); // 6 flag hooks, each with a status hook, and the recorder
    const before = { ...renders };
    expect(await publish(makeSnapshot([flags.a, booleanFlag('b', false), flags.theme, flags.pro]))).toEqual(['b']);
    expect(screen.getByTestId('b').textContent).toBe('false TARGETING_MATCH');
    // StrictMode renders each component twice per update: b rendered once more (twice), nothing else did.
    expect(renders).toEqual({ ...before, b: before['b']! + 2 });
    expect(server.openStreams).toBe(1);
  });
});

describe('a key in no snapshot', () => {
  function Missing() {
    const { value, errorCode } = useFlag('missing', true, { suspendUntilReady: false });
    return <span data-testid="missing">{`${value} ${errorCode}`}</span>;
  }

  it('reads PROVIDER_NOT_READY before the first snapshot and FLAG_NOT_FOUND once the network delivered one', async () => {
    server.hold('any');
    const ready = OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    render(
      <OpenFeatureProvider>
        <Missing />
      </OpenFeatureProvider>,
    );
    expect(screen.getByTestId('missing').textContent).toBe('true PROVIDER_NOT_READY');
    server.release();
    await act(() => ready);
    await waitFor(() => expect(screen.getByTestId('missing').textContent).toBe('true FLAG_NOT_FOUND'));
    expect(provider.client.getState()).toMatchObject({ status: 'ready', source: 'network' });
    expect(OpenFeature.getClient().getBooleanDetails('missing', false)).toMatchObject({ value: false, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });
});
