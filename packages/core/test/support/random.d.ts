/**
 * Seeded random generation of Flipt snapshots (proto-JSON, the shape of
 * `/internal/v1/evaluation/snapshot/namespace/{ns}` and the v2 snapshot endpoint) and of
 * evaluation requests, for differential testing against the oracle.
 *
 * Values come from small pools shared by constraints and contexts so that constraints
 * actually match; entity ids are partly chosen (via crc32, the hash Flipt buckets with) to land
 * on or next to distribution bucket boundaries and threshold percentages.
 */
/** mulberry32: small, fast, good enough for test generation; fully determined by the seed. */
export declare class Random {
    private state;
    constructor(seed: number);
    /** Uniform in [0, 1). */
    next(): number;
    /** Integer in [0, n). */
    int(n: number): number;
    /** Integer in [lo, hi]. */
    range(lo: number, hi: number): number;
    chance(p: number): boolean;
    pick<T>(items: readonly T[]): T;
    /** Picks by weight: `[[weight, value], ...]`. */
    weighted<T>(entries: readonly (readonly [number, T])[]): T;
    shuffle<T>(items: readonly T[]): T[];
}
/** Mixes a seed and an index into a new 32-bit seed (so sub-streams are reproducible). */
export declare function deriveSeed(seed: number, index: number): number;
/** crc32 of the UTF-8 encoding (lone surrogates become U+FFFD, as in Rust/WASM). */
export declare function crc32(s: string): number;
export type Json = null | boolean | number | string | Json[] | {
    [k: string]: Json;
};
export type JsonObject = {
    [k: string]: Json;
};
export interface EvalRequest {
    flagKey: string;
    entityId: string;
    context: Record<string, string>;
}
export type EvalCall = {
    kind: 'variant';
    request: EvalRequest;
} | {
    kind: 'boolean';
    request: EvalRequest;
} | {
    kind: 'batch';
    requests: EvalRequest[];
} | {
    kind: 'listFlags';
};
export declare const CONSTRAINT_TYPES: {
    readonly string: "STRING_CONSTRAINT_COMPARISON_TYPE";
    readonly number: "NUMBER_CONSTRAINT_COMPARISON_TYPE";
    readonly boolean: "BOOLEAN_CONSTRAINT_COMPARISON_TYPE";
    readonly datetime: "DATETIME_CONSTRAINT_COMPARISON_TYPE";
    readonly entityId: "ENTITY_ID_CONSTRAINT_COMPARISON_TYPE";
};
/**
 * A random snapshot `{namespace:{key}, flags:[...], digest?}`. About 7% carry a mutation that
 * usually makes Flipt reject the whole snapshot.
 */
export declare function randomSnapshot(rng: Random): JsonObject;
/**
 * `n` random calls against `snapshot` (evaluateVariant / evaluateBoolean / evaluateBatch /
 * listFlags). Each call counts as one evaluation per request it carries. About 1.5% are
 * invalid requests (which both engines must reject), batches sometimes contain blank keys
 * (valid in a batch).
 */
export declare function randomRequests(rng: Random, snapshot: unknown, n: number): EvalCall[];
/** The flag objects (every duplicate) a call refers to, for failure messages. */
export declare function flagsForCall(snapshot: unknown, call: EvalCall): unknown[];
