import { parseArgs } from 'node:util';
import { createRelay } from './server/createRelay.js';
import { createLogger, type LogLevel } from './server/logger.js';

const HELP = `Usage: flagcast-relay (--file <path> | --upstream <flipt url>) [options]
       flagcast-relay types (--file <path> | --url <url>) [--out <file>]   (see types --help)

Serves Flipt's snapshot and streaming endpoints, from Flipt declarative flag files or by
following a Flipt v2 server (one upstream connection per namespace, fanned out to every client).

  --file <path>            flag file or directory of .yaml/.yml/.json files
  --upstream <url>         follow this Flipt (v2 or v1) or relay (its stream, else ETag polling)
  --upstream-token <t>     client token for the upstream ("Authorization: Bearer <t>");
                           default: $FLAGCAST_UPSTREAM_TOKEN
  --upstream-jwt <jwt>     or a JWT for the upstream ("Authorization: JWT <jwt>");
                           default: $FLAGCAST_UPSTREAM_JWT
  --upstream-namespace <ns>, --namespace <ns>
                           namespace to follow (repeatable; default "default")
  --upstream-environment <env>
                           Flipt environment to follow and serve (default "default")
  --upstream-poll-ms <ms>  snapshot polling interval when the stream is unavailable (default 10000)
  --port <n>               port (default 8787; 0 picks a free one)
  --host <addr>            interface (default 127.0.0.1)
  --token <t>              require "Authorization: Bearer <t>" (repeatable)
  --cors-origin <origin>   allow this browser origin, or * (repeatable)
  --max-connections <n>    refuse connections beyond n
  --heartbeat <seconds>    SSE heartbeat interval (default 15)
  --log-level <level>      debug | info | warn | error | silent (default info)
  --help                   show this help
`;

const KEY = /^[-_,A-Za-z0-9]+$/;

function positiveInt(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
  return n;
}

/** Runs the CLI; resolves when the relay has stopped (SIGTERM/SIGINT). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  // `flagcast-relay types …` writes a FlagRegistry declaration file; it has its own module and options.
  if (argv[0] === 'types') return (await import('./types/typesCommand.js')).typesCommand(argv.slice(1));
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        file: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string', multiple: true },
        'cors-origin': { type: 'string', multiple: true },
        'max-connections': { type: 'string' },
        heartbeat: { type: 'string' },
        'log-level': { type: 'string' },
        upstream: { type: 'string' },
        'upstream-token': { type: 'string' },
        'upstream-jwt': { type: 'string' },
        'upstream-namespace': { type: 'string', multiple: true },
        namespace: { type: 'string', multiple: true },
        'upstream-environment': { type: 'string' },
        'upstream-poll-ms': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if ((values.file === undefined) === (values.upstream === undefined)) {
    process.stderr.write(`give either --file or --upstream\n\n${HELP}`);
    return 2;
  }
  const namespaces = [...(values['upstream-namespace'] ?? []), ...(values.namespace ?? [])];
  const environment = values['upstream-environment'] ?? 'default';
  if (values.upstream === undefined) {
    const stray = ['upstream-token', 'upstream-jwt', 'upstream-namespace', 'namespace', 'upstream-environment', 'upstream-poll-ms'].filter((k) => values[k as keyof typeof values] !== undefined);
    if (stray.length > 0) {
      process.stderr.write(`--${stray[0]} needs --upstream\n`);
      return 2;
    }
  } else {
    let url: URL | undefined;
    try {
      url = new URL(values.upstream);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      process.stderr.write(`--upstream must be an http(s) URL (got ${JSON.stringify(values.upstream)})\n`);
      return 2;
    }
    const bad = [...namespaces, environment].find((k) => !KEY.test(k));
    if (bad !== undefined) {
      process.stderr.write(`invalid namespace or environment key ${JSON.stringify(bad)}\n`);
      return 2;
    }
  }
  const level = (values['log-level'] ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) {
    process.stderr.write(`--log-level must be debug, info, warn, error or silent\n`);
    return 2;
  }
  const logger = createLogger(level);
  let relay;
  try {
    const heartbeat = positiveInt('heartbeat', values.heartbeat, 15);
    const pollMs = positiveInt('upstream-poll-ms', values['upstream-poll-ms'], 10_000)!;
    const token = values['upstream-token'] ?? process.env.FLAGCAST_UPSTREAM_TOKEN;
    const jwt = values['upstream-jwt'] ?? process.env.FLAGCAST_UPSTREAM_JWT;
    relay = await createRelay({
      ...(values.file === undefined ? {} : { file: values.file }),
      ...(values.upstream === undefined
        ? {}
        : {
            upstream: {
              url: values.upstream,
              ...(token ? { token } : {}),
              ...(jwt ? { jwt } : {}),
              namespaces: namespaces.length > 0 ? namespaces : ['default'],
              environment,
              pollMs: Math.max(100, pollMs),
            },
          }),
      port: positiveInt('port', values.port, 8787)!,
      host: values.host ?? '127.0.0.1',
      tokens: values.token ?? [],
      corsOrigins: values['cors-origin'] ?? [],
      heartbeatMs: Math.max(1, heartbeat ?? 15) * 1000,
      logger,
      ...(values['max-connections'] === undefined ? {} : { maxConnections: positiveInt('max-connections', values['max-connections'], undefined)! }),
    });
  } catch (err) {
    logger.error('relay failed to start', { error: err instanceof Error ? err.message : String(err) });
    return 1;
  }
  process.stdout.write(`flagcast-relay listening on ${relay.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal });
      void relay.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
