// Converter rules beyond the corpus and the Flipt samples, each checked against what Flipt's
// snapshot builder (internal/storage/fs/snapshot.go, internal/ext) does with the same input.
import { createHash } from 'node:crypto';
import { Engine, parseSnapshot } from '@flagcast/core';
import { describe, expect, it } from 'vitest';
import { convertFlagFiles, FlagFileError, type FlagFile } from '../src/index.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const convert = (files: FlagFile[]) => convertFlagFiles(files, { now: new Date('2026-01-01T00:00:00.250Z') });
const one = (text: string, name = 'features.yaml') => convert([{ name, contents: text }]);
function errorOf(fn: () => unknown): FlagFileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FlagFileError) return e;
    throw e;
  }
  throw new Error('expected a FlagFileError');
}

describe('namespaces and digests', () => {
  it('uses "default" without a namespace, accepts a string or {key,name,description}', () => {
    const text = `flags: []\n---\nnamespace: {key: team-a, name: Team A, description: x}\n---\nnamespace: team-b\n`;
    const { snapshots } = one(text);
    expect([...snapshots.keys()]).toEqual(['default', 'team-a', 'team-b']);
    for (const s of snapshots.values()) {
      expect(s.digest).toBe(sha1(text)); // each namespace made from one document: the file's SHA-1
      expect(s.flags).toEqual([]);
      expect(() => parseSnapshot(s)).not.toThrow();
    }
  });

  it('chains and cuts the digest to 32 characters when documents share a namespace', () => {
    const a = `namespace: ns\nflags:\n  - {key: one, name: One}\n`;
    const b = `namespace: ns\nflags:\n  - {key: two, name: Two}\n`;
    const { snapshots } = convert([
      { name: 'a.yaml', contents: a },
      { name: 'b.yaml', contents: b },
    ]);
    const ns = snapshots.get('ns')!;
    expect(ns.flags.map((f) => f.key)).toEqual(['one', 'two']);
    expect(ns.digest).toBe(sha1(sha1(a) + sha1(b)).slice(0, 32));
    const stream = `${a}---\n${b}`;
    expect(one(stream).snapshots.get('ns')!.digest).toBe(sha1(sha1(stream) + sha1(stream)).slice(0, 32));
  });

  it('reads JSON files', () => {
    const json = JSON.stringify({ version: '1.2', namespace: 'j', flags: [{ key: 'f', name: 'F', enabled: true, variants: [{ key: 'v', attachment: { a: [1, 'x'] } }], rules: [{ segment: 's', distributions: [{ variant: 'v', rollout: 33.33 }] }] }], segments: [{ key: 's', name: 'S', match_type: 'ANY_MATCH_TYPE', constraints: [] }] });
    const s = one(json, 'flags.json').snapshots.get('j')!;
    expect(s.digest).toBe(sha1(json));
    expect(s.flags[0]!.rules![0]!.distributions[0]).toMatchObject({ variantKey: 'v', variantAttachment: '{"a":[1,"x"]}', rollout: 33.33 });
    expect(s.flags[0]!.rules![0]!.segments).toEqual([{ key: 's', name: '', description: '', matchType: 'ANY_SEGMENT_MATCH_TYPE', constraints: [] }]);
  });
});

