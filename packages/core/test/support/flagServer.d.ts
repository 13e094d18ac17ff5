import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
export type Dialect = 'flipt' | 'relay';
export type RequestKind = 'snapshot' | 'stream' | 'other';
/** `whole`: one write per event; `awkward`: split inside CRLF, field names and UTF-8 sequences; a number: fixed-size pieces. */
export type Chunking = 'whole' | 'awkward' | number;
export interface FlagServerOptions {
    dialect?: Dialect;
    /** Heartbeat comment (`: ping`) interval on open streams; 0 = none (Flipt). Default 0. */
    heartbeatMs?: number;
    /** Send no headers until the first event (Flipt). Default: true for `flipt`, false for `relay`. */
    holdHeaders?: boolean;
    /** Required `Authorization` header value (e.g. `Bearer secret`); null = no auth. */
    authorization?: string | null;
    /** Line ending used in SSE output. Default `\n`. */
    lineEnding?: '\n' | '\r\n' | '\r';
    /** How each SSE write is cut into socket writes. Default `whole`. */
    chunking?: Chunking;
    /** Bytes sent before anything else on every stream (a BOM, a `retry:` line, padding). */
    preamble?: string;
}
export interface RecordedRequest {
    readonly id: number;
    readonly kind: RequestKind;
    readonly method: string;
    /** Full URL as received (path and query). */
    readonly url: URL;
    /** The raw request target, exactly as the client sent it. */
    readonly rawUrl: string;
    readonly headers: IncomingHttpHeaders;
    readonly environment: string | undefined;
    readonly namespace: string | undefined;
    /** Status written, once headers are sent. */
    status: number | undefined;
    /** The connection is gone (either side). */
    closed: boolean;
    /** The client hung up before the server finished the response. */
    abortedByClient: boolean;
    /** The server destroyed it on purpose (`killStreams`). */
    killedByServer: boolean;
}
/** Replaces the default handling of one request. */
export type Override = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, server: FlagServer) => void | Promise<void>;
/** Starts a server on 127.0.0.1 with a random port. */
export declare function startFlagServer(options?: FlagServerOptions): Promise<FlagServer>;
export declare class FlagServer {
    dialect: Dialect;
    holdHeaders: boolean;
    authorization: string | null;
    lineEnding: '\n' | '\r\n' | '\r';
    chunking: Chunking;
    preamble: string;
    /** Every request received, in order. */
    readonly requests: RecordedRequest[];
    /** `http://127.0.0.1:<port>` (no trailing slash). */
    url: string;
    private readonly http;
    private readonly sockets;
    private readonly entries;
    private readonly streams;
    private readonly overrides;
    private readonly held;
    private holding;
    private heartbeat;
    private readonly changes;
    private nextId;
    private closing;
    constructor(options?: FlagServerOptions);
    /** @internal used by startFlagServer */
    listen(): Promise<void>;
    /** Snapshot path for an environment and namespace. */
    snapshotPath(namespace?: string, environment?: string): string;
    streamPath(namespace?: string, environment?: string): string;
    /**
     * Serves `snapshot` (its `digest` is the ETag) and notifies every open stream of that
     * namespace whose digest differs, as Flipt and the relay do.
     */
    setSnapshot(snapshot: {
        digest?: unknown;
    }, where?: {
        namespace?: string;
        environment?: string;
    }): void;
    /** The current ETag served for a namespace. */
    etag(namespace?: string, environment?: string): string | undefined;
    /** The next `times` requests of `kind` are handled by `handler` instead of the server. */
    override(kind: RequestKind | 'any', handler: Override, times?: number): void;
    /**
     * The next `times` requests of `kind` get `status`. Stream errors come the way Flipt sends
     * them: an HTTP status with an SSE `error` event as body (gRPC code 16 for 401, 7 for 403).
     */
    failNext(kind: RequestKind | 'any', status: number, times?: number): void;
    /** The next `times` requests of `kind` get their headers only after `ms`; then normal handling. */
    delayNext(kind: RequestKind | 'any', ms: number, times?: number): void;
    /** Holds every new request of `kind` (no headers, no body) until `release()`. */
    hold(kind?: RequestKind | 'any'): void;
    /** Stops holding and handles the held requests normally (those still connected). */
    release(): void;
    get heldCount(): number;
    startHeartbeats(ms: number): void;
    /** Stops heartbeat comments; open streams stay open and silent. */
    stopHeartbeats(): void;
    /** Open (not yet closed) stream connections. */
    get openStreams(): number;
    /** Writes raw text to every open stream (headers are sent first if held). */
    sendRaw(text: string | Buffer, where?: {
        namespace?: string;
        environment?: string;
    }): Promise<void>;
    /** Sends one SSE event whose `data` is `data` (JSON-encoded unless already a string). */
    sendEvent(data: unknown, where?: {
        namespace?: string;
        environment?: string;
        id?: string;
    }): Promise<void>;
    /** Sends a Flipt `refetchEvaluation` notification for `etag` (whatever the server holds). */
    notify(etag: string, where?: {
        namespace?: string;
        environment?: string;
    }): Promise<void>;
    /** Sends the relay's inline form with any snapshot (valid or not) and etag. */
    sendInline(snapshot: unknown, etag: string, where?: {
        namespace?: string;
        environment?: string;
    }): Promise<void>;
    /** Sends a Flipt SSE `error` event on every open stream (connections stay open). */
    sendErrorEvent(code: number, message: string): Promise<void>;
    /**
     * Kills every open stream: writes `partial` first (e.g. half an event), then destroys the
     * socket without ending the response (a server dying mid-stream). Resolves once all are closed.
     */
    killStreams(partial?: string): Promise<void>;
    /** Ends every open stream cleanly (the response completes). */
    endStreams(): Promise<void>;
    /**
     * Streams one never-ending `data:` line of `x`s to every open stream, `chunkBytes` at a time,
     * until the client hangs up or `maxBytes` were written (then the event is terminated).
     * Resolves with the bytes written and whether the client hung up first.
     */
    sendOversized(maxBytes: number, chunkBytes?: number): Promise<{
        bytes: number;
        closedByClient: boolean;
    }>;
    requestsOf(kind: RequestKind): RecordedRequest[];
    count(kind: RequestKind | 'any'): number;
    /** Resolves when `predicate` holds, re-checking on every server-side change; rejects after `timeout` ms. */
    waitFor(predicate: () => boolean, { timeout, message }?: {
        timeout?: number;
        message?: string;
    }): Promise<void>;
    /** Waits until `n` requests of `kind` have arrived; returns the n-th. */
    waitForRequest(kind: RequestKind, n?: number, timeout?: number): Promise<RecordedRequest>;
    /** One line per request, for failure messages. */
    describe(): string;
    /** Ends every stream and timer, drops every socket, stops listening. */
    close(): Promise<void>;
    private emitChange;
    private handle;
    /** What the server normally does with a request (Flipt's behaviour, per dialect). */
    defaultHandle(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void;
    private sendEntry;
    private ensureHeaders;
    /** Queues `text` on a stream, cut according to `chunking`; resolves when written. */
    private write;
    private sendError;
}
/**
 * Cuts bytes for writing. `awkward` cuts between CR and LF, inside `data:` (after `da` and
 * before the space), inside every multi-byte UTF-8 sequence and right after every `\n`.
 */
export declare function split(bytes: Buffer, chunking: Chunking): Buffer[];
