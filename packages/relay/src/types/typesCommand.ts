import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSnapshot, type Snapshot } from '@flagcast/core';
import { convertFlagFiles, flagDocuments } from '../convert/convertFlagFiles.js';
import { readFlagPath } from '../sources/readFlagPath.js';
import { shapesFromDocuments, shapesFromSnapshot, type FlagShape } from './flagShapes.js';
import { registryDeclaration } from './registryDeclaration.js';
import { KEY_PATTERN } from '../shared/keyPattern.js';

const HELP = `Usage: flagcast-relay types (--file <path> | --url <url>) [options]

Writes a TypeScript declaration file that tells the compiler your flags (FlagRegistry in
@flagcast/core): with it in your program, getBoolean/getVariant, watchFlag and the React hooks
accept only known keys of the right type, and variant keys and attachments get their types.

  --file <path>            flag file or directory of .yaml/.yml/.json files (every variant
                           declared; attachment types from the YAML values)
  --url <url>              a Flipt v2 server or a Flagcast relay: its snapshot (only the
                           variants it can serve: a rule's or the default)
  --namespace <ns>         namespace (default "default")
  --environment <env>      with --url: Flipt environment (default "default")
  --token <t>              with --url: "Authorization: Bearer <t>"; default: $FLAGCAST_TOKEN
  --out <file>             write there (default: standard output)
  --check                  with --out: change nothing, exit 1 if the file is not up to date
  --help                   show this help
`;

const REQUEST_TIMEOUT_MS = 10_000;

/** Where the flags come from. */
export type FlagSource = { file: string; namespace: string } | { url: string; namespace: string; environment: string; token?: string | undefined };

/** Runs `flagcast-relay types …`; returns the exit code (0 done, 1 failed or stale, 2 bad arguments). */
export async function typesCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        file: { type: 'string' },
        url: { type: 'string' },
        namespace: { type: 'string' },
        environment: { type: 'string' },
        token: { type: 'string' },
        out: { type: 'string' },
        check: { type: 'boolean' },
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
  const usage = (message: string): number => {
    process.stderr.write(`${message}\n\n${HELP}`);
    return 2;
  };
  if ((values.file === undefined) === (values.url === undefined)) return usage('give either --file or --url');
  if (values.check && values.out === undefined) return usage('--check needs --out');
  const namespace = values.namespace ?? 'default';
  const environment = values.environment ?? 'default';
  if (![namespace, environment].every((key) => KEY_PATTERN.test(key))) return usage(`invalid namespace or environment key ${JSON.stringify(KEY_PATTERN.test(namespace) ? environment : namespace)}`);
  if (values.file !== undefined && (values.environment !== undefined || values.token !== undefined)) return usage('--environment and --token need --url');
  if (values.url !== undefined && !/^https?:\/\//i.test(values.url)) return usage(`--url must be an http(s) URL (got ${JSON.stringify(values.url)})`);

  const source: FlagSource =
    values.file !== undefined
      ? { file: values.file, namespace }
      : { url: values.url!, namespace, environment, token: values.token ?? process.env.FLAGCAST_TOKEN };
  let declaration: string;
  try {
    declaration = await generateDeclaration(source);
  } catch (err) {
    process.stderr.write(`flagcast-relay types: ${(err as Error).message}\n`);
    return 1;
  }
  if (values.out === undefined) {
    process.stdout.write(declaration);
    return 0;
  }
  const current = await readFile(values.out, 'utf8').catch(() => undefined);
  if (values.check) {
    if (current === declaration) return 0;
    process.stderr.write(`${values.out} is ${current === undefined ? 'missing' : 'out of date'}: run flagcast-relay types without --check\n`);
    return 1;
  }
  try {
    await mkdir(dirname(values.out), { recursive: true });
    if (current !== declaration) await writeFile(values.out, declaration);
  } catch (err) {
    process.stderr.write(`flagcast-relay types: cannot write ${values.out}: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`${values.out}: ${current === declaration ? 'up to date' : 'written'}\n`);
  return 0;
}

/** The declaration file for `source`. Throws an error naming the file or URL and what went wrong. */
export async function generateDeclaration(source: FlagSource): Promise<string> {
  if ('file' in source) {
    const files = await readFlagPath(source.file).catch((err: Error) => {
      throw new Error(`cannot read ${source.file}: ${err.message}`);
    });
    // Refused as the relay would refuse them: unknown segments or variants, bad values.
    const { snapshots } = convertFlagFiles(files);
    if (!snapshots.has(source.namespace)) {
      throw new Error(`${source.file} has no namespace ${JSON.stringify(source.namespace)} (it has ${[...snapshots.keys()].map((k) => JSON.stringify(k)).join(', ') || 'no flags'})`);
    }
    const shapes = shapesFromDocuments(
      files.flatMap((file) => [...flagDocuments(file)].map(({ doc }) => doc)),
      source.namespace,
    );
    return registryDeclaration(shapes, `${basename(source.file)}, namespace ${JSON.stringify(source.namespace)}`);
  }
  const shapes: FlagShape[] = shapesFromSnapshot(await fetchSnapshot(source));
  return registryDeclaration(shapes, `${source.url}, environment ${JSON.stringify(source.environment)}, namespace ${JSON.stringify(source.namespace)}`);
}

async function fetchSnapshot({ url, namespace, environment, token }: Extract<FlagSource, { url: string }>): Promise<Snapshot> {
  const address = `${url.replace(/\/+$/, '')}/client/v2/environments/${environment}/namespaces/${namespace}/snapshot`;
  let response: Response;
  let body: string;
  try {
    response = await fetch(address, {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    body = await response.text();
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : ((err as Error & { cause?: Error }).cause ?? (err as Error)).message;
    throw new Error(`GET ${address} failed: ${reason}`);
  }
  if (!response.ok) throw new Error(`GET ${address}: ${response.status} ${response.statusText}${body.trim() ? `: ${body.trim().slice(0, 300)}` : ''}`);
  try {
    return parseSnapshot(body);
  } catch (err) {
    throw new Error(`GET ${address}: not a snapshot: ${(err as Error).message}`);
  }
}