describe('flags, rules and rollouts', () => {
  const text = `version: "1.4"
flags:
  - key: f
    name: F
    description: hidden
    enabled: true
    variants:
      - {key: a, attachment: {z: 1, a: "<&>", n: ~, l: [1.5, true]}}
      - {key: b, default: true}
    rules:
      - segment: {keys: [s1, s2], operator: AND_SEGMENT_OPERATOR}
        distributions:
          - {variant: a, rollout: 50}
          - {variant: b, rollout: 50}
      - segment: s2
  - key: g
    name: G
    type: BOOLEAN_FLAG_TYPE
    rollouts:
      - segment: {key: s1, value: true}
      - threshold: {percentage: 12.5}
      - description: neither
segments:
  - key: s1
    name: S1
    match_type: ALL_MATCH_TYPE
    constraints:
      - {type: NUMBER_COMPARISON_TYPE, property: age, operator: gte, value: "18"}
  - key: s2
    name: S2
    match_type: ANY_MATCH_TYPE
    constraints:
      - {type: STRING_COMPARISON_TYPE, property: tier, operator: isoneof, value: '["gold"]'}
`;
  const snapshot = one(text).snapshots.get('default')!;

  it('builds what Flipt builds', () => {
    const [f, g] = snapshot.flags;
    expect(f).toMatchObject({ key: 'f', name: '', description: '', enabled: true, type: 'VARIANT_FLAG_TYPE', createdAt: '2026-01-01T00:00:00.250Z', rollouts: [] });
    expect(f!.defaultVariant).toEqual({ id: 'f/b', key: 'b', attachment: 'null' });
    const [r1, r2] = f!.rules!;
    expect(r1).toMatchObject({ rank: 1, segmentOperator: 'AND_SEGMENT_OPERATOR' });
    expect(r1!.segments!.map((s) => [s.key, s.matchType])).toEqual([
      ['s1', 'ALL_SEGMENT_MATCH_TYPE'],
      ['s2', 'ANY_SEGMENT_MATCH_TYPE'],
    ]);
    expect(r1!.segments![0]!.constraints).toEqual([{ type: 'NUMBER_CONSTRAINT_COMPARISON_TYPE', property: 'age', operator: 'gte', value: '18' }]);
    // Go's json.Marshal: keys sorted, HTML characters escaped.
    expect(r1!.distributions[0]!.variantAttachment).toBe('{"a":"\\u003c\\u0026\\u003e","l":[1.5,true],"n":null,"z":1}');
    expect(r1!.distributions[1]).toEqual({ ruleId: r1!.id, variantKey: 'b', variantAttachment: 'null', rollout: 50 });
    expect(r2).toMatchObject({ rank: 2, segmentOperator: 'OR_SEGMENT_OPERATOR', distributions: [] });
    expect(r1!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r1!.id).not.toBe(r2!.id);
    expect(g).toMatchObject({ type: 'BOOLEAN_FLAG_TYPE', enabled: false, rules: [] });
    expect(g!.rollouts).toEqual([
      { type: 'SEGMENT_ROLLOUT_TYPE', rank: 1, segment: { value: true, segmentOperator: 'OR_SEGMENT_OPERATOR', segments: [r1!.segments![0]] } },
      { type: 'THRESHOLD_ROLLOUT_TYPE', rank: 2, threshold: { percentage: 12.5, value: false } },
      { type: 'UNKNOWN_ROLLOUT_TYPE', rank: 3 },
    ]);
  });

  it('is stable: same bytes give the same snapshot', () => {
    expect(one(text).snapshots.get('default')).toEqual(snapshot);
  });

  it('evaluates as expected', () => {
    const engine = new Engine(parseSnapshot(snapshot));
    expect(engine.evaluateVariant({ flagKey: 'f', entityId: 'u', context: { age: '30' } }).reason).toBe('DEFAULT_EVALUATION_REASON');
    expect(engine.evaluateVariant({ flagKey: 'f', entityId: 'u', context: { age: '30', tier: 'gold' } }).reason).toBe('MATCH_EVALUATION_REASON');
    expect(engine.evaluateBoolean({ flagKey: 'g', entityId: 'u', context: { age: '30' } })).toMatchObject({ enabled: true, reason: 'MATCH_EVALUATION_REASON' });
  });
});

