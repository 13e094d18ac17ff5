/*
 * Wire types: the JSON a Flipt server returns from its snapshot endpoints
 * (`EvaluationNamespaceSnapshot` in proto-JSON), as far as evaluation reads it.
 * Fields Flipt sends but evaluation ignores (ids, ranks, timestamps) are allowed and kept.
 */

export type FlagType = 'VARIANT_FLAG_TYPE' | 'BOOLEAN_FLAG_TYPE';
export type SegmentOperator = 'OR_SEGMENT_OPERATOR' | 'AND_SEGMENT_OPERATOR';
export type SegmentMatchType = 'ALL_SEGMENT_MATCH_TYPE' | 'ANY_SEGMENT_MATCH_TYPE';
export type ConstraintComparisonType =
  | 'STRING_CONSTRAINT_COMPARISON_TYPE'
  | 'NUMBER_CONSTRAINT_COMPARISON_TYPE'
  | 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE'
  | 'DATETIME_CONSTRAINT_COMPARISON_TYPE'
  | 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE';

/** A namespace snapshot as served by Flipt (v1 and v2 endpoints) or the Flagcast relay. */
export interface Snapshot {
  namespace: { key: string; name?: string | null; [extra: string]: unknown };
  flags: SnapshotFlag[];
  /** Content digest (the snapshot endpoint's ETag); usually 40 hex characters. */
  digest?: string;
  [extra: string]: unknown;
}

export interface SnapshotFlag {
  key: string;
  name: string;
  /** Missing, `null` or an unknown value means a variant flag. */
  type?: FlagType | (string & {}) | null;
  description?: string | null;
  enabled: boolean;
  rules?: SnapshotRule[] | null;
  rollouts?: SnapshotRollout[] | null;
  defaultVariant?: SnapshotVariant | null;
  [extra: string]: unknown;
}

export interface SnapshotVariant {
  id: string;
  key: string;
  /** JSON text; `"null"` when a file-backed variant has none. */
  attachment?: string | null;
  [extra: string]: unknown;
}

export interface SnapshotRule {
  /** Unknown values mean OR. */
  segmentOperator: SegmentOperator | (string & {});
  segments?: SnapshotSegment[] | null;
  distributions: SnapshotDistribution[];
  [extra: string]: unknown;
}

export interface SnapshotDistribution {
  variantKey: string;
  /** Percentage; normalised to the rule's total. Zero or negative drops the distribution. */
  rollout: number;
  variantAttachment?: string | null;
  [extra: string]: unknown;
}

export interface SnapshotSegment {
  key: string;
  /** Unknown values mean ANY. */
  matchType: SegmentMatchType | (string & {});
  constraints: SnapshotConstraint[];
  [extra: string]: unknown;
}

export interface SnapshotConstraint {
  /** Unknown values make the constraint (and an ALL segment) never match. */
  type: ConstraintComparisonType | (string & {});
  property: string;
  operator: string;
  value: string;
  [extra: string]: unknown;
}

export interface SnapshotRollout {
  description?: string | null;
  segment?: SnapshotRolloutSegment | null;
  threshold?: SnapshotRolloutThreshold | null;
  [extra: string]: unknown;
}

export interface SnapshotRolloutSegment {
  segmentOperator?: SegmentOperator | (string & {}) | null;
  value: boolean;
  segments: SnapshotSegment[];
  [extra: string]: unknown;
}

export interface SnapshotRolloutThreshold {
  percentage: number;
  value: boolean;
  [extra: string]: unknown;
}

/* Requests and results: the shapes `@flipt-io/flipt-client-js` uses. */

/** Evaluation context: property name to string value. */
export type EvaluationContext = Record<string, string>;

export interface EvaluationRequest {
  flagKey: string;
  entityId: string;
  context: EvaluationContext;
}

export type EvaluationReason =
  | 'MATCH_EVALUATION_REASON'
  | 'DEFAULT_EVALUATION_REASON'
  | 'FLAG_DISABLED_EVALUATION_REASON'
  | 'UNKNOWN_EVALUATION_REASON';

export type ErrorEvaluationReason = 'NOT_FOUND_ERROR_EVALUATION_REASON' | 'UNKNOWN_ERROR_EVALUATION_REASON';

/**
 * Result of a variant evaluation. Results are frozen and shared: the same outcome for the
 * same flag returns the same object, so `===` tells whether a result changed.
 */
export interface VariantEvaluationResponse {
  readonly match: boolean;
  readonly segmentKeys: readonly string[];
  readonly reason: EvaluationReason;
  readonly flagKey: string;
  readonly variantKey: string;
  /** JSON text of the variant's attachment; absent when the variant has none. */
  readonly variantAttachment?: string;
}

/** Result of a boolean evaluation (frozen and shared, like variant results). */
export interface BooleanEvaluationResponse {
  readonly enabled: boolean;
  readonly flagKey: string;
  readonly reason: EvaluationReason;
  readonly segmentKeys: readonly string[];
}

export interface ErrorEvaluationResponse {
  readonly flagKey: string;
  readonly namespaceKey: string;
  readonly reason: ErrorEvaluationReason;
}

export type EvaluationResponse =
  | { readonly type: 'VARIANT_EVALUATION_RESPONSE_TYPE'; readonly variantEvaluationResponse: VariantEvaluationResponse }
  | { readonly type: 'BOOLEAN_EVALUATION_RESPONSE_TYPE'; readonly booleanEvaluationResponse: BooleanEvaluationResponse }
  | { readonly type: 'ERROR_EVALUATION_RESPONSE_TYPE'; readonly errorEvaluationResponse: ErrorEvaluationResponse };

export interface BatchEvaluationResponse {
  responses: EvaluationResponse[];
}

/** A flag as `listFlags()` describes it. */
export interface FlagInfo {
  readonly key: string;
  readonly enabled: boolean;
  readonly type: FlagType;
  readonly description?: string;
  readonly defaultVariant?: { readonly id: string; readonly key: string; readonly attachment?: string };
}
