// The limits of the relay's file source, on the real CLI process: a --file that is not a regular
// file (a FIFO, a link to /dev/zero) is refused, never read for ever; a load that failed for a
// passing reason (EMFILE) is retried without the file changing; SIGHUP reloads; SIGTERM does not
// wait for a large conversion; YAML that is not UTF-8 is refused where it goes wrong.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles } from '../src/index.js';
import { get } from './support/http.js';
import { cliBuilt, runCli } from './support/runCli.js';
import { waitFor } from './support/waitFor.js';

/** Generous bounds for "does not hang", never timings. */
const PROMPTLY_MS = 20_000;
/** Each CLI test's own bound (several relay start-ups and waits). */
const TEST_MS = 120_000;
const V2 = '/client/v2/environments/default/namespaces/web/snapshot';
const flags = (rev: number) => `namespace: web\nflags:\n  - {key: f-rev-${rev}, name: F, enabled: true}\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Puts `make(tmp)`'s result at `file` by a rename, as deployments do. */
function replace(file: string, make: (tmp: string) => void): void {
  const tmp = `${file}.${Math.random().toString(36).slice(2)}.tmp`;
  make(tmp);
  renameSync(tmp, file);
}

const health = async (url: string) => JSON.parse((await get(`${url}/healthz`)).body.toString()).sources[0];

async function stop(cli: ReturnType<typeof runCli>): Promise<number | null> {
  cli.child.kill('SIGTERM');
  const killer = setTimeout(() => cli.child.kill('SIGKILL'), PROMPTLY_MS);
  const code = await cli.exited;
  clearTimeout(killer);
  return code;
}

describe.skipIf(!cliBuilt)('files that are not regular files', () => {
  it('refuses to start on a FIFO or a link to /dev/zero, naming the file', async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const zero = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    for (const [file, what] of [[fifo, 'a FIFO'], [zero, 'a character device']] as const) {
      const cli = runCli(['--file', file, '--port', '0']);
      const killer = setTimeout(() => cli.child.kill('SIGKILL'), PROMPTLY_MS);
      expect(await cli.exited).toBe(1);
      clearTimeout(killer);
      expect(cli.logs().at(-1)).toMatchObject({ msg: 'relay could not start', file, error: expect.stringContaining(`${file}: is ${what}, not a regular file`) });
    }
  }, TEST_MS);

  it('refuses them as edits, keeps serving, loads the next good file, and stops promptly', async () => {
    const file = join(dir, 'edits.yaml');
    writeFileSync(file, flags(1));
    const cli = runCli(['--file', file, '--port', '0', '--log-level', 'warn']);
    try {
      const url = await cli.listening;
      const etag = (await get(url + V2)).headers.etag;
      for (const [make, what] of [[(tmp: string) => symlinkSync('/dev/zero', tmp), 'a character device'], [(tmp: string) => execFileSync('mkfifo', [tmp]), 'a FIFO']] as const) {
        const errors = (await health(url)).loadErrors;
        replace(file, make);
        await waitFor(async () => (await health(url)).loadErrors > errors, PROMPTLY_MS, `${what} to be refused`);
        const source = await health(url);
        expect(source).toMatchObject({ ok: false, lastError: { file, message: expect.stringContaining(`is ${what}`) }, waitingFor: 'a change to the flag files' });
        expect((await get(url + V2)).headers.etag).toBe(etag);
      }
      replace(file, (tmp) => writeFileSync(tmp, flags(2)));
      await waitFor(async () => (await get(url + V2)).body.toString().includes('f-rev-2'), PROMPTLY_MS, 'the good file');
      expect(await health(url)).not.toHaveProperty('waitingFor');
    } finally {
      expect(await stop(cli)).toBe(0);
    }
  }, TEST_MS);
});

describe.skipIf(!cliBuilt)('a load that failed for a passing reason', () => {
  it('is retried without the file changing (EMFILE), and /healthz says it waits for the retry', async () => {
    const file = join(dir, 'emfile.yaml');
    writeFileSync(file, flags(1));
    const cli = runCli(['--file', file, '--port', '0', '--log-level', 'warn']);
    // One kept-alive connection: it still answers once the relay can open no more files.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const fetch = (url: string) =>
      new Promise<string>((resolve, reject) => {
        httpGet(url, { agent }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    const pid = String(cli.child.pid);
    try {
      const url = await cli.listening;
      await fetch(`${url}/healthz`);
      // The limit is on descriptor numbers: below the lowest free one, no file can be opened.
      const used = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
      let free = 0;
      while (used.has(free)) free++;
      execFileSync('prlimit', ['--pid', pid, `--nofile=${free}:`]);
      const errors = JSON.parse(await fetch(`${url}/healthz`)).sources[0].loadErrors;
      replace(file, (tmp) => writeFileSync(tmp, flags(2)));
      await waitFor(async () => JSON.parse(await fetch(`${url}/healthz`)).sources[0].loadErrors > errors, PROMPTLY_MS, 'the load to fail with EMFILE');
      const source = JSON.parse(await fetch(`${url}/healthz`)).sources[0];
      expect(source.lastError.message).toContain('EMFILE');
      expect(source.waitingFor).toMatch(/^a retry at .* \(EMFILE\)/);
      expect(Date.parse(source.retryAt)).toBeGreaterThan(0);
      execFileSync('prlimit', ['--pid', pid, '--nofile=4096:']);
      await waitFor(async () => (await fetch(url + V2)).includes('f-rev-2'), 60_000, 'the retried load');
      expect(JSON.parse(await fetch(`${url}/healthz`)).sources[0]).not.toHaveProperty('retryAt');
    } finally {
      agent.destroy();
      expect(await stop(cli)).toBe(0);
    }
  }, TEST_MS);
});

describe.skipIf(!cliBuilt)('signals', () => {
  it('reloads every source on SIGHUP, and keeps running', async () => {
    const file = join(dir, 'hup.yaml');
    writeFileSync(file, flags(1));
    const cli = runCli(['--file', file, '--port', '0', '--log-level', 'warn']);
    try {
      const url = await cli.listening;
      const loads = (await health(url)).loads;
      cli.child.kill('SIGHUP');
      await waitFor(async () => (await health(url)).loads > loads, PROMPTLY_MS, 'the reload');
      expect(cli.child.exitCode).toBeNull();
      expect((await health(url)).ok).toBe(true);
    } finally {
      expect(await stop(cli)).toBe(0);
    }
  }, TEST_MS);

  it('stops on SIGTERM during a large conversion without finishing it', async () => {
    const file = join(dir, 'large.yaml');
    writeFileSync(file, flags(1));
    const cli = runCli(['--file', file, '--port', '0', '--log-level', 'info']);
    const url = await cli.listening;
    const loaded = () => cli.logs().filter((l) => l.msg === 'flag files loaded').length;
    expect(loaded()).toBe(1);
    let large = 'namespace: web\nflags:\n';
    for (let i = 0; i < 20_000; i++) large += `  - key: flag-${i}\n    name: Flag ${i}\n    enabled: true\n    variants: [{key: a, attachment: {i: ${i}}}, {key: b}]\n    rules: [{segment: s, distributions: [{variant: a, rollout: 50}, {variant: b, rollout: 50}]}]\n`;
    large += 'segments:\n  - {key: s, name: S, match_type: ALL_MATCH_TYPE}\n';
    const loads = (await health(url)).loads;
    replace(file, (tmp) => writeFileSync(tmp, large));
    await waitFor(async () => (await health(url)).loads > loads, PROMPTLY_MS, 'the large load to begin');
    expect(await stop(cli)).toBe(0);
    expect(loaded()).toBe(1);
  }, TEST_MS);
});

describe('YAML that is not UTF-8', () => {
  it('is refused at the first invalid byte, as yaml.v3 refuses it; JSON keeps Go’s U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('flags:\n  - key: f\n    name: "ok \uFFFD then '), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    expect(() => convertFlagFiles([{ name: 'bad.yaml', contents: bytes }])).toThrow("bad.yaml:3:22: invalid YAML: invalid UTF-8");
    const json = Buffer.concat([Buffer.from('{"flags": [{"key": "f", "name": "'), Buffer.from([0xff]), Buffer.from('"}]}')]);
    expect(convertFlagFiles([{ name: 'bad.json', contents: json }]).snapshots.get('default')!.flags).toHaveLength(1);
  });

  it.skipIf(!cliBuilt)('keeps the relay from starting, naming the file, line and column', async () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('namespace: web\nflags:\n  - {key: f, name: "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    const cli = runCli(['--file', file, '--port', '0']);
    expect(await cli.exited).toBe(1);
    expect(cli.logs().at(-1)).toMatchObject({ msg: 'relay could not start', error: `${file}:3:24: invalid YAML: invalid UTF-8 (yaml.v3 reads only UTF-8)` });
  }, TEST_MS);
});
