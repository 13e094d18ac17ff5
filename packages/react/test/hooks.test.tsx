// What each hook returns: entity and context changes, per-call overrides, details and errors.
import { cleanup, render, renderHook, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlagClient, LooseContext } from '@flagcast/core';
import {
  FlagcastProvider,
  useBooleanFlag,
  useFlagcastClient,
  useFlagcastStatus,
  useFlagDetails,
  useVariantFlag,
} from '../src/index';
import { booleanFlag, booleanFlagFor, makeSnapshot, variantFlag } from './support/snapshots';
import { scriptedClient } from './support/scriptedClient';

afterEach(cleanup);

const snapshot = makeSnapshot([
  booleanFlagFor('pro-only', 'plan', 'pro'),
  booleanFlagFor('staff-only', 'entity', 'staff-1'),
  booleanFlag('on', true),
  variantFlag('theme', 'dark', { accent: 'violet' }),
  variantFlag('bare', 'plain', undefined),
]);

function wrapper(client: FlagClient, entityId = 'user-1', context?: LooseContext) {
  return ({ children }: { children: ReactNode }) => (
    <FlagcastProvider client={client} entityId={entityId} context={context}>
      {children}
    </FlagcastProvider>
  );
}

describe('entity and context', () => {
  it('a new entityId or context is evaluated in the same render, without the network', () => {
    const { client } = scriptedClient(snapshot);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    let renders = 0;
    function Flags() {
      renders++;
      return <span data-testid="flags">{`${useBooleanFlag('pro-only', false)} ${useBooleanFlag('staff-only', false)}`}</span>;
    }
    const view = (entityId: string, plan: string) => (
      <FlagcastProvider client={client} entityId={entityId} context={{ plan }}>
        <Flags />
      </FlagcastProvider>
    );
    const { rerender } = render(view('user-1', 'free'));
    expect(screen.getByTestId('flags').textContent).toBe('false false');
    rerender(view('user-1', 'pro'));
    expect(screen.getByTestId('flags').textContent).toBe('true false');
    rerender(view('staff-1', 'pro'));
    expect(screen.getByTestId('flags').textContent).toBe('true true');
    expect(renders).toBe(3); // one render per change: no default first, no second pass
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('context values are sent as Flipt SDKs send them (numbers, booleans, dates as text)', () => {
    const { client } = scriptedClient(makeSnapshot([booleanFlagFor('beta', 'beta', 'true')]));
    const { result } = renderHook(() => useBooleanFlag('beta', false), { wrapper: wrapper(client, 'user-1', { beta: true, gone: undefined }) });
    expect(result.current).toBe(true);
  });

  it('per-call entityId and context override the provider (context merged over it)', () => {
    const { client } = scriptedClient(snapshot);
    const { result } = renderHook(
      () => ({
        provider: useBooleanFlag('pro-only', false),
        override: useBooleanFlag('pro-only', false, { context: { plan: 'pro' } }),
        staff: useBooleanFlag('staff-only', false, { entityId: 'staff-1' }),
        details: useFlagDetails('pro-only', { type: 'boolean', context: { seats: 3 } }).result?.enabled,
      }),
      { wrapper: wrapper(client, 'user-1', { plan: 'free' }) },
    );
    expect(result.current).toEqual({ provider: false, override: true, staff: true, details: false });
  });
});

describe('results', () => {
  it('useVariantFlag: variant, parsed attachment, match, reason; defaults when it cannot evaluate', () => {
    const { client } = scriptedClient(snapshot);
    const { result } = renderHook(
      () => ({
        theme: useVariantFlag('theme', 'light'),
        bare: useVariantFlag('bare', 'x'),
        missing: useVariantFlag('missing', 'light'),
        wrongType: useVariantFlag('on', 'light'),
      }),
      { wrapper: wrapper(client) },
    );
    expect(result.current).toEqual({
      theme: { variantKey: 'dark', attachment: { accent: 'violet' }, match: false, reason: 'DEFAULT_EVALUATION_REASON' },
      bare: { variantKey: 'plain', attachment: null, match: false, reason: 'DEFAULT_EVALUATION_REASON' },
      missing: { variantKey: 'light', attachment: undefined, match: false, reason: 'ERROR' },
      wrongType: { variantKey: 'light', attachment: undefined, match: false, reason: 'ERROR' },
    });
  });

  it('useFlagDetails: the engine result, or the error code', () => {
    const { client } = scriptedClient(snapshot);
    const { result } = renderHook(
      () => ({
        pro: useFlagDetails('pro-only', { type: 'boolean', context: { plan: 'pro' } }),
        theme: useFlagDetails('theme', { type: 'variant' }),
        missing: useFlagDetails('missing', { type: 'boolean' }),
        wrongType: useFlagDetails('theme', { type: 'boolean' }),
        blankEntity: useFlagDetails('on', { type: 'boolean', entityId: ' ' }),
      }),
      { wrapper: wrapper(client) },
    );
    const { pro, theme, missing, wrongType, blankEntity } = result.current;
    expect(pro).toEqual({
      result: { enabled: true, flagKey: 'pro-only', reason: 'MATCH_EVALUATION_REASON', segmentKeys: ['pro-only-segment'] },
      errorCode: undefined,
    });
    expect(theme.result?.variantKey).toBe('dark');
    expect(theme.result?.variantAttachment).toBe('{"accent":"violet"}');
    expect(missing).toEqual({ result: undefined, errorCode: 'FLAG_NOT_FOUND' });
    expect(wrongType.errorCode).toBe('TYPE_MISMATCH');
    expect(blankEntity.errorCode).toBe('TARGETING_KEY_MISSING');
  });

  it('before any snapshot: defaults, NOT_READY, status loading', async () => {
    const { client, publish } = scriptedClient(undefined);
    const { result } = renderHook(
      () => ({ on: useBooleanFlag('on', false), details: useFlagDetails('on', { type: 'boolean' }), status: useFlagcastStatus().status }),
      { wrapper: wrapper(client) },
    );
    expect(result.current.on).toBe(false);
    expect(result.current.details.errorCode).toBe('NOT_READY');
    await publish(snapshot);
    expect(result.current.on).toBe(true);
    expect(result.current.details.result?.enabled).toBe(true);
    expect(result.current.status).toBe('ready');
  });

  it('a key in no snapshot: NOT_READY before the first snapshot, FLAG_NOT_FOUND from it on (no bootstrap)', async () => {
    const { client, publish } = scriptedClient(undefined);
    const { result } = renderHook(
      () => ({
        details: useFlagDetails('missing', { type: 'boolean' }),
        variantDetails: useFlagDetails('missing', { type: 'variant' }),
        value: useBooleanFlag('missing', true),
        variant: useVariantFlag('missing', 'light'),
      }),
      { wrapper: wrapper(client) },
    );
    expect(result.current.details.errorCode).toBe('NOT_READY');
    await publish(snapshot);
    expect(client.getState()).toMatchObject({ status: 'ready', source: 'network' });
    expect(result.current.details).toEqual({ result: undefined, errorCode: 'FLAG_NOT_FOUND' });
    expect(result.current.variantDetails).toEqual({ result: undefined, errorCode: 'FLAG_NOT_FOUND' });
    expect(result.current.value).toBe(true);
    expect(result.current.variant).toEqual({ variantKey: 'light', attachment: undefined, match: false, reason: 'ERROR' });
  });

  it('a changed default value is used at once', () => {
    const { client } = scriptedClient(snapshot);
    const { result, rerender } = renderHook(({ fallback }) => useBooleanFlag('missing', fallback), {
      wrapper: wrapper(client),
      initialProps: { fallback: false },
    });
    expect(result.current).toBe(false);
    rerender({ fallback: true });
    expect(result.current).toBe(true);
  });
});

describe('client and status', () => {
  it('useFlagcastClient returns the client; useFlagcastStatus follows its state', async () => {
    const { client, publish } = scriptedClient(snapshot);
    const { result } = renderHook(() => ({ client: useFlagcastClient(), state: useFlagcastStatus() }), { wrapper: wrapper(client) });
    expect(result.current.client).toBe(client);
    expect(result.current.state).toBe(client.getState());
    expect(result.current.state).toMatchObject({ status: 'ready', source: 'bootstrap', error: null });
    await publish(makeSnapshot([booleanFlag('on', false)]));
    expect(result.current.state).toMatchObject({ status: 'ready', source: 'network' });
  });

  it('a hook outside a provider throws an error that names FlagcastProvider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // React reports the render error too
    expect(() => renderHook(() => useBooleanFlag('on', false))).toThrow(/inside <FlagcastProvider>/);
    expect(() => renderHook(() => useFlagcastStatus())).toThrow(/FlagcastProvider/);
    vi.restoreAllMocks();
  });
});
