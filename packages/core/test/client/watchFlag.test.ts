// watchFlag: calls back only when one flag's result for one entity changes.
import { describe, expect, it, vi } from 'vitest';
import { Engine, parseSnapshot, watchFlag } from '../../src/index';
import { booleanFlag, makeSnapshot, optionsFor, until, useHarness, variantFlag, type TestFlag } from './helpers';

const harness = useHarness();

const percent = (key: string, percentage: number): TestFlag =>
  booleanFlag(key, true, { enabled: false, rollouts: [{ threshold: { percentage, value: true } }] });

/** An entity id for which `flag` at 60 % is on and at 30 % is `at30`. */
function entityWhere(at30: boolean): string {
  const e60 = new Engine(parseSnapshot(makeSnapshot([percent('p', 60)])));
  const e30 = new Engine(parseSnapshot(makeSnapshot([percent('p', 30)])));
  for (let i = 0; ; i++) {
    const entityId = `entity-${i}`;
    const request = { flagKey: 'p', entityId, context: {} };
    if (e60.evaluateBoolean(request).enabled && e30.evaluateBoolean(request).enabled === at30) return entityId;
  }
}

const tier = (threshold: string): TestFlag =>
  variantFlag('tier', 'basic', {
    rules: [
      {
        segmentOperator: 'OR_SEGMENT_OPERATOR',
        segments: [
          {
            key: 'big-pro',
            matchType: 'ALL_SEGMENT_MATCH_TYPE',
            constraints: [
              { type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property: 'plan', operator: 'eq', value: 'pro' },
              { type: 'NUMBER_CONSTRAINT_COMPARISON_TYPE', property: 'seats', operator: 'gte', value: threshold },
            ],
          },
        ],
        distributions: [{ variantKey: 'gold', rollout: 100, variantAttachment: 'null' }],
      },
    ],
  });

describe('watchFlag', () => {
  it('fires for its own flag and entity only, and only when the result changes', async () => {
    const stays = entityWhere(true);
    const flips = entityWhere(false);
    const base = { a: booleanFlag('a', true), b: booleanFlag('b', true), v: variantFlag('v', 'blue'), p: percent('p', 60), tier: tier('3') };
    const snap = (flags: Partial<typeof base>) => makeSnapshot(Object.values({ ...base, ...flags }));

    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(snap({}));
    const client = harness.client(optionsFor(server));
    await client.ready();

    const onA = vi.fn();
    const onV = vi.fn();
    const onStays = vi.fn();
    const onFlips = vi.fn();
    const onTier = vi.fn();
    const stopA = watchFlag(client, { flagKey: 'a', entityId: 'user-1', type: 'boolean' }, onA);
    watchFlag(client, { flagKey: 'v', entityId: 'user-1', type: 'variant' }, onV);
    watchFlag(client, { flagKey: 'p', entityId: stays, type: 'boolean' }, onStays);
    watchFlag(client, { flagKey: 'p', entityId: flips, type: 'boolean' }, onFlips);
    watchFlag(client, { flagKey: 'tier', entityId: 'user-1', type: 'variant', context: { plan: 'pro', seats: 5 } }, onTier);
    const all = [onA, onV, onStays, onFlips, onTier];
    const calls = () => all.map((f) => f.mock.calls.length);
    const apply = async (flags: Partial<typeof base>) => {
      const next = snap(flags);
      server.setSnapshot(next);
      await until(() => client.digest === next.digest);
    };
    expect(calls()).toEqual([0, 0, 0, 0, 0]);

    // Another flag changes: nobody.
    await apply({ b: booleanFlag('b', false) });
    expect(calls()).toEqual([0, 0, 0, 0, 0]);

    // Flag a's definition changes but its result does not: nobody.
    await apply({ b: booleanFlag('b', false), a: booleanFlag('a', true, { description: 'now documented' }) });
    expect(calls()).toEqual([0, 0, 0, 0, 0]);

    // p goes from 60 % to 30 %: only the entity that falls out hears about it.
    await apply({ p: percent('p', 30) });
    expect(calls()).toEqual([0, 0, 0, 1, 0]);
    expect(client.getBoolean('p', true, flips)).toBe(false);
    expect(client.getBoolean('p', false, stays)).toBe(true);

    // a and v change: their watchers, once each.
    await apply({ p: percent('p', 30), a: booleanFlag('a', false), v: variantFlag('v', 'green') });
    expect(calls()).toEqual([1, 1, 0, 1, 0]);

    // A constraint change that moves a context with numbers out of the rule.
    await apply({ p: percent('p', 30), a: booleanFlag('a', false), v: variantFlag('v', 'green'), tier: tier('10') });
    expect(calls()).toEqual([1, 1, 0, 1, 1]);
    expect(client.getVariant('tier', 'none', 'user-1', { plan: 'pro', seats: 5 })).toBe('basic');

    // Unsubscribed: no more calls.
    stopA();
    await apply({ p: percent('p', 30), v: variantFlag('v', 'green'), tier: tier('10') });
    expect(calls()).toEqual([1, 1, 0, 1, 1]);
  });

  it('a watcher set up before the first snapshot hears when the flag becomes available', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(makeSnapshot([booleanFlag('a', true)]));
    server.hold('stream');
    const client = harness.client(optionsFor(server));
    const onA = vi.fn();
    watchFlag(client, { flagKey: 'a', entityId: 'user-1', type: 'boolean' }, onA);
    await server.waitFor(() => server.heldCount === 1);
    expect(onA).not.toHaveBeenCalled();
    server.release();
    await client.ready();
    await until(() => onA.mock.calls.length === 1);
  });

  it('a key in no snapshot: no callback while it stays missing (first snapshot, later edits), one when it appears', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(makeSnapshot([booleanFlag('a', true)]));
    const client = harness.client(optionsFor(server));
    const onMissing = vi.fn();
    watchFlag(client, { flagKey: 'missing', entityId: 'user-1', type: 'boolean' }, onMissing);
    await client.ready();
    server.setSnapshot(makeSnapshot([booleanFlag('a', false)]));
    await until(() => client.getBoolean('a', true, 'user-1') === false);
    expect(onMissing).not.toHaveBeenCalled();
    server.setSnapshot(makeSnapshot([booleanFlag('a', false), booleanFlag('missing', true)]));
    await until(() => onMissing.mock.calls.length === 1);
    expect(onMissing.mock.calls[0]![0]).toMatchObject({ flagKey: 'missing', enabled: true });
  });
});
