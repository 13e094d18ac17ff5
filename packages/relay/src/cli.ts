import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FlagFileError } from './convert/index.js';
import { createRelay, type RelayOptions } from './createRelay.js';
import { createLogger, type Logger, type LogLevel } from './shared/logger.js';
import { KEY_PATTERN } from './shared/keyPattern.js';

const HELP = `Usage: flagcast-relay (--file <path> | --upstream <flipt url>) [options]
       flagcast-relay types (--file <path> | --url <url>) [--out <file>]   (see types --help)

Serves Flipt's snapshot and streaming endpoints, from Flipt declarative flag files or by
following a Flipt v2 server (one upstream connection per namespace, fanned out to every client).

  --file <path>            flag file or directory of .yaml/.yml/.json files (symbolic links
                           followed, so a Kubernetes ConfigMap volume works)
  --max-file-size <size>   refuse flag files larger than this (bytes, or with k/m: 8m; default 8m)
  --upstream <url>         follow this Flipt (v2 or v1) or relay (its stream, else ETag polling)
  --upstream-token <t>     client token for the upstream ("Authorization: Bearer <t>");
                           default: $FLAGCAST_UPSTREAM_TOKEN
  --upstream-token-file <path>
                           read the upstream token from this file
  --upstream-jwt <jwt>     or a JWT for the upstream ("Authorization: JWT <jwt>");
                           default: $FLAGCAST_UPSTREAM_JWT
  --upstream-jwt-file <path>
                           read the upstream JWT from this file
  --upstream-namespace <ns>, --namespace <ns>
                           namespace to follow (repeatable; default "default")
  --upstream-environment <env>
                           Flipt environment to follow and serve (default "default")
  --upstream-poll-ms <ms>  snapshot polling interval when the stream is unavailable (default 10000)
  --port <n>               port (default 8787; 0 picks a free one)
  --host <addr>            interface (default 127.0.0.1)
  --admin-port <n>         serve /healthz and /metrics on this port only (0 picks one)
  --admin-host <addr>      interface of the admin port (default 127.0.0.1)
  --token <t>              require "Authorization: Bearer <t>" (repeatable); visible in the
                           process list: prefer --token-file or $FLAGCAST_TOKEN
  --token-file <path>      read tokens from this file, one a line (# comments allowed)
                           without --token or --token-file: $FLAGCAST_TOKEN (comma-separated)
  --cors-origin <origin>   let pages from this origin read the flags (repeatable); * allows any
                           origin, without credentials
  --max-connections <n>    refuse connections beyond n
  --max-batch-items <n>    evaluation items per batch request (default 1000)
  --max-ofrep-flags <n>    flag keys per OFREP bulk request (default 1000)
  --headers-timeout <s>    time a client has to send request headers (default 15)
  --request-timeout <s>    time a client has to send a request and take a non-stream answer
                           (default 30); streams stay open
  --heartbeat <seconds>    SSE heartbeat interval (default 15)
  --log-level <level>      debug | info | warn | error | silent (default info)
  --help                   show this help

Signals: SIGHUP reloads every source; SIGTERM and SIGINT stop the relay.
`;


/** A bad command line: printed with the help, exit code 2. */
class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
  return n;
}

/** `12345`, `512k`, `8m` (binary units), as bytes. */
function size(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*(k|kb|kib|m|mb|mib)?$/i.exec(value.trim());
  if (!m || Number(m[1]) === 0) throw new UsageError(`--${name} must be a size in bytes, or with k or m (got ${JSON.stringify(value)})`);
  const unit = (m[2] ?? '').toLowerCase().charAt(0);
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}

/** A secret's file: its text without surrounding whitespace; never empty. */
function readSecret(flag: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
  if (!text.trim()) throw new UsageError(`--${flag}: ${path} is empty`);
  return text.trim();
}

/** The relay's client tokens: --token and --token-file, else $FLAGCAST_TOKEN. */
function clientTokens(flags: string[] | undefined, file: string | undefined): string[] {
  const tokens = [...(flags ?? [])];
  if (file !== undefined) {
    const lines = readSecret('token-file', file).split(/\r?\n/).map((l) => l.trim());
    const fromFile = lines.filter((l) => l && !l.startsWith('#'));
    // An empty list would turn authentication off: a file without tokens is a mistake.
    if (fromFile.length === 0) throw new UsageError(`--token-file: ${file} holds no token`);
    tokens.push(...fromFile);
  }
  if (flags === undefined && file === undefined) tokens.push(...(process.env.FLAGCAST_TOKEN ?? '').split(',').map((t) => t.trim()).filter(Boolean));
  const bad = tokens.find((t) => /\s/.test(t));
  if (bad !== undefined) throw new UsageError('a token cannot contain whitespace');
  return tokens;
}

