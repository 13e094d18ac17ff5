export * from './convert/index.js';
export { createRelay, type Relay, type RelayOptions } from './createRelay.js';
export { createLogger, type Logger, type LogLevel } from './shared/logger.js';
export type { Source, SourceState, SourceUpdate, UpstreamNamespaceState, UpstreamState } from './sources/source.js';
export { FileSource, type FileSourceOptions } from './sources/fileSource.js';
export { UpstreamSource, type UpstreamSourceOptions } from './sources/upstreamSource.js';