describe('constraint values', () => {
  const constraintValue = (type: string, operator: string, value: string) =>
    one(`version: "1.6"\nflags:\n  - key: f\n    name: F\n    rules:\n      - segment: s\nsegments:\n  - key: s\n    name: S\n    match_type: ALL_MATCH_TYPE\n    constraints:\n      - type: ${type}\n        property: p\n        operator: ${operator}\n        value: ${value}\n`);
  const valueOf = (type: string, operator: string, value: string) => constraintValue(type, operator, value).snapshots.get('default')!.flags[0]!.rules![0]!.segments![0]?.constraints[0]?.value;

  it('writes 1.6 lists as compact JSON (as Go encodes them), strings as they are', () => {
    expect(valueOf('STRING_COMPARISON_TYPE', 'isoneof', '[a, "b c", "true", ""]')).toBe('["a","b c","true",""]');
    expect(valueOf('NUMBER_COMPARISON_TYPE', 'isoneof', '[18, 2.5, 1e3]')).toBe('[18,2.5,1000]');
    expect(valueOf('STRING_COMPARISON_TYPE', 'isoneof', '["a&b"]')).toBe('["a\\u0026b"]');
    expect(valueOf('NUMBER_COMPARISON_TYPE', 'eq', '"1.50"')).toBe('1.50');
    expect(valueOf('BOOLEAN_COMPARISON_TYPE', '"true"', '"true"')).toBe('true');
    expect(valueOf('STRING_COMPARISON_TYPE', 'eq', '"007"')).toBe('007');
  });

  it('leaves out a segment Flipt cannot prepare (and says so)', () => {
    const { snapshots, warnings } = constraintValue('NUMBER_COMPARISON_TYPE', 'eq', 'abc');
    expect(snapshots.get('default')!.flags[0]!.rules![0]!.segments).toEqual([]);
    expect(warnings[0]!.message).toContain('segment "s"');
    expect(valueOf('DATETIME_COMPARISON_TYPE', 'lt', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
    expect(valueOf('DATETIME_COMPARISON_TYPE', 'lt', '2026-13-01')).toBeUndefined();
  });

  it('leaves out a segment defined in another document of the namespace (as Flipt does)', () => {
    const text = `segments:\n  - {key: s, name: S, match_type: ALL_MATCH_TYPE}\n---\nflags:\n  - key: f\n    name: F\n    rules:\n      - segment: s\n`;
    const { snapshots, warnings } = one(text);
    expect(snapshots.get('default')!.flags[0]!.rules![0]!.segments).toEqual([]);
    expect(warnings[0]!.message).toContain('defined in another document');
  });
});

describe('errors', () => {
  it('reports invalid YAML with line and column', () => {
    const e = errorOf(() => one('version: "1.6"\nflags:\n  - key: [x\n'));
    expect(e.file).toBe('features.yaml');
    expect(e.message).toMatch(/^features\.yaml:\d+:\d+: invalid YAML/);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  it('reports invalid JSON', () => {
    expect(errorOf(() => one('{"flags": [', 'f.json')).message).toMatch(/invalid JSON/);
  });

  it('rejects unsupported versions, unquoted versions, unknown fields and bad enums', () => {
    expect(errorOf(() => one('version: "2.0"\n')).message).toContain('unsupported version "2.0"');
    expect(errorOf(() => one('version: 1.6\n')).message).toContain('quoted string');
    expect(errorOf(() => one('flgas: []\n')).message).toContain('unknown field "flgas" (allowed: version, namespace, flags, segments)');
    expect(errorOf(() => one('flags:\n  - {key: f, name: F, type: SOMETHING}\n')).message).toContain('type must be one of');
    expect(errorOf(() => one('flags:\n  - {key: "bad key", name: F}\n')).line).toBe(2);
    expect(errorOf(() => one('flags:\n  - {key: f, name: F, rollouts: []}\n')).message).toContain('only allowed on BOOLEAN_FLAG_TYPE');
    expect(errorOf(() => one('segments:\n  - key: s\n    name: S\n    match_type: ALL_MATCH_TYPE\n    constraints:\n      - {type: STRING_COMPARISON_TYPE, property: p, operator: gt}\n')).message).toContain('operator for STRING_COMPARISON_TYPE');
  });

  it('names the file, namespace/flag, rule and missing reference', () => {
    const text = `namespace: ns\nflags:\n  - key: f\n    name: F\n    variants: [{key: a}]\n    rules:\n      - segment: s\n        distributions: [{variant: a, rollout: 100}]\n      - segment: s\n        distributions: [{variant: zz, rollout: 100}]\nsegments:\n  - {key: s, name: S, match_type: ALL_MATCH_TYPE}\n`;
    const e = errorOf(() => one(text, 'dir/features.yaml'));
    expect(e.message).toBe('dir/features.yaml:10:35: flag ns/f rule 2 references unknown variant "zz"');
    expect(e.toJSON()).toEqual({ file: 'dir/features.yaml', line: 10, column: 35, message: 'flag ns/f rule 2 references unknown variant "zz"' });
  });

  it('rejects unexpected extensions', () => {
    expect(errorOf(() => one('flags: []', 'flags.toml')).message).toContain('unexpected extension ".toml"');
  });
});
