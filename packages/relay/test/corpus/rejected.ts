/*
 * The corpus entries the relay must refuse (files or directories under rejects/), each with the
 * exact error it must give: the message starts with `file:line:column`, the file relative to
 * rejects/.
 */
import { fileURLToPath } from 'node:url';

export const REJECTS_DIR = fileURLToPath(new URL('./rejects/', import.meta.url));

export const REJECTED: Record<string, string> = {
  // Broken references (Flipt's snapshot builder).
  'unknown-variant.yaml': 'unknown-variant.yaml:15:22: flag shop/banner rule 1 references unknown variant "blue"',
  'unknown-rule-segment.yaml': 'unknown-rule-segment.yaml:10:18: flag default/banner rule 1 references unknown segment "vip"',
  'unknown-rollout-segment.yaml': 'unknown-rollout-segment.yaml:12:11: flag shop/free-shipping rollout 2 references unknown segment "big-spenders"',
  'second-namespace-broken.yaml': 'second-namespace-broken.yaml:14:35: flag beta/broken rule 1 references unknown variant "hidden"',
  'broken-directory': 'broken-directory/more/bad.features.yaml:9:18: flag fine/not-ok rollout 1 references unknown segment "ghosts"',
  // Versions and fields newer than the document's version.
  'unsupported-version.yaml': 'unsupported-version.yaml:1:10: unsupported version "2.0" (supported: 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6)',
  'unquoted-version.yaml': 'unquoted-version.yaml:2:10: version must be a quoted string such as "1.6" (supported: 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6)',
  'type-before-1.1.yaml': 'type-before-1.1.yaml:6:5: flag "kill-switch": type needs version "1.1" or later (this document is version "1.0")',
  'metadata-before-1.3.yaml': 'metadata-before-1.3.yaml:6:5: flag "banner": metadata needs version "1.3" or later (this document is version "1.2")',
  'default-variant-before-1.3.yaml': 'default-variant-before-1.3.yaml:9:9: flag "banner" variant 2: default needs version "1.3" or later (this document is version "1.2")',
  'list-value-before-1.6.yaml': 'list-value-before-1.6.yaml:11:16: segment "nordics" constraint 1 value (before version 1.6, a JSON list in a string) must be a string (got a list)',
  // The schema: shapes, names, enums, ranges.
  'document-is-a-list.yaml': 'document-is-a-list.yaml:1:1: a flag document must be a mapping with version, namespace, flags and segments',
  'unknown-field.yaml': 'unknown-field.yaml:3:1: the document: unknown field "segmnets" (allowed: version, namespace, flags, segments)',
  'flags-null.yaml': 'flags-null.yaml:3:7: flags must be a list (got null)',
  'missing-flag-name.yaml': 'missing-flag-name.yaml:3:5: flag "banner" needs name',
  'key-with-spaces.yaml': 'key-with-spaces.yaml:3:10: flag "summer sale" key must match ^[-_,A-Za-z0-9]+$ (got "summer sale")',
  'enabled-not-boolean.yaml': 'enabled-not-boolean.yaml:6:14: flag "banner" enabled must be true or false (got "yes")',
  'null-metadata-value.yaml': 'null-metadata-value.yaml:7:16: flag "banner" metadata.reviewer must not be null',
  'rollouts-on-variant-flag.yaml': 'rollouts-on-variant-flag.yaml:9:7: flag "banner" is a variant flag: rollouts are only allowed on BOOLEAN_FLAG_TYPE flags',
  'rollout-over-100.yaml': 'rollout-over-100.yaml:11:22: flag "banner" rule 1 distribution 1 rollout must be between 0 and 100 (got 120)',
  'rank-not-integer.yaml': 'rank-not-integer.yaml:7:15: flag "banner" rule 1 rank must be an integer (got 1.5)',
  'rollout-key-and-keys.yaml': 'rollout-key-and-keys.yaml:8:11: flag "beta" rollout 1 segment takes either key or keys, not both',
  'rollout-threshold-and-segment.yaml': 'rollout-threshold-and-segment.yaml:7:9: flag "beta" rollout 1 is either a segment rollout or a threshold rollout, not both',
  'unknown-segment-operator.yaml': 'unknown-segment-operator.yaml:6:43: flag "banner" rule 1 segment operator must be one of OR_SEGMENT_OPERATOR, AND_SEGMENT_OPERATOR (got "XOR_SEGMENT_OPERATOR")',
  'unknown-match-type.yaml': 'unknown-match-type.yaml:3:49: segment "everyone" match_type must be one of ANY_MATCH_TYPE, ALL_MATCH_TYPE (got "SOME_MATCH_TYPE")',
  'unknown-constraint-type.yaml':
    'unknown-constraint-type.yaml:7:16: segment "versions" constraint 1 type must be one of STRING_COMPARISON_TYPE, ENTITY_ID_COMPARISON_TYPE, NUMBER_COMPARISON_TYPE, BOOLEAN_COMPARISON_TYPE, DATETIME_COMPARISON_TYPE (got "SEMVER_COMPARISON_TYPE")',
  'operator-not-for-type.yaml': 'operator-not-for-type.yaml:8:73: segment "opted-in" constraint 1 operator for BOOLEAN_COMPARISON_TYPE must be one of true, false, present, notpresent (got "eq")',
  'number-list-of-words.yaml': 'number-list-of-words.yaml:11:21: segment "sizes" constraint 1 value item 2 must be a number (got "forty-one")',
  'scalar-attachment.yaml': 'scalar-attachment.yaml:8:21: flag "banner" variant 1 attachment must be a mapping, a list or null',
  // What Go's JSON encoder refuses.
  'attachment-non-string-keys.yaml': 'attachment-non-string-keys.yaml:7:9: flag default/tiers variant "by-level" attachment: a mapping with non-string keys cannot be encoded as JSON',
  // Files that do not parse, or are not flag files.
  'invalid-yaml.yaml': 'invalid-yaml.yaml:5:1: invalid YAML: Sequence item without - indicator',
  'invalid-yaml-in-stream.yaml': 'invalid-yaml-in-stream.yaml:9:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  'unknown-alias.yaml': 'unknown-alias.yaml:7:21: alias refers to an unknown anchor',
  'invalid.json': 'invalid.json:4:22: invalid JSON: Unexpected double-quoted-scalar token',
  'features.toml': 'features.toml: unexpected extension ".toml" (use .yaml, .yml or .json)',
};
