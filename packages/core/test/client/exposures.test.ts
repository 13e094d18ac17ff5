// Exposure events through the safe API: reported the first time each (flag, entity) is served a
// value and whenever that value changes; defaults are not exposures; a throwing callback never
// reaches evaluation.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Exposure } from '../../src/index';
import { booleanFlag, jsonResponse, makeSnapshot, scriptedFetch, useHarness, variantFlag, type TestFlag, type TestSnapshot } from './helpers';

const harness = useHarness();
afterEach(() => {
  vi.useRealTimers();
});

/** True for entities whose `plan` is `pro`, false for everyone else. */
const proOnly: TestFlag = booleanFlag('pro-only', false, {
  enabled: false,
  rollouts: [
    {
      segment: {
        value: true,
        segmentOperator: 'OR_SEGMENT_OPERATOR',
        segments: [{ key: 'pros', matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [{ type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property: 'plan', operator: 'eq', value: 'pro' }] }],
      },
    },
  ],
});

/** `gold` for pros, else no variant (no default variant either). */
const tier: TestFlag = variantFlag('tier', 'unused', {
  defaultVariant: undefined,
  rules: [
    {
      segmentOperator: 'OR_SEGMENT_OPERATOR',
      segments: [{ key: 'pros', matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [{ type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property: 'plan', operator: 'eq', value: 'pro' }] }],
      distributions: [{ variantKey: 'gold', rollout: 100, variantAttachment: '{"color":"#fc0"}' }],
    },
  ],
});

const snapshot = makeSnapshot([proOnly, tier, booleanFlag('on', true), variantFlag('theme', 'dark')]);

/** A client on `initial` (or nothing) whose `refresh()` fetches the snapshot the test sets next. */
function clientWith(initial: TestSnapshot | undefined, onExposure: (exposure: Exposure) => void) {
  let next: TestSnapshot | undefined;
  const { fetch } = scriptedFetch(() => jsonResponse(200, next, { etag: `"${next!.digest}"` }));
  const client = harness.client({ url: 'http://flags.test', transport: 'none', cache: 'none', bootstrap: initial, fetch, onExposure });
  return {
    client,
    async publish(snapshot: TestSnapshot) {
      next = snapshot;
      await client.refresh();
    },
  };
}

