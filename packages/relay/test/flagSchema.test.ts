// Flipt's CUE schema (core/validation/flipt.cue), which Flipt applies to every flag document
// before building a snapshot: what it accepts and what it rejects, with the error pointing at
// the offending line. Whole files are in the corpus (convert.corpus.test.ts), Flipt's own in
// convert.samples.test.ts.
import { describe, expect, it } from 'vitest';
import { convertFlagFiles, FlagFileError } from '../src/index.js';

const convert = (text: string) => convertFlagFiles([{ name: 'features.yaml', contents: text }]);
function rejection(text: string): FlagFileError {
  try {
    convert(text);
  } catch (e) {
    if (e instanceof FlagFileError) return e;
    throw e;
  }
  throw new Error(`accepted, but Flipt's schema rejects:\n${text}`);
}

/** A valid document of `version` with one variant flag, one boolean flag and one segment; `edit` changes its text. */
function doc(version: string, edit: (text: string) => string = (t) => t): string {
  const booleanFlag = version === '1.0' ? '' : `  - key: bool\n    name: Bool\n    type: BOOLEAN_FLAG_TYPE\n    rollouts:\n      - threshold:\n          percentage: 50\n          value: true\n`;
  return edit(`version: "${version}"
namespace: ns
flags:
  - key: flag
    name: Flag
    enabled: true
    variants:
      - key: a
        attachment: {color: red}
    rules:
      - segment: seg
        distributions:
          - variant: a
            rollout: 100
${booleanFlag}segments:
  - key: seg
    name: Seg
    match_type: ALL_MATCH_TYPE
    constraints:
      - type: STRING_COMPARISON_TYPE
        property: plan
        operator: eq
        value: pro
`);
}

describe('accepted', () => {
  it.each(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6'])('a complete document of version %s', (version) => {
    expect(convert(doc(version)).snapshots.get('ns')!.flags.map((f) => f.key)).toEqual(version === '1.0' ? ['flag'] : ['flag', 'bool']);
  });

  it('optional parts: no version (1.6), no flags or segments, null descriptions and operators, empty lists', () => {
    expect(() => convert('namespace: ns\n')).not.toThrow();
    expect(() =>
      convert(`flags:
  - key: f
    name: F
    description: ~
    variants: []
    rules:
      - segment: {keys: [s], operator: ~}
        rank: 1
segments:
  - {key: s, name: S, match_type: ANY_MATCH_TYPE, description: null, constraints: []}
`),
    ).not.toThrow();
  });

  it('metadata and default variants from 1.3; one-of values as a JSON string before 1.6, as a list from 1.6', () => {
    const extras = (t: string) => t.replace('    enabled: true\n', '    enabled: true\n    metadata: {team: growth, tier: 1}\n').replace('attachment: {color: red}', 'default: true');
    expect(() => convert(doc('1.3', extras))).not.toThrow();
    const oneOf = (value: string) => (t: string) => t.replace('operator: eq\n        value: pro', `operator: isoneof\n        value: ${value}`);
    expect(() => convert(doc('1.5', oneOf(`'["pro", "team"]'`)))).not.toThrow();
    expect(() => convert(doc('1.6', oneOf('[pro, team]')))).not.toThrow();
    const numbers = (t: string) => t.replace('type: STRING_COMPARISON_TYPE\n        property: plan\n        operator: eq\n        value: pro', 'type: NUMBER_COMPARISON_TYPE\n        property: age\n        operator: isnotoneof\n        value: [13, 14.5]');
    expect(() => convert(doc('1.6', numbers))).not.toThrow();
  });

  it('rollouts: a segment by key or keys with operator and value, a threshold, or only a description', () => {
    const rollouts = (t: string) =>
      t.replace(
        '      - threshold:\n          percentage: 50\n          value: true\n',
        '      - segment: {key: seg, value: true}\n      - segment: {keys: [seg], operator: AND_SEGMENT_OPERATOR}\n      - threshold: {percentage: 12.5}\n      - description: nothing\n',
      );
    expect(convert(doc('1.6', rollouts)).snapshots.get('ns')!.flags[1]!.rollouts).toHaveLength(4);
  });
});

