/*
 * Flipt's own sample flag files (/work/shared/flipt-features, see its README): which load,
 * which are rejected and why, and per loading sample the evaluation contexts that drive each
 * constraint both ways (matching, not matching, missing, empty, unparsable).
 */
import { fileURLToPath } from 'node:url';

export const FEATURES_DIR = fileURLToPath(new URL('../../../../../shared/flipt-features/', import.meta.url));
export const CORE_SAMPLES_DIR = fileURLToPath(new URL('../../../core/test/fixtures/samples/', import.meta.url));

export type Context = Record<string, string>;

/** Entity ids: the ones the files name, plus enough others to land in every bucket. */
export const ENTITY_IDS = [
  'user-1',
  'user-2',
  'user-3',
  '123',
  'test_user',
  ...Array.from({ length: 40 }, (_, i) => `entity-${i}`),
  '9f2c1a7e-42d3-4b8a-a1f0-0d3c5e6b7a81',
  'ünïcödé',
];

/** The samples Flipt's file backend loads, with their contexts. */
export const LOADING: Record<string, Context[]> = {
  // ALL of: org isoneof [org-a,org-b,org-c]; age (number) isoneof [18,21,65];
  // country isnotoneof [US,UK]; env eq production
  'isoneof-features_1_6.yaml': [
    { org: 'org-a', age: '18', country: 'DE', env: 'production' },
    { org: 'org-c', age: '65', country: 'FR', env: 'production' },
    { org: 'org-b', age: '+21', country: 'SE', env: 'production' },
    { org: 'org-d', age: '18', country: 'DE', env: 'production' },
    { org: 'ORG-A', age: '18', country: 'DE', env: 'production' },
    { org: 'org-a', age: '19', country: 'DE', env: 'production' },
    { org: 'org-a', age: '18.0', country: 'DE', env: 'production' },
    { org: 'org-a', age: 'eighteen', country: 'DE', env: 'production' },
    { org: 'org-a', age: '', country: 'DE', env: 'production' },
    { org: 'org-a', age: '18', country: 'US', env: 'production' },
    { org: 'org-a', age: '18', country: 'UK', env: 'production' },
    { org: 'org-a', age: '18', country: '', env: 'production' },
    { org: 'org-a', age: '18', env: 'production' },
    { org: 'org-a', age: '18', country: 'DE', env: 'staging' },
    { org: 'org-a', age: '18', country: 'DE' },
    {},
  ],
  // ANY of: foo eq baz; fizz neq buzz
  'production-features.yaml': [
    { foo: 'baz' },
    { foo: 'baz', fizz: 'buzz' },
    { fizz: 'fizz' },
    { fizz: 'buzz' },
    { foo: 'bar', fizz: 'buzz' },
    { foo: 'bar' },
    { foo: '', fizz: '' },
    { foo: 'BAZ', fizz: 'buzz' },
    {},
  ],
  // ANY of: org isoneof; country isnotoneof [US,UK]; age isoneof [18,21,65];
  // entity id isoneof [user-1,user-2]; env eq production. The rule has no distributions.
  'testdata-valid_constraint_list_values.yaml': [
    { org: 'org-b', country: 'US', age: '30', env: 'dev' },
    { org: 'org-z', country: 'DE', age: '30', env: 'dev' },
    { org: 'org-z', country: 'UK', age: '21', env: 'dev' },
    { org: 'org-z', country: 'UK', age: '22', env: 'production' },
    { org: 'org-z', country: 'UK', age: '22', env: 'dev' },
    { org: 'org-z', country: 'US', age: 'x', env: 'dev' },
    { country: 'US' },
    {},
  ],
  // variant flag: ALL of user_id eq "123", 50/50; boolean flag: 50% threshold
  'testdata-valid_null_descriptions.yaml': [{ user_id: '123' }, { user_id: '1234' }, { user_id: '' }, { other: '123' }, {}],
  // ALL segment with no constraints: everyone matches; 50/50 split
  'testdata-valid_variant_flag_without_rollouts.yaml': [{}, { user_id: 'anyone' }],
  // ANY of: user_id eq test_user. Variant: rollouts 0/100. Boolean: 0%, 0.0%, 50% thresholds
  // then a segment rollout with value false.
  'testdata-valid_zero_values.yaml': [{ user_id: 'test_user' }, { user_id: 'other_user' }, { user_id: '' }, {}],
};

/** The samples Flipt rejects: where (line) and what the error must name. */
export const REJECTED: Record<string, { line: number; mentions: string[] }> = {
  'testdata-valid.yaml': { line: 27, mentions: ['foo/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  'testdata-valid_v1.yaml': { line: 16, mentions: ['default/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  'testdata-valid_segments_v2.yaml': { line: 21, mentions: ['default/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  'testdata-valid_default_variant_v3.yaml': { line: 17, mentions: ['default/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  'testdata-valid_metadata_v3.yaml': { line: 17, mentions: ['default/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  'testdata-valid_yaml_stream.yaml': { line: 18, mentions: ['default/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  'testdata-valid_namespace_details_v4.yaml': { line: 20, mentions: ['default/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  // Schema-invalid: the first problem reported is the out-of-range rollout.
  'testdata-invalid.yaml': { line: 22, mentions: ['flag "flipt" rule 2', 'rollout must be between 0 and 100', '110'] },
  'testdata-invalid_yaml_stream.yaml': { line: 16, mentions: ['default/flipt', 'rule 1', 'unknown variant "fromFlipt"'] },
  'testdata-import_with_attachment.yml': { line: 38, mentions: ['default/flag2', 'rollout 1', 'unknown segment "internal_users"'] },
  'testdata-import_rule_multiple_segments.yml': { line: 40, mentions: ['default/flag2', 'rollout 1', 'unknown segment "internal_users"'] },
  'testdata-import_implicit_rule_rank.yml': { line: 37, mentions: ['default/flag2', 'rollout 1', 'unknown segment "internal_users"'] },
  'testdata-import_two_namespaces_default_and_foo.yml': { line: 39, mentions: ['foo/flag2', 'rollout 1', 'unknown segment "internal_users"'] },
  'testdata-import_invalid_version.yml': { line: 1, mentions: ['unsupported version "5.0"', '1.6'] },
};