describe('onExposure', () => {
  it('reports the first value served to each entity, with what Flipt said about it', () => {
    const exposures: Exposure[] = [];
    const { client } = clientWith(snapshot, (e) => exposures.push(e));
    expect(client.getBoolean('pro-only', false, 'user-1', { plan: 'pro' })).toBe(true);
    expect(client.getVariant('tier', 'basic', 'user-1', { plan: 'pro' })).toBe('gold');
    expect(client.getBoolean('on', false, 'user-2')).toBe(true);
    expect(exposures).toEqual([
      { flagKey: 'pro-only', entityId: 'user-1', type: 'boolean', value: true, reason: 'MATCH_EVALUATION_REASON', segmentKeys: ['pros'] },
      { flagKey: 'tier', entityId: 'user-1', type: 'variant', value: 'gold', reason: 'MATCH_EVALUATION_REASON', segmentKeys: ['pros'] },
      { flagKey: 'on', entityId: 'user-2', type: 'boolean', value: true, reason: 'MATCH_EVALUATION_REASON', segmentKeys: [] },
    ]);
  });

  it('the same value again reports nothing; each change does (A → B → A: three)', () => {
    const values: unknown[] = [];
    const { client } = clientWith(snapshot, (e) => values.push(`${e.entityId}:${e.value}`));
    for (let i = 0; i < 100; i++) client.getBoolean('pro-only', false, 'user-1', { plan: 'pro' });
    expect(values).toEqual(['user-1:true']);
    client.getBoolean('pro-only', false, 'user-1', { plan: 'free' });
    client.getBoolean('pro-only', false, 'user-1', { plan: 'pro' });
    expect(values).toEqual(['user-1:true', 'user-1:false', 'user-1:true']);
    // Another entity is its own story.
    client.getBoolean('pro-only', false, 'user-2', { plan: 'pro' });
    expect(values).toEqual(['user-1:true', 'user-1:false', 'user-1:true', 'user-2:true']);
  });

  it('a context change that leaves the value equal reports nothing', () => {
    const values: unknown[] = [];
    const { client } = clientWith(snapshot, (e) => values.push(e.value));
    client.getBoolean('pro-only', false, 'user-1', { plan: 'free' });
    client.getBoolean('pro-only', false, 'user-1', { plan: 'basic', country: 'DE' });
    client.getBoolean('pro-only', false, 'user-1');
    expect(values).toEqual([false]);
  });

  it('a new snapshot that changes the value served reports it at the next call', async () => {
    const values: unknown[] = [];
    const { client, publish } = clientWith(snapshot, (e) => values.push(e.value));
    client.getVariant('theme', 'light', 'user-1');
    await publish(makeSnapshot([variantFlag('theme', 'dark', { description: 'same variant' })]));
    client.getVariant('theme', 'light', 'user-1');
    await publish(makeSnapshot([variantFlag('theme', 'dusk')]));
    client.getVariant('theme', 'light', 'user-1');
    expect(values).toEqual(['dark', 'dusk']);
  });

  it('serving a default is not an exposure: no snapshot, missing flag, wrong type, no variant', async () => {
    const exposures: Exposure[] = [];
    const { client, publish } = clientWith(undefined, (e) => exposures.push(e));
    expect(client.getBoolean('on', false, 'user-1')).toBe(false); // no snapshot yet
    await publish(snapshot);
    expect(client.getBoolean('missing', false, 'user-1')).toBe(false);
    expect(client.getVariant('on', 'control', 'user-1')).toBe('control'); // a boolean flag
    expect(client.getBoolean('theme', true, 'user-1')).toBe(true); // a variant flag
    expect(client.getVariant('tier', 'basic', 'user-1', { plan: 'free' })).toBe('basic'); // no variant
    expect(client.getBoolean('on', false, '')).toBe(false); // no entity
    expect(exposures).toEqual([]);
    // Defaults do not reset the bookkeeping: the variant is still the last value served.
    client.getVariant('tier', 'basic', 'user-1', { plan: 'pro' });
    client.getVariant('tier', 'basic', 'user-1', { plan: 'free' });
    client.getVariant('tier', 'basic', 'user-1', { plan: 'pro' });
    expect(exposures.map((e) => e.value)).toEqual(['gold']);
  });

  it('the throwing forms and watchFlag report nothing', () => {
    const exposures: Exposure[] = [];
    const { client } = clientWith(snapshot, (e) => exposures.push(e));
    client.evaluateBoolean({ flagKey: 'on', entityId: 'user-1', context: {} });
    client.evaluateVariant({ flagKey: 'theme', entityId: 'user-1', context: {} });
    client.evaluateBatch([{ flagKey: 'on', entityId: 'user-1', context: {} }]);
    expect(exposures).toEqual([]);
  });

  it('a throwing onExposure changes no result; its error is rethrown in a task of its own, once per exposure', () => {
    vi.useFakeTimers();
    const onExposure = vi.fn(() => {
      throw new Error('analytics is down');
    });
    const { client } = clientWith(snapshot, onExposure);
    expect(client.getBoolean('pro-only', false, 'user-1', { plan: 'pro' })).toBe(true);
    expect(client.getVariant('tier', 'basic', 'user-1', { plan: 'pro' })).toBe('gold');
    expect(client.getBoolean('pro-only', false, 'user-1', { plan: 'pro' })).toBe(true);
    expect(onExposure).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(2);
    expect(() => vi.advanceTimersToNextTimer()).toThrow('analytics is down');
    expect(() => vi.advanceTimersToNextTimer()).toThrow('analytics is down');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('remembers at most 10,000 (flag, entity) pairs: the oldest is forgotten first', () => {
    const values: string[] = [];
    const { client } = clientWith(snapshot, (e) => values.push(e.entityId));
    for (let i = 0; i <= 10_000; i++) client.getBoolean('on', false, `user-${i}`);
    expect(values).toHaveLength(10_001);
    client.getBoolean('on', false, 'user-10000'); // remembered
    client.getBoolean('on', false, 'user-1'); // remembered
    client.getBoolean('on', false, 'user-0'); // forgotten: reported again
    expect(values.slice(10_001)).toEqual(['user-0']);
  });
});
