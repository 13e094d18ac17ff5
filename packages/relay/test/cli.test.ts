// The built CLI (bin/flagcast-relay.mjs → dist/cli.js): starts, serves, and on SIGTERM ends its
// streams and exits 0; says it could not start (and why, naming the file) on a bad file; takes
// its tokens from a file or the environment. Needs `pnpm -r build` first; skipped when dist is
// missing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get, StreamReader } from './support/http.js';
import { cliBuilt, runCli } from './support/runCli.js';

const built = cliBuilt;
const run = runCli;

/** Runs the CLI on `file` with `args`, checks that `token` is required, then stops it. */
async function expectTokens(file: string, args: string[], env: Record<string, string>, accepted: string[]) {
  const cli = run(['--file', file, '--port', '0', '--log-level', 'warn', ...args], env);
  try {
    const url = await cli.listening;
    const snapshot = `${url}/client/v2/environments/default/namespaces/web/snapshot`;
    expect((await get(snapshot)).status).toBe(401);
    expect((await get(snapshot, { authorization: 'Bearer wrong' })).status).toBe(401);
    for (const token of accepted) expect((await get(snapshot, { authorization: `Bearer ${token}` })).status).toBe(200);
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-cli-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!built)('CLI', () => {
  it('serves a file and exits cleanly on SIGTERM, ending open streams', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'features.yaml');
      writeFileSync(file, 'namespace: web\nflags:\n  - {key: f, name: F, type: BOOLEAN_FLAG_TYPE, enabled: true}\n');
      const cli = run(['--file', file, '--port', '0', '--token', 't1', '--log-level', 'warn']);
      const url = await cli.listening;
      const path = '/client/v2/environments/default/namespaces/web';
      expect((await get(`${url}${path}/snapshot`)).status).toBe(401);
      expect((await get(`${url}${path}/snapshot`, { authorization: 'Bearer t1' })).status).toBe(200);
      const sse = await StreamReader.open(`${url}${path}/stream`, { accept: 'text/event-stream', authorization: 'Bearer t1' });
      await sse.until((r) => r.events().length === 1);
      cli.child.kill('SIGTERM');
      await sse.until((r) => r.ended, 3000, 'stream end');
      expect(await cli.exited).toBe(0);
    });
  });

  it('says it could not start, naming the file and the error, when the file cannot be loaded; exits 2 on bad arguments', async () => {
    await inTempDir(async (dir) => {
      const missing = run(['--file', join(dir, 'missing.yaml'), '--port', '0']);
      expect(await missing.exited).toBe(1);
      expect(missing.output().stderr).toContain('relay could not start');
      expect(missing.output().stderr).toContain(join(dir, 'missing.yaml'));
      const file = join(dir, 'features.yaml');
      writeFileSync(file, 'namespace: web\nflags:\n  - key: [unclosed\n');
      const invalid = run(['--file', file, '--port', '0']);
      expect(await invalid.exited).toBe(1);
      const line = JSON.parse(invalid.output().stderr.trim().split('\n').at(-1)!);
      expect(line).toMatchObject({ level: 'error', msg: 'relay could not start', file, error: expect.stringMatching(new RegExp(`^${file}:\\d+:\\d+: invalid YAML`)) });
      expect(invalid.output().stderr).not.toContain('last good');
      const usage = run(['--port', 'x']);
      expect(await usage.exited).toBe(2);
    });
  });

  it('refuses an alias bomb at start-up promptly, and exits 1', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'features.yaml');
      const levels = ['      a0: &a0 [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `      a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`)];
      writeFileSync(file, `flags:\n  - key: f\n    name: F\n    variants:\n    - key: v\n      attachment:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
      const cli = run(['--file', file, '--port', '0']);
      expect(await cli.exited).toBe(1);
      expect(cli.output().stderr).toMatch(/relay could not start.*excessive aliasing/);
    });
  });

  it('takes tokens from --token-file and from $FLAGCAST_TOKEN; refuses a token file without tokens', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'features.yaml');
      writeFileSync(file, 'namespace: web\nflags:\n  - {key: f, name: F, type: BOOLEAN_FLAG_TYPE, enabled: true}\n');
      const tokens = join(dir, 'tokens');
      writeFileSync(tokens, '# relay tokens\nfirst-token\n\nsecond-token\n');
      await expectTokens(file, ['--token-file', tokens], { FLAGCAST_TOKEN: 'ignored-when-a-file-is-given' }, ['first-token', 'second-token']);
      await expectTokens(file, [], { FLAGCAST_TOKEN: 'env-one,env-two' }, ['env-one', 'env-two']);
      writeFileSync(tokens, '# nothing here\n\n');
      const empty = run(['--file', file, '--port', '0', '--token-file', tokens]);
      expect(await empty.exited).toBe(2);
      expect(empty.output().stderr).toContain(`--token-file: ${tokens} holds no token`);
    });
  });

  it('serves /healthz and /metrics on --admin-port only', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'features.yaml');
      writeFileSync(file, 'namespace: web\nflags: []\n');
      const cli = run(['--file', file, '--port', '0', '--admin-port', '0', '--log-level', 'warn']);
      const url = await cli.listening;
      await new Promise<void>((resolve) => {
        const check = () => (/health and metrics on/.test(cli.output().stdout) ? resolve() : setTimeout(check, 20));
        check();
      });
      const admin = /health and metrics on (http:\/\/\S+)/.exec(cli.output().stdout)![1]!;
      expect((await get(`${admin}/healthz`)).status).toBe(200);
      expect((await get(`${url}/healthz`)).status).toBe(404);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    });
  });
});