describe('rejected, as Flipt rejects them', () => {
  const cases: [string, string, (text: string) => string, RegExp, number?][] = [
    // every mapping is closed
    ['an unknown flag field', '1.6', (t) => t.replace('    enabled: true\n', '    enabled: true\n    enabeld: false\n'), /flag "flag": unknown field "enabeld" \(allowed: key, name, description, enabled, variants, rules, type, rollouts, metadata\)/, 7],
    ['an unknown variant field', '1.6', (t) => t.replace('      - key: a\n', '      - key: a\n        label: A\n'), /flag "flag" variant 1: unknown field "label"/],
    ['a rule description', '1.6', (t) => t.replace('      - segment: seg\n', '      - segment: seg\n        description: x\n'), /flag "flag" rule 1: unknown field "description"/],
    ['an unknown distribution field', '1.6', (t) => t.replace('            rollout: 100\n', '            rollout: 100\n            weight: 1\n'), /distribution 1: unknown field "weight"/],
    ['an unknown threshold field', '1.6', (t) => t.replace('          value: true\n', '          value: true\n          seed: 1\n'), /threshold: unknown field "seed"/],
    ['an unknown segment field', '1.6', (t) => t.replace('    match_type: ALL_MATCH_TYPE\n', '    match_type: ALL_MATCH_TYPE\n    matchType: ALL\n'), /segment "seg": unknown field "matchType"/],
    ['an unknown constraint field', '1.6', (t) => t.replace('        value: pro\n', '        value: pro\n        values: [pro]\n'), /constraint 1: unknown field "values"/],
    ['an unknown namespace field', '1.6', (t) => t.replace('namespace: ns\n', 'namespace: {key: ns, owner: me}\n'), /namespace: unknown field "owner"/],
    ['a key in a rule segment mapping', '1.6', (t) => t.replace('      - segment: seg\n', '      - segment: {key: seg}\n'), /rule 1 segment: unknown field "key" \(allowed: keys, operator\)/],
    // required fields
    ['a flag without a name', '1.6', (t) => t.replace('    name: Flag\n', ''), /flag "flag" needs name/],
    ['a segment without a name', '1.6', (t) => t.replace('    name: Seg\n', ''), /segment "seg" needs name/],
    ['a segment without match_type', '1.6', (t) => t.replace('    match_type: ALL_MATCH_TYPE\n', ''), /segment "seg" needs match_type/],
    ['a distribution without a rollout', '1.6', (t) => t.replace('            rollout: 100\n', ''), /distribution 1 needs rollout/],
    ['a threshold without a percentage', '1.6', (t) => t.replace('          percentage: 50\n', ''), /threshold needs percentage/],
    ['a one-of constraint without a value', '1.6', (t) => t.replace('operator: eq\n        value: pro', 'operator: isoneof'), /constraint 1 needs value/],
    // types: YAML's own, no Go-style conversions
    ['enabled: yes', '1.6', (t) => t.replace('enabled: true', 'enabled: yes'), /enabled must be true or false \(got "yes"\)/, 6],
    ['enabled: null', '1.6', (t) => t.replace('enabled: true', 'enabled: ~'), /enabled must be true or false \(got null\)/],
    ['flags: with nothing', '1.6', (t) => t.replace(/flags:[\s\S]*segments:/, 'flags:\nsegments:'), /flags must be a list \(got null\)/],
    ['a constraint value that is a number', '1.6', (t) => t.replace('value: pro', 'value: 5'), /value must be a string \(got 5, not a string: quote it\)/],
    ['a boolean operator written as a YAML boolean', '1.6', (t) => t.replace('type: STRING_COMPARISON_TYPE\n        property: plan\n        operator: eq\n        value: pro', 'type: BOOLEAN_COMPARISON_TYPE\n        property: beta\n        operator: true'), /operator for BOOLEAN_COMPARISON_TYPE must be one of true, false, present, notpresent \(got true, not a string: quote it\)/],
    ['a rollout given as a string', '1.6', (t) => t.replace('            rollout: 100', '            rollout: "100"'), /rollout must be a number \(got "100"\)/],
    ['a rank that is not an integer', '1.6', (t) => t.replace('      - segment: seg\n', '      - segment: seg\n        rank: 1.0\n'), /rank must be an integer/],
    ['an empty name', '1.6', (t) => t.replace('name: Flag', 'name: ""'), /flag "flag" name must be a non-empty single line/],
    ['a name over two lines', '1.6', (t) => t.replace('name: Flag', 'name: "Fl\\nag"'), /flag "flag" name must be a non-empty single line/],
    ['a scalar attachment', '1.6', (t) => t.replace('attachment: {color: red}', 'attachment: red'), /attachment must be a mapping, a list or null/],
    ['metadata with a null value', '1.6', (t) => t.replace('    enabled: true\n', '    enabled: true\n    metadata: {team: ~}\n'), /metadata\.team must not be null/],
    ['a flag key with a space', '1.6', (t) => t.replace('key: flag', 'key: "my flag"'), /key must match/],
    // version gates
    ['a flag type in 1.0', '1.0', (t) => t.replace('    enabled: true\n', '    type: VARIANT_FLAG_TYPE\n    enabled: true\n'), /type needs version "1.1" or later \(this document is version "1.0"\)/],
    ['metadata in 1.2', '1.2', (t) => t.replace('    enabled: true\n', '    enabled: true\n    metadata: {team: growth}\n'), /metadata needs version "1.3" or later/],
    ['a default variant in 1.2', '1.2', (t) => t.replace('attachment: {color: red}', 'default: true'), /default needs version "1.3" or later/],
    ['a one-of list before 1.6', '1.5', (t) => t.replace('operator: eq\n        value: pro', 'operator: isoneof\n        value: [pro]'), /value \(before version 1.6, a JSON list in a string\) must be a string \(got a list\)/],
    ['a one-of string from 1.6', '1.6', (t) => t.replace('operator: eq\n        value: pro', `operator: isoneof\n        value: '["pro"]'`), /value \(from version 1.6, a list\) must be a list/],
    ['strings in a number one-of list', '1.6', (t) => t.replace('type: STRING_COMPARISON_TYPE\n        property: plan\n        operator: eq\n        value: pro', 'type: NUMBER_COMPARISON_TYPE\n        property: age\n        operator: isoneof\n        value: ["13"]'), /value item 1 must be a number/],
    // shapes
    ['rollouts on a variant flag', '1.6', (t) => t.replace('    enabled: true\n', '    enabled: true\n    rollouts: []\n'), /flag "flag" is a variant flag: rollouts are only allowed on BOOLEAN_FLAG_TYPE flags/],
    ['a rollout with a segment and a threshold', '1.6', (t) => t.replace('      - threshold:\n', '      - segment: {key: seg}\n        threshold:\n'), /rollout 1 is either a segment rollout or a threshold rollout, not both/],
    ['a rollout segment with key and keys', '1.6', (t) => t.replace('      - threshold:\n          percentage: 50\n          value: true\n', '      - segment: {key: seg, keys: [seg]}\n'), /takes either key or keys, not both/],
    ['a rule segment given as a list', '1.6', (t) => t.replace('      - segment: seg\n', '      - segment: [seg]\n'), /rule 1 segment \(a segment key, or \{keys, operator\}\) must be a string \(got a list\)/],
    ['an operator a type does not have', '1.6', (t) => t.replace('operator: eq', 'operator: gt'), /operator for STRING_COMPARISON_TYPE must be one of eq, neq/],
    ['match_type spelled as in snapshots', '1.6', (t) => t.replace('match_type: ALL_MATCH_TYPE', 'match_type: ALL_SEGMENT_MATCH_TYPE'), /match_type must be one of ANY_MATCH_TYPE, ALL_MATCH_TYPE/],
  ];

  it.each(cases)('%s', (_name, version, edit, message, line) => {
    const text = doc(version, edit);
    expect(text).not.toBe(doc(version)); // the edit applied
    const error = rejection(text);
    expect(error.message).toMatch(message);
    expect(error.file).toBe('features.yaml');
    expect(error.line).toBeGreaterThan(0);
    if (line !== undefined) expect(error.line).toBe(line);
  });
});
