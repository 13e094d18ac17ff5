// Every mapping of the provider, through the real OpenFeature web SDK, against a loopback server,
// compared with what Flagcast's Engine says for the same flag, entity and context.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, EvaluationError, parseSnapshot, type Snapshot } from '@flagcast/core';
import { OpenFeature, type EvaluationContext, type EvaluationDetails, type FlagValue, type JsonValue } from '@openfeature/web-sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFlagServer, type FlagServer } from '../../core/test/support/flagServer';
import { FlagcastWebProvider } from '../src/index';
import { cornerSnapshot } from './support/cornerSnapshot';
import { resetOpenFeature } from './support/openFeature';

const SAMPLES = join(import.meta.dirname, '../../core/test/fixtures/samples');

type ValueType = 'boolean' | 'string' | 'number' | 'object';

let server: FlagServer | undefined;
afterEach(async () => {
  await resetOpenFeature();
  await server?.close();
  server = undefined;
});

/** Serves `snapshot` on a loopback server and sets a provider on it, ready. */
async function serve(snapshot: { digest: string; namespace?: { key: string } }, context: EvaluationContext = {}): Promise<FlagcastWebProvider> {
  server = await startFlagServer({ dialect: 'relay' });
  // Served under its own namespace: a client refuses another namespace's snapshot.
  const namespace = snapshot.namespace?.key ?? 'default';
  server.setSnapshot(snapshot, { namespace });
  const provider = new FlagcastWebProvider({ url: server.url, namespace, cache: 'none' });
  await OpenFeature.setProviderAndWait(provider, context);
  expect(provider.client.source).toBe('network');
  return provider;
}

function details(type: ValueType, flagKey: string, defaultValue: FlagValue): EvaluationDetails<FlagValue> {
  const client = OpenFeature.getClient();
  if (type === 'boolean') return client.getBooleanDetails(flagKey, defaultValue as boolean);
  if (type === 'string') return client.getStringDetails(flagKey, defaultValue as string);
  if (type === 'number') return client.getNumberDetails(flagKey, defaultValue as number);
  return client.getObjectDetails(flagKey, defaultValue as JsonValue);
}

const DEFAULTS: Record<ValueType, FlagValue> = { boolean: false, string: 'the-default', number: -1, object: { default: true } };

// The contract's table, written out: Flipt's reason → OpenFeature's.
const REASONS: Record<string, string> = {
  MATCH_EVALUATION_REASON: 'TARGETING_MATCH',
  DEFAULT_EVALUATION_REASON: 'DEFAULT',
  FLAG_DISABLED_EVALUATION_REASON: 'DISABLED',
  UNKNOWN_EVALUATION_REASON: 'UNKNOWN',
};

/** What the contract says the SDK returns, derived from the Engine's own result. */
function expectedFromEngine(engine: Engine, type: ValueType, flagKey: string, context: Record<string, string>, entityId: string | undefined) {
  const request = { flagKey, entityId: entityId as string, context };
  const defaultValue = DEFAULTS[type];
  const error = (errorCode: string) => ({ value: defaultValue, reason: 'ERROR', errorCode });
  try {
    if (type === 'boolean') {
      const r = engine.evaluateBoolean(request);
      return { value: r.enabled, variant: String(r.enabled), reason: REASONS[r.reason], segments: [...r.segmentKeys].sort() };
    }
    const r = engine.evaluateVariant(request);
    const base = { variant: r.variantKey || undefined, reason: REASONS[r.reason], segments: [...r.segmentKeys].sort() };
    let attachment: unknown = null;
    if (type !== 'string' && r.variantAttachment) {
      try {
        attachment = JSON.parse(r.variantAttachment);
      } catch {
        return error('PARSE_ERROR');
      }
    }
    if (type === 'string') return { ...base, value: r.variantKey || defaultValue };
    if (type === 'object') return { ...base, value: attachment ?? defaultValue };
    if (typeof attachment === 'number') return { ...base, value: attachment };
    if (!r.variantKey) return { ...base, value: defaultValue };
    return Number.isFinite(Number(r.variantKey)) ? { ...base, value: Number(r.variantKey) } : error('TYPE_MISMATCH');
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    // OpenFeature has no code for a blank flag key (or a bad batch): GENERAL.
    return error(e.code === 'NOT_READY' ? 'PROVIDER_NOT_READY' : e.code === 'INVALID_FLAG_KEY' || e.code === 'INVALID_REQUEST' ? 'GENERAL' : e.code);
  }
}

/** The SDK's details in the expected shape (segments split and sorted). */
function observed(d: EvaluationDetails<FlagValue>) {
  if (d.errorCode) return { value: d.value, reason: d.reason, errorCode: d.errorCode };
  const segments = d.flagMetadata['segments'];
  return { value: d.value, variant: d.variant, reason: d.reason, segments: typeof segments === 'string' ? segments.split(',').sort() : [] };
}