const OPTIONS = {
  file: { type: 'string' },
  'max-file-size': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'admin-port': { type: 'string' },
  'admin-host': { type: 'string' },
  token: { type: 'string', multiple: true },
  'token-file': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  'max-connections': { type: 'string' },
  'max-batch-items': { type: 'string' },
  'max-ofrep-flags': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  heartbeat: { type: 'string' },
  'log-level': { type: 'string' },
  upstream: { type: 'string' },
  'upstream-token': { type: 'string' },
  'upstream-token-file': { type: 'string' },
  'upstream-jwt': { type: 'string' },
  'upstream-jwt-file': { type: 'string' },
  'upstream-namespace': { type: 'string', multiple: true },
  namespace: { type: 'string', multiple: true },
  'upstream-environment': { type: 'string' },
  'upstream-poll-ms': { type: 'string' },
  help: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

/** The `upstream` option from the command line (after --upstream was checked to be given). */
function upstreamOptions(values: Values): NonNullable<RelayOptions['upstream']> {
  let url: URL | undefined;
  try {
    url = new URL(values.upstream!);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UsageError(`--upstream must be an http(s) URL (got ${JSON.stringify(values.upstream)})`);
  const namespaces = [...(values['upstream-namespace'] ?? []), ...(values.namespace ?? [])];
  const environment = values['upstream-environment'] ?? 'default';
  const bad = [...namespaces, environment].find((k) => !KEY_PATTERN.test(k));
  if (bad !== undefined) throw new UsageError(`invalid namespace or environment key ${JSON.stringify(bad)}`);
  const fromFile = (flag: 'upstream-token-file' | 'upstream-jwt-file') => (values[flag] === undefined ? undefined : readSecret(flag, values[flag]));
  const token = values['upstream-token'] ?? fromFile('upstream-token-file') ?? process.env.FLAGCAST_UPSTREAM_TOKEN;
  const jwt = values['upstream-jwt'] ?? fromFile('upstream-jwt-file') ?? process.env.FLAGCAST_UPSTREAM_JWT;
  return {
    url: values.upstream!,
    ...(token ? { token } : {}),
    ...(jwt ? { jwt } : {}),
    namespaces: namespaces.length > 0 ? namespaces : ['default'],
    environment,
    pollMs: Math.max(100, positiveInt('upstream-poll-ms', values['upstream-poll-ms'], 10_000)!),
  };
}

/** RelayOptions from the command line; throws UsageError. */
function relayOptions(values: Values, logger: Logger): RelayOptions {
  if ((values.file === undefined) === (values.upstream === undefined)) throw new UsageError('give either --file or --upstream');
  if (values.upstream === undefined) {
    const stray = ['upstream-token', 'upstream-token-file', 'upstream-jwt', 'upstream-jwt-file', 'upstream-namespace', 'namespace', 'upstream-environment', 'upstream-poll-ms'].find(
      (k) => values[k as keyof Values] !== undefined,
    );
    if (stray !== undefined) throw new UsageError(`--${stray} needs --upstream`);
  } else if (values['max-file-size'] !== undefined) {
    throw new UsageError('--max-file-size needs --file');
  }
  const seconds = (name: 'heartbeat' | 'headers-timeout' | 'request-timeout', fallback: number) => Math.max(1, positiveInt(name, values[name], fallback) ?? fallback) * 1000;
  const adminPort = positiveInt('admin-port', values['admin-port'], undefined);
  if (adminPort === undefined && values['admin-host'] !== undefined) throw new UsageError('--admin-host needs --admin-port');
  const maxFileBytes = size('max-file-size', values['max-file-size']);
  const maxConnections = positiveInt('max-connections', values['max-connections'], undefined);
  const maxBatchItems = positiveInt('max-batch-items', values['max-batch-items'], undefined);
  const maxOfrepFlags = positiveInt('max-ofrep-flags', values['max-ofrep-flags'], undefined);
  return {
    ...(values.file === undefined ? {} : { file: values.file }),
    ...(values.upstream === undefined ? {} : { upstream: upstreamOptions(values) }),
    ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
    port: positiveInt('port', values.port, 8787)!,
    host: values.host ?? '127.0.0.1',
    ...(adminPort === undefined ? {} : { adminPort, adminHost: values['admin-host'] ?? '127.0.0.1' }),
    tokens: clientTokens(values.token, values['token-file']),
    corsOrigins: values['cors-origin'] ?? [],
    heartbeatMs: seconds('heartbeat', 15),
    headersTimeoutMs: seconds('headers-timeout', 15),
    requestTimeoutMs: seconds('request-timeout', 30),
    logger,
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(maxBatchItems === undefined ? {} : { maxBatchItems }),
    ...(maxOfrepFlags === undefined ? {} : { maxOfrepFlags }),
  };
}

/** Runs the CLI; resolves when the relay has stopped (SIGTERM/SIGINT); SIGHUP reloads every source. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  // `flagcast-relay types …` writes a FlagRegistry declaration file; it has its own module and options.
  if (argv[0] === 'types') return (await import('./types/typesCommand.js')).typesCommand(argv.slice(1));
  let values: Values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: OPTIONS }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const level = (values['log-level'] ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) {
    process.stderr.write(`--log-level must be debug, info, warn, error or silent\n`);
    return 2;
  }
  const logger = createLogger(level);
  let options: RelayOptions;
  try {
    options = relayOptions(values, logger);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${HELP}`);
    return 2;
  }
  let relay;
  try {
    relay = await createRelay(options);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.error('relay could not start', { error: message, ...(err instanceof FlagFileError ? { file: err.file } : {}) });
    return 1;
  }
  process.stdout.write(`flagcast-relay listening on ${relay.url}\n`);
  if (relay.adminUrl) process.stdout.write(`flagcast-relay health and metrics on ${relay.adminUrl}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal });
      void relay.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // Operators expect SIGHUP to reload, not to end the process (its default).
    process.on('SIGHUP', () => {
      logger.info('reloading every source', { signal: 'SIGHUP' });
      void relay.reload().then((ok) => logger.info('reload done', { signal: 'SIGHUP', ok }));
    });
  });
  return 0;
}
