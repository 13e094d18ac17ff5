import { parseArgs } from 'node:util';
import { createRelay } from './server/createRelay.js';
import { createLogger, type LogLevel } from './server/logger.js';

const HELP = `Usage: flagcast-relay --file <path> [options]

Serves Flipt's snapshot and streaming endpoints for Flipt declarative flag files.

  --file <path>            flag file or directory of .yaml/.yml/.json files (required)
  --port <n>               port (default 8787; 0 picks a free one)
  --host <addr>            interface (default 127.0.0.1)
  --token <t>              require "Authorization: Bearer <t>" (repeatable)
  --cors-origin <origin>   allow this browser origin, or * (repeatable)
  --max-connections <n>    refuse connections beyond n
  --heartbeat <seconds>    SSE heartbeat interval (default 15)
  --log-level <level>      debug | info | warn | error | silent (default info)
  --help                   show this help
`;

function positiveInt(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
  return n;
}

/** Runs the CLI; resolves when the relay has stopped (SIGTERM/SIGINT). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
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
  if (values.upstream !== undefined) {
    process.stderr.write('--upstream is not supported yet: serve a flag file with --file\n');
    return 2;
  }
  if (values.file === undefined) {
    process.stderr.write(`--file is required\n\n${HELP}`);
    return 2;
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
    relay = await createRelay({
      file: values.file,
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