describe('the corner snapshot, row by row', () => {
  const TYPES: ValueType[] = ['boolean', 'string', 'number', 'object'];
  const engine = new Engine(parseSnapshot(cornerSnapshot));

  // [flagKey, type, context, expected value, variant, reason | error code, segments]
  const rows: Array<[string, ValueType, EvaluationContext, FlagValue, string | undefined, string, string?]> = [
    ['pro-checkout', 'boolean', { targetingKey: 'u1', plan: 'pro' }, true, 'true', 'TARGETING_MATCH', 'pros'],
    ['pro-checkout', 'boolean', { targetingKey: 'u1', plan: 'free' }, false, 'false', 'DEFAULT'],
    ['everyone-on', 'boolean', { targetingKey: 'u1' }, true, 'true', 'TARGETING_MATCH'],
    ['switched-off', 'boolean', { targetingKey: 'u1' }, false, 'false', 'DEFAULT'],
    // Numbers, booleans, dates and structures are sent as strings.
    ['vip-only', 'boolean', { targetingKey: 'u1', vip: true }, true, 'true', 'TARGETING_MATCH', 'vips'],
    ['vip-only', 'boolean', { targetingKey: 'u1', vip: false }, false, 'false', 'DEFAULT'],
    ['early-signups', 'boolean', { targetingKey: 'u1', signup: new Date('2023-06-01T12:00:00Z') }, true, 'true', 'TARGETING_MATCH', 'early'],
    ['early-signups', 'boolean', { targetingKey: 'u1', signup: new Date('2024-06-01T12:00:00Z') }, false, 'false', 'DEFAULT'],
    ['german-speakers', 'boolean', { targetingKey: 'u1', prefs: { lang: 'de' } }, true, 'true', 'TARGETING_MATCH', 'de-prefs'],
    ['theme', 'string', { targetingKey: 'u1', age: 34, country: 'DE' }, 'dark', 'dark', 'TARGETING_MATCH', 'adults,germany'],
    ['theme', 'object', { targetingKey: 'u1', age: 34, country: 'DE' }, { accent: 'violet' }, 'dark', 'TARGETING_MATCH', 'adults,germany'],
    ['theme', 'string', { targetingKey: 'u1', age: 17, country: 'DE' }, 'light', 'light', 'DEFAULT'],
    ['theme', 'object', { targetingKey: 'u1', age: 17, country: 'DE' }, { accent: 'gray' }, 'light', 'DEFAULT'],
    ['theme', 'number', { targetingKey: 'u1' }, -1, undefined, 'TYPE_MISMATCH'],
    ['retries', 'number', { targetingKey: 'u1' }, 3, '3', 'DEFAULT'], // numeric variant key
    ['retries', 'string', { targetingKey: 'u1' }, '3', '3', 'DEFAULT'],
    ['retries', 'object', { targetingKey: 'u1' }, { default: true }, '3', 'DEFAULT'], // no attachment
    ['ratio', 'number', { targetingKey: 'u1' }, 0.5, 'half', 'DEFAULT'], // numeric attachment
    ['ratio', 'object', { targetingKey: 'u1' }, 0.5, 'half', 'DEFAULT'],
    ['label', 'number', { targetingKey: 'u1' }, -1, undefined, 'TYPE_MISMATCH'],
    ['broken', 'object', { targetingKey: 'u1' }, { default: true }, undefined, 'PARSE_ERROR'],
    ['broken', 'number', { targetingKey: 'u1' }, -1, undefined, 'PARSE_ERROR'],
    ['broken', 'string', { targetingKey: 'u1' }, 'x', 'x', 'DEFAULT'], // the key needs no attachment
    ['retired', 'string', { targetingKey: 'u1' }, 'fallback', 'fallback', 'DISABLED'],
    ['retired', 'object', { targetingKey: 'u1' }, { old: true }, 'fallback', 'DISABLED'],
    ['adults-only', 'number', { targetingKey: 'u1', age: '40' }, 7, '7', 'TARGETING_MATCH', 'adults'],
    ['adults-only', 'object', { targetingKey: 'u1', age: '40' }, [1, 2], '7', 'TARGETING_MATCH', 'adults'],
    // No match and no default variant: the app's default, Flipt's reason.
    ['adults-only', 'string', { targetingKey: 'u1', age: '12' }, 'the-default', undefined, 'UNKNOWN'],
    ['adults-only', 'number', { targetingKey: 'u1', age: '12' }, -1, undefined, 'UNKNOWN'],
    // Errors.
    ['nope', 'boolean', { targetingKey: 'u1' }, false, undefined, 'FLAG_NOT_FOUND'],
    ['nope', 'string', { targetingKey: 'u1' }, 'the-default', undefined, 'FLAG_NOT_FOUND'],
    ['nope', 'number', { targetingKey: 'u1' }, -1, undefined, 'FLAG_NOT_FOUND'],
    ['nope', 'object', { targetingKey: 'u1' }, { default: true }, undefined, 'FLAG_NOT_FOUND'],
    ['everyone-on', 'string', { targetingKey: 'u1' }, 'the-default', undefined, 'TYPE_MISMATCH'],
    ['everyone-on', 'number', { targetingKey: 'u1' }, -1, undefined, 'TYPE_MISMATCH'],
    ['everyone-on', 'object', { targetingKey: 'u1' }, { default: true }, undefined, 'TYPE_MISMATCH'],
    ['theme', 'boolean', { targetingKey: 'u1' }, false, undefined, 'TYPE_MISMATCH'],
    ['everyone-on', 'boolean', {}, false, undefined, 'TARGETING_KEY_MISSING'],
    ['theme', 'string', { targetingKey: '  ' }, 'the-default', undefined, 'TARGETING_KEY_MISSING'],
    ['', 'boolean', { targetingKey: 'u1' }, false, undefined, 'GENERAL'], // a blank flag key
  ];

  beforeAll(() => expect(new Set(rows.map(([key]) => key))).toEqual(new Set([...cornerSnapshot.flags.map((f) => f.key), 'nope', ''])));

  it.each(rows)('%s as %s with %o', async (flagKey, type, context, value, variant, reasonOrCode, segments) => {
    await serve(cornerSnapshot, context);
    const d = details(type, flagKey, DEFAULTS[type]);
    const isError = !(reasonOrCode in { TARGETING_MATCH: 1, DEFAULT: 1, DISABLED: 1, UNKNOWN: 1 });
    expect(d.value).toEqual(value);
    if (isError) {
      expect(d).toMatchObject({ reason: 'ERROR', errorCode: reasonOrCode });
      expect(d.errorMessage).toMatch(flagKey ? new RegExp(`\\b${flagKey}\\b`) : /flagKey/);
      if (reasonOrCode === 'TARGETING_KEY_MISSING') expect(d.errorMessage).toMatch(/targetingKey/);
    } else {
      expect(d).toMatchObject({ variant, reason: reasonOrCode, flagMetadata: segments ? { segments } : {} });
      expect(d.errorCode).toBeUndefined();
    }
    // The same as the Engine says, through the contract's rules.
    const { targetingKey, ...rest } = context;
    const stringContext = Object.fromEntries(
      Object.entries(rest).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
    );
    expect(observed(d)).toEqual(expectedFromEngine(engine, type, flagKey, stringContext, targetingKey));
    expect(TYPES).toContain(type);
  });
});

