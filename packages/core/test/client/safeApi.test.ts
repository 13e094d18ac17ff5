// The evaluation API of the client: the throwing forms mirror the Engine; the safe forms
// (getBoolean / getVariant) never throw, fall back to the default, and stringify contexts.
import { describe, expect, it } from 'vitest';
import { Engine, EvaluationError, parseSnapshot, type EvaluationRequest } from '../../src/index';
import { booleanFlag, makeSnapshot, optionsFor, useHarness, variantFlag } from './helpers';

const harness = useHarness();

const adultBeta = booleanFlag('adult-beta', true, {
  enabled: false,
  rollouts: [
    {
      segment: {
        value: true,
        segmentOperator: 'AND_SEGMENT_OPERATOR',
        segments: [
          {
            key: 'adult-beta-testers',
            matchType: 'ALL_SEGMENT_MATCH_TYPE',
            constraints: [
              { type: 'NUMBER_CONSTRAINT_COMPARISON_TYPE', property: 'age', operator: 'gte', value: '18' },
              { type: 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE', property: 'beta', operator: 'true', value: '' },
            ],
          },
        ],
      },
    },
  ],
});

const tier = variantFlag('tier', 'basic', {
  rules: [
    {
      segmentOperator: 'OR_SEGMENT_OPERATOR',
      segments: [
        {
          key: 'big-pro',
          matchType: 'ALL_SEGMENT_MATCH_TYPE',
          constraints: [
            { type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property: 'plan', operator: 'eq', value: 'pro' },
            { type: 'NUMBER_CONSTRAINT_COMPARISON_TYPE', property: 'seats', operator: 'gte', value: '3' },
          ],
        },
      ],
      distributions: [{ variantKey: 'gold', rollout: 100, variantAttachment: '{"color":"#fc0"}' }],
    },
  ],
});

const snapshot = makeSnapshot([adultBeta, tier, booleanFlag('on', true), booleanFlag('off', false)]);

function bootstrapped() {
  return harness.client({ url: 'http://127.0.0.1:9', transport: 'none', cache: 'none', bootstrap: snapshot });
}

describe('before any snapshot', () => {
  it('safe forms return the default; throwing forms throw an EvaluationError', async () => {
    const server = await harness.server();
    server.setSnapshot(snapshot);
    server.hold('any');
    const client = harness.client(optionsFor(server));
    await server.waitFor(() => server.heldCount === 1);
    expect(client.status).toBe('loading');
    expect(client.getBoolean('on', false, 'user-1')).toBe(false);
    expect(client.getBoolean('off', true, 'user-1')).toBe(true);
    expect(client.getVariant('tier', 'fallback', 'user-1', { plan: 'pro', seats: 5 })).toBe('fallback');
    expect(() => client.evaluateBoolean({ flagKey: 'on', entityId: 'user-1', context: {} })).toThrow(EvaluationError);
    expect(() => client.evaluateVariant({ flagKey: 'tier', entityId: 'user-1', context: {} })).toThrow(EvaluationError);
    expect(() => client.evaluateBatch([{ flagKey: 'on', entityId: 'user-1', context: {} }])).toThrow(EvaluationError);
    expect(client.getSnapshot()).toBeUndefined();
  });
});

describe('with a snapshot', () => {
  it('throwing forms give exactly the Engine results', () => {
    const client = bootstrapped();
    const engine = new Engine(parseSnapshot(snapshot));
    const requests: EvaluationRequest[] = [
      { flagKey: 'tier', entityId: 'user-1', context: { plan: 'pro', seats: '5' } },
      { flagKey: 'tier', entityId: 'user-2', context: {} },
      { flagKey: 'adult-beta', entityId: 'user-3', context: { age: '30', beta: 'true' } },
      { flagKey: 'on', entityId: 'user-4', context: {} },
      { flagKey: 'missing', entityId: 'user-5', context: {} },
    ];
    expect(client.evaluateVariant(requests[0]!)).toEqual(engine.evaluateVariant(requests[0]!));
    expect(client.evaluateVariant(requests[1]!)).toEqual(engine.evaluateVariant(requests[1]!));
    expect(client.evaluateBoolean(requests[2]!)).toEqual(engine.evaluateBoolean(requests[2]!));
    expect(client.evaluateBatch(requests)).toEqual(engine.evaluateBatch(requests));
    expect(() => client.evaluateBoolean({ flagKey: 'missing', entityId: 'u', context: {} })).toThrow(EvaluationError);
    expect(() => client.evaluateBoolean({ flagKey: 'tier', entityId: 'u', context: {} })).toThrow(EvaluationError);
  });

  it('getBoolean / getVariant return the value, or the default when it cannot be evaluated', () => {
    const client = bootstrapped();
    expect(client.getBoolean('on', false, 'user-1')).toBe(true);
    expect(client.getBoolean('off', true, 'user-1')).toBe(false);
    expect(client.getVariant('tier', 'fallback', 'user-1', { plan: 'pro', seats: '5' })).toBe('gold');
    expect(client.getVariant('tier', 'fallback', 'user-1')).toBe('basic');
    // Cannot be evaluated: default, never a throw.
    expect(client.getBoolean('missing', true, 'user-1')).toBe(true);
    expect(client.getBoolean('missing', false, 'user-1')).toBe(false);
    expect(client.getVariant('missing', 'fallback', 'user-1')).toBe('fallback');
    expect(client.getBoolean('tier', true, 'user-1')).toBe(true); // wrong type
    expect(client.getVariant('on', 'fallback', 'user-1')).toBe('fallback'); // wrong type
    expect(client.getBoolean('on', false, '')).toBe(false); // no entity id
    expect(client.getBoolean('on', false, '   ')).toBe(false);
    expect(client.getBoolean('', true, 'user-1')).toBe(true);
    const hostile = [undefined, null, 42, 'text', [], () => 1, { toString: null }];
    for (const junk of hostile) {
      expect(() => client.getBoolean('on', false, junk as never)).not.toThrow();
      expect(() => client.getBoolean(junk as never, false, 'user-1')).not.toThrow();
      expect(() => client.getVariant('tier', 'x', 'user-1', junk as never)).not.toThrow();
    }
    expect(() => client.getBoolean('on', false, 'user-1', { nested: { deep: 1 } } as never)).not.toThrow();
  });

  it('numbers and booleans in the context are turned into strings, as Flipt SDKs do', () => {
    const client = bootstrapped();
    expect(client.getBoolean('adult-beta', false, 'user-1', { age: 30, beta: true })).toBe(true);
    expect(client.getBoolean('adult-beta', false, 'user-1', { age: '30', beta: 'true' })).toBe(true);
    expect(client.getBoolean('adult-beta', true, 'user-1', { age: 17, beta: true })).toBe(false);
    expect(client.getBoolean('adult-beta', true, 'user-1', { age: 30, beta: false })).toBe(false);
    expect(client.getBoolean('adult-beta', true, 'user-1', { age: 18, beta: true })).toBe(true);
    expect(client.getVariant('tier', 'fallback', 'user-1', { plan: 'pro', seats: 3 })).toBe('gold');
    expect(client.getVariant('tier', 'fallback', 'user-1', { plan: 'pro', seats: 2 })).toBe('basic');
  });

  it('takes an interface as the context (no index signature) and rejects values Flipt cannot compare (checked by tsc -b)', () => {
    interface Account {
      plan: string;
      seats: number;
      since?: Date | undefined;
    }
    const account: Account = { plan: 'pro', seats: 3 };
    const client = bootstrapped();
    expect(client.getVariant('tier', 'fallback', 'user-1', account)).toBe('gold');
    expect(client.getBoolean('on', false, 'user-1', account)).toBe(true);
    interface Nested {
      plan: string;
      tags: string[];
    }
    const nested: Nested = { plan: 'pro', tags: [] };
    // @ts-expect-error an array is no context value
    expect(client.getVariant('tier', 'fallback', 'user-1', nested)).toBe('basic');
    // @ts-expect-error neither is an object
    expect(client.getBoolean('on', false, 'user-1', { plan: 'pro', seats: { n: 3 } })).toBe(true);
  });
});
