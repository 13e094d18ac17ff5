/*
 * Flipt's own sample flag files (shared/flipt-features beside the repository, see its README): which load,
 * which are rejected and why, and per loading sample the evaluation contexts that drive each
 * constraint both ways (matching, not matching, missing, empty, unparsable).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Flipt's samples are reference material kept beside the repository (`../shared`), not in it
 * (they are Flipt's, under Flipt's licence). FLIPT_FEATURES_DIR points elsewhere. The
 * repository's own corpus (test/corpus) does not need them; they are an extra conformance suite.
 */
export const FEATURES_DIR = process.env['FLIPT_FEATURES_DIR']
  ? `${process.env['FLIPT_FEATURES_DIR'].replace(/\/+$/, '')}/`
  : fileURLToPath(new URL('../../../../../shared/flipt-features/', import.meta.url));
/** Whether the samples are there (their README lists them); without them the suite is skipped. */
export const FEATURES_FOUND = existsSync(`${FEATURES_DIR}README.md`);
export const CORE_SAMPLES_DIR = fileURLToPath(new URL('../../../core/test/fixtures/samples/', import.meta.url));

export type Context = Record<string, string>;

/** Entity ids and contexts per loading sample, shared with core's sample tests. */
const inputs = JSON.parse(readFileSync(`${CORE_SAMPLES_DIR}contexts.json`, 'utf8')) as {
  entityIds: string[];
  samples: Record<string, { contexts: Context[] }>;
};

/** Entity ids: the ones the files name, plus enough others to land in every bucket. */
export const ENTITY_IDS: string[] = inputs.entityIds;

/** The samples Flipt's file backend loads (all `.yaml`), with their contexts. */
export const LOADING: Record<string, Context[]> = Object.fromEntries(
  Object.entries(inputs.samples).map(([name, { contexts }]) => [`${name}.yaml`, contexts]),
);

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