describe("Flipt's sample files, every flag, entity, context and value type", () => {
  const inputs = JSON.parse(readFileSync(join(SAMPLES, 'contexts.json'), 'utf8')) as {
    entityIds: string[];
    samples: Record<string, { contexts: Record<string, string>[] }>;
  };
  const entityIds = inputs.entityIds.filter((_, i) => i % 3 === 0); // a third of them, still every bucket region

  it.each(Object.keys(inputs.samples))('%s', async (name) => {
    const raw = readFileSync(join(SAMPLES, `${name}.json`), 'utf8');
    const snapshot: Snapshot = parseSnapshot(raw);
    const engine = new Engine(snapshot);
    await serve(snapshot as Snapshot & { digest: string });
    const keys = [...snapshot.flags.map((f) => f.key), 'missing-flag'];
    let compared = 0;
    const outcomes = new Set<string>();
    for (const entityId of entityIds) {
      for (const context of [{}, ...inputs.samples[name]!.contexts]) {
        await OpenFeature.setContext({ targetingKey: entityId, ...context });
        for (const flagKey of keys) {
          for (const type of ['boolean', 'string', 'number', 'object'] as const) {
            const d = details(type, flagKey, DEFAULTS[type]);
            const want = expectedFromEngine(engine, type, flagKey, context, entityId);
            if (!isDeepEqual(observed(d), want)) expect({ entityId, context, flagKey, type, got: observed(d) }).toEqual({ entityId, context, flagKey, type, got: want });
            outcomes.add(`${type}:${d.errorCode ?? d.reason}`);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    // The sweep met real outcomes, not only errors.
    expect([...outcomes].some((o) => /^(string|object):(TARGETING_MATCH|DEFAULT)$/.test(o))).toBe(true);
  });
});

describe('PROVIDER_NOT_READY', () => {
  it('a resolver asked before the first snapshot answers with the default and PROVIDER_NOT_READY', async () => {
    server = await startFlagServer({ dialect: 'relay' });
    server.setSnapshot(cornerSnapshot);
    server.hold('any');
    const provider = new FlagcastWebProvider({ url: server.url, cache: 'none' });
    void OpenFeature.setProviderAndWait(provider).catch(() => {});
    await server.waitForRequest('stream');
    // The SDK itself short-circuits while NOT_READY; the provider says the same when asked directly
    // (or when the SDK thinks it is ready: a context change marks it so).
    expect(provider.resolveBooleanEvaluation('everyone-on', false, { targetingKey: 'u1' })).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'PROVIDER_NOT_READY',
    });
    await OpenFeature.setContext({ targetingKey: 'u1' });
    expect(OpenFeature.getClient().getObjectDetails('theme', { x: 1 })).toMatchObject({ value: { x: 1 }, errorCode: 'PROVIDER_NOT_READY' });
  });
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
