import type { Server } from 'node:http';
import type { Snapshot } from '@flagcast/core';
import type { Logger, LogLevel } from './shared/logger.js';
import { FileSource, type FileSourceOptions } from './sources/fileSource.js';
import type { Source, SourceState } from './sources/source.js';
import { UpstreamSource, type UpstreamSourceOptions } from './sources/upstreamSource.js';

export interface RelayOptions {
  /** A Flipt flag file or a directory of them (served as environment `default`). */
  file?: string;
  /**
   * A Flipt v2 server to follow (its stream, else ETag polling); the relay serves its namespaces
   * in its environment. `namespaces` defaults to `["default"]`, `environment` to `default`.
   */
  upstream?: Omit<UpstreamSourceOptions, 'logger'>;
  /** Further sources (a file source is added for `file`, an upstream source for `upstream`). */
  sources?: Source[];
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** When non-empty, flag endpoints need `Authorization: Bearer <one of these>`. */
  tokens?: string[];
  /**
   * Origins allowed by CORS to read the flag endpoints: listed ones are answered with their
   * origin and credentials; `*` allows any, answered `*` without credentials. Empty: no CORS
   * headers. `/healthz` and `/metrics` never answer CORS.
   */
  corsOrigins?: string[];
  /**
   * Serve `/healthz` and `/metrics` on this port (0 picks one) instead of with the flag
   * endpoints, which then answer 404 for them. Default: on the main port.
   */
  adminPort?: number;
  /** Interface of the admin port (default 127.0.0.1). */
  adminHost?: string;
  /** Time a client has to send complete request headers (default 15 000 ms). */
  headersTimeoutMs?: number;
  /**
   * Time a client has to send a whole request, and to take a whole non-stream response
   * (default 30 000 ms). Streams stay open. A request whose body is still arriving when it is
   * answered has its connection closed.
   */
  requestTimeoutMs?: number;
  /** Maximum open connections (streams included); further connections are refused. */
  maxConnections?: number;
  /** SSE heartbeat comment interval (default 15 000 ms). */
  heartbeatMs?: number;
  /** SSE `retry:` hint sent to clients (default 2 000 ms). */
  retryMs?: number;
  /** Unsent bytes after which a stream is dropped as too slow (default 1 MiB). */
  maxStreamBufferBytes?: number;
  /** Reload debounce for watched files (default 75 ms). */
  debounceMs?: number;
  /** Longest wait for changes to stop before reloading anyway (default 1 000 ms). */
  debounceMaxWaitMs?: number;
  /** Watch files for changes (default true). */
  watch?: boolean;
  /** How often watched files' identities are checked without events (default 2 000 ms). */
  watchPollMs?: number;
  /** A file written this recently is read twice that far apart before loading (default 50 ms). */
  settleMs?: number;
  /** Flag files larger than this are refused (default 8 MiB). */
  maxFileBytes?: number;
  /** Requests a `POST /evaluate/v1/batch` may hold; larger batches get 400 (default 1 000). */
  maxBatchItems?: number;
  /** Keys an OFREP bulk's `flags` context entry may list; longer lists get 400 (default 1 000). */
  maxOfrepFlags?: number;
  logLevel?: LogLevel;
  logger?: Logger;
}

export interface Relay {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** `http://host:port` of `/healthz` and `/metrics` when `adminPort` is set. */
  readonly adminUrl: string | undefined;
  /** Reloads every source now; resolves true when all loads succeeded. */
  reload(): Promise<boolean>;
  /** Current snapshot of a namespace, if served. */
  snapshot(namespace: string, environment?: string): Snapshot | undefined;
  /** Source states, as `/healthz` reports them. */
  sources(): SourceState[];
  /** Open stream count. */
  streams(): number;
  /** Stops accepting, ends every stream, closes sources. */
  close(): Promise<void>;
}

/** The FileSource options given in RelayOptions. */
function fileOptions(options: RelayOptions): Omit<FileSourceOptions, 'path' | 'logger'> {
  const keys = ['debounceMs', 'debounceMaxWaitMs', 'watch', 'settleMs', 'maxFileBytes'] as const;
  const out: Omit<FileSourceOptions, 'path' | 'logger'> = {};
  for (const key of keys) if (options[key] !== undefined) Object.assign(out, { [key]: options[key] });
  if (options.watchPollMs !== undefined) out.pollMs = options.watchPollMs;
  return out;
}

/** The relay's sources, in precedence order: upstream, file, then the ones given. */
export function relaySources(options: RelayOptions, logger: Logger): Source[] {
  const sources: Source[] = [...(options.sources ?? [])];
  if (options.file !== undefined) sources.unshift(new FileSource({ path: options.file, logger, ...fileOptions(options) }));
  if (options.upstream !== undefined) sources.unshift(new UpstreamSource({ ...options.upstream, logger }));
  return sources;
}
