export type OracleResult<T = unknown> = {
    ok: true;
    value: T;
} | {
    ok: false;
    error: string;
    fatal: boolean;
};
export interface Oracle {
    readonly loaded: true;
    readonly namespace: string;
    evaluateVariant(request: unknown): OracleResult;
    evaluateBoolean(request: unknown): OracleResult;
    evaluateBatch(requests: unknown): OracleResult;
    listFlags(): OracleResult;
    /** Stops the client (no-op for timers, as none are started) and frees the WASM engine. */
    close(): void;
}
export declare class OracleLoadError extends Error {
    readonly reason: string;
    constructor(reason: string);
}
export type OracleLoad = {
    loaded: true;
    oracle: Oracle;
} | {
    loaded: false;
    error: string;
};
/** Removes `timestamp` and `requestDurationMillis` at any depth (and drops undefined fields). */
export declare function stripVolatile(value: unknown): unknown;
/** Sets an own enumerable property, even for keys such as `__proto__`. */
export declare function defineOwn(obj: Record<string, unknown>, key: string, value: unknown): void;
/**
 * Canonical form for comparison: `segmentKeys` arrays are sorted (Flipt keeps segments in a
 * Rust HashMap, so their order is arbitrary), fields whose value is `undefined` are dropped.
 * Apply to results of evaluateVariant / evaluateBoolean / evaluateBatch.
 */
export declare function normalize<T>(value: T): T;
/** Canonical form of a listFlags result: flags sorted by key (Flipt's order is HashMap order). */
export declare function normalizeFlags<T>(flags: T): T;
/**
 * Loads `snapshot` (sent as JSON, exactly like an HTTP response body) into a fresh oracle
 * client. Never throws: a snapshot Flipt rejects gives `{loaded:false, error}`.
 */
export declare function loadOracle(snapshot: unknown): Promise<OracleLoad>;
/** Like loadOracle, but rejects with OracleLoadError when Flipt cannot load the snapshot. */
export declare function createOracle(snapshot: unknown): Promise<Oracle>;
