// The built CLI (bin/flagcast-relay.mjs → dist/cli.js): starts, serves, and on SIGTERM ends its
// streams and exits 0. Needs `pnpm -r build` first; skipped when dist is missing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { get, StreamReader } from './support/http.js';

const BIN = fileURLToPath(new URL('../bin/flagcast-relay.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  listening.catch(() => {}); // awaited only by tests that expect the relay to start
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

describe.skipIf(!built)('CLI', () => {
  it('serves a file and exits cleanly on SIGTERM, ending open streams', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-cli-'));
    try {
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 with a clear message when the file cannot be loaded, 2 on bad arguments', async () => {
    const bad = run(['--file', '/nonexistent/features.yaml', '--port', '0']);
    expect(await bad.exited).toBe(1);
    expect(bad.output().stderr).toContain('relay failed to start');
    const usage = run(['--port', 'x']);
    expect(await usage.exited).toBe(2);
  });
});
