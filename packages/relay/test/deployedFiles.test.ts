// Flag files as deployments deliver them, on the real relay and real files: a Kubernetes
// ConfigMap volume (symbolic links, `..data` swapped), a symlinked file edited in place, a
// replaced directory, a replaced ancestor (only the identity poll sees it), a file written
// while it is read (never served half-way), empty files, a busy neighbour and a storm of new
// files (the debounce has a maximum wait).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { convertFlagFiles, createRelay, type Relay } from '../src/index.js';
import { get, StreamReader } from './support/http.js';
import { waitFor } from './support/waitFor.js';

const flags = (namespace: string, rev: number, count = 3) =>
  `namespace: ${namespace}\nflags:\n${Array.from({ length: count }, (_, i) => `  - key: flag-${i}\n    name: Flag ${i}\n    type: BOOLEAN_FLAG_TYPE\n    enabled: ${rev % 2 === 0}\n    description: rev ${rev}\n`).join('')}`;
const digestOf = (text: string, name = 'features.yml') => [...convertFlagFiles([{ name, contents: text }]).snapshots.values()][0]!.digest!;
const snapshotPath = (ns: string) => `/client/v2/environments/default/namespaces/${ns}/snapshot`;

let root: string;
const relays: Relay[] = [];
const cleanups: (() => void)[] = [];

async function start(file: string, options: Parameters<typeof createRelay>[0] = {}): Promise<Relay> {
  const relay = await createRelay({ file, port: 0, logLevel: 'silent', debounceMs: 20, ...options });
  relays.push(relay);
  return relay;
}

async function etag(relay: Relay, ns: string): Promise<string | undefined> {
  const res = await get(relay.url + snapshotPath(ns));
  return res.status === 200 ? String(res.headers.etag) : undefined;
}

function tempRoot(): string {
  root = mkdtempSync(join(tmpdir(), 'relay-deploy-'));
  return root;
}

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(relays.splice(0).map((r) => r.close()));
  rmSync(root, { recursive: true, force: true });
});

/**
 * A ConfigMap volume as the kubelet writes it: the data in a timestamped directory, `..data`
 * linking to it, and each key a link through `..data`. An update writes a new directory, points
 * a new link at it, renames that over `..data`, and removes the old directory.
 */
function configMap(dir: string) {
  let generation = 0;
  const write = (files: Record<string, string>) => {
    const data = `..2026_12_01_00_00_0${generation++}.${process.pid}`;
    mkdirSync(join(dir, data));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, data, name), text);
    return data;
  };
  return {
    create(files: Record<string, string>) {
      mkdirSync(dir, { recursive: true });
      const data = write(files);
      symlinkSync(data, join(dir, '..data'));
      for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(dir, name));
      this.current = data;
    },
    update(files: Record<string, string>) {
      const data = write(files);
      symlinkSync(data, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, this.current), { recursive: true });
      this.current = data;
    },
    current: '',
  };
}

describe('a Kubernetes ConfigMap volume', () => {
  it('serves a key of the volume (--file dir/features.yml) and follows each ..data swap', async () => {
    const dir = join(tempRoot(), 'flags');
    const volume = configMap(dir);
    volume.create({ 'features.yml': flags('web', 0) });
    const relay = await start(join(dir, 'features.yml'), { watchPollMs: 60_000 });
    expect(await etag(relay, 'web')).toBe(digestOf(flags('web', 0)));
    const sse = await StreamReader.open(`${relay.url}/client/v2/environments/default/namespaces/web/stream`);
    try {
      await sse.until((r) => r.events().length === 1, 5000, 'the current state');
      for (const rev of [1, 2]) {
        volume.update({ 'features.yml': flags('web', rev) });
        await sse.until((r) => r.events().length === rev + 1, 5000, `the swap to revision ${rev}`);
        expect(JSON.parse(sse.events()[rev]!.data).etag).toBe(digestOf(flags('web', rev)));
      }
      expect(relay.sources()[0]).toMatchObject({ ok: true, namespaces: 1 });
    } finally {
      sse.close();
    }
  });

  it('serves the whole volume as a directory (its keys are links) and follows a swap', async () => {
    const dir = join(tempRoot(), 'flags');
    const volume = configMap(dir);
    volume.create({ 'web.yml': flags('web', 0), 'mobile.yaml': flags('mobile', 0) });
    const relay = await start(dir, { watchPollMs: 60_000 });
    // The timestamped directory is hidden: each namespace is served once, through its link.
    expect(await etag(relay, 'web')).toBe(digestOf(flags('web', 0)));
    expect(await etag(relay, 'mobile')).toBe(digestOf(flags('mobile', 0)));
    volume.update({ 'web.yml': flags('web', 1), 'mobile.yaml': flags('mobile', 0) });
    await waitFor(async () => (await etag(relay, 'web')) === digestOf(flags('web', 1)), 5000, 'the swapped web.yml');
    expect(await etag(relay, 'mobile')).toBe(digestOf(flags('mobile', 0)));
  });
});

describe('links, replaced directories and the identity poll', () => {
  it('reloads when the target of a symlinked flag file is edited in place', async () => {
    const base = tempRoot();
    mkdirSync(join(base, 'config'));
    mkdirSync(join(base, 'shared'));
    const target = join(base, 'shared', 'real-flags.yaml');
    writeFileSync(target, flags('web', 0));
    symlinkSync(target, join(base, 'config', 'features.yml'));
    const relay = await start(join(base, 'config', 'features.yml'), { watchPollMs: 60_000 });
    expect(await etag(relay, 'web')).toBe(digestOf(flags('web', 0)));
    writeFileSync(target, flags('web', 1)); // same inode, in place
    await waitFor(async () => (await etag(relay, 'web')) === digestOf(flags('web', 1)), 5000, 'the edited target');
  });

  it('follows a flag directory replaced by a rename, in file and in directory mode', async () => {
    const base = tempRoot();
    const make = (name: string, rev: number) => {
      mkdirSync(join(base, name));
      writeFileSync(join(base, name, 'features.yaml'), flags('web', rev));
    };
    make('flags', 0);
    const byFile = await start(join(base, 'flags', 'features.yaml'), { watchPollMs: 60_000 });
    const byDir = await start(join(base, 'flags'), { watchPollMs: 60_000 });
    for (const rev of [1, 2]) {
      make('next', rev);
      renameSync(join(base, 'flags'), join(base, `old-${rev}`));
      renameSync(join(base, 'next'), join(base, 'flags'));
      for (const relay of [byFile, byDir]) await waitFor(async () => (await etag(relay, 'web')) === digestOf(flags('web', rev)), 5000, `revision ${rev}`);
    }
  });

  it('notices a replaced ancestor directory, which no watch sees, by polling the identity', async () => {
    const base = tempRoot();
    const make = (name: string, rev: number) => {
      mkdirSync(join(base, name, 'deploy', 'flags'), { recursive: true });
      writeFileSync(join(base, name, 'deploy', 'flags', 'features.yaml'), flags('web', rev));
    };
    make('release', 0);
    const relay = await start(join(base, 'release', 'deploy', 'flags', 'features.yaml'), { watchPollMs: 100 });
    make('release-next', 1);
    renameSync(join(base, 'release'), join(base, 'release-old'));
    renameSync(join(base, 'release-next'), join(base, 'release'));
    await waitFor(async () => (await etag(relay, 'web')) === digestOf(flags('web', 1)), 5000, 'the poll to see the new file');
  });
});

describe('files being written', () => {
  it('never serves a truncated or half-written file during a truncate-then-write storm', async () => {
    const base = tempRoot();
    const file = join(base, 'features.yaml');
    const texts = [flags('web', 0, 40), flags('web', 1, 40)];
    const digests = texts.map((t) => digestOf(t, file));
    writeFileSync(file, texts[0]!);
    // The debounce fires within the writer's pauses (as an editor's), and at most every 100 ms.
    // A settle time far above the writer's pauses: only a stalled writer could look settled.
    const relay = await start(file, { debounceMs: 10, debounceMaxWaitMs: 100, settleMs: 1000, watchPollMs: 50 });
    const seen: { status: number; etag: string | undefined; flags: number }[] = [];
    let storming = true;
    const poller = (async () => {
      while (storming) {
        const res = await get(relay.url + snapshotPath('web'));
        seen.push({ status: res.status, etag: res.headers.etag as string | undefined, flags: res.status === 200 ? JSON.parse(res.body.toString()).flags.length : 0 });
      }
    })();
    const half = (text: string) => text.slice(0, text.indexOf('  - key: flag-20'));
    for (let i = 1; i <= 16; i++) {
      const text = texts[i % 2]!;
      const fd = openSync(file, 'w'); // truncated: empty for a while
      await sleep(30);
      writeSync(fd, half(text)); // a valid YAML with half the flags, for a while
      await sleep(30);
      writeSync(fd, text.slice(half(text).length));
      closeSync(fd);
      await sleep(30);
    }
    const final = digests[16 % 2]!;
    await waitFor(async () => (await etag(relay, 'web')) === final, 15_000, 'the final file');
    storming = false;
    await poller;
    expect(seen.length).toBeGreaterThan(20);
    const bad = seen.filter((s) => s.status !== 200 || !digests.includes(s.etag!) || s.flags !== 40);
    expect(bad).toEqual([]);
  }, 30_000);

  it('refuses a reload that would drop every namespace (empty or comment-only), and such a first load', async () => {
    const base = tempRoot();
    const file = join(base, 'features.yaml');
    writeFileSync(file, flags('web', 0));
    const relay = await start(file);
    const good = await etag(relay, 'web');
    for (const text of ['', '# flags are coming\n', '---\n# nothing\n---\n']) {
      const errors = relay.sources()[0]!.loadErrors;
      writeFileSync(file, text);
      await waitFor(() => relay.sources()[0]!.loadErrors > errors, 5000, 'the refusal');
      expect(relay.sources()[0]!.lastError?.message).toMatch(/holds no namespace/);
      expect(relay.sources()[0]).toMatchObject({ ok: false, namespaces: 1, lastError: { file } });
      expect(await etag(relay, 'web')).toBe(good);
      writeFileSync(file, flags('web', 0));
      await waitFor(() => relay.sources()[0]!.ok, 5000, 'the recovery');
    }
    writeFileSync(file, '# nothing yet\n');
    await expect(createRelay({ file, port: 0, logLevel: 'silent' })).rejects.toThrow(`${file}: holds no namespace`);
    mkdirSync(join(base, 'empty'));
    await expect(createRelay({ file: join(base, 'empty'), port: 0, logLevel: 'silent' })).rejects.toThrow('holds no flag files');
  });
});

describe('the debounce', () => {
  it('is not starved by a busy neighbour writing beside the flags (logs, .git, swap files)', async () => {
    const dir = tempRoot();
    writeFileSync(join(dir, 'features.yaml'), flags('web', 0));
    mkdirSync(join(dir, '.git'));
    // A long quiet period, so that only a neighbour that counts could hold the reload back.
    const relay = await start(dir, { debounceMs: 400 });
    // Another process, as a real neighbour is: a log line every 5 ms, now and then other noise.
    const neighbour = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const p = require('path'); const d = process.argv[1]; let n = 0;
         setInterval(() => {
           fs.appendFileSync(p.join(d, 'app.log'), 'line ' + n++ + '\\n');
           if (n % 10 === 0) for (const f of ['.git/index.lock', '.features.yaml.swp', 'features.yaml~']) fs.writeFileSync(p.join(d, f), String(n));
         }, 5);`,
        dir,
      ],
      { stdio: 'ignore' },
    );
    cleanups.push(() => neighbour.kill());
    const logLines = () => (existsSync(join(dir, 'app.log')) ? readFileSync(join(dir, 'app.log'), 'utf8').split('\n').length : 0);
    await waitFor(() => logLines() > 20 && existsSync(join(dir, 'features.yaml~')), 5000, 'the neighbour to be writing');
    const tmp = join(dir, 'features.yaml.tmp');
    writeFileSync(tmp, flags('web', 1));
    renameSync(tmp, join(dir, 'features.yaml'));
    await waitFor(async () => (await etag(relay, 'web')) === digestOf(flags('web', 1)), 5000, 'the reload while the neighbour writes');
  });

  it('waits at most debounceMaxWaitMs while flag files keep arriving', async () => {
    const dir = tempRoot();
    writeFileSync(join(dir, 'features.yaml'), flags('web', 0));
    const relay = await start(dir, { debounceMs: 100, debounceMaxWaitMs: 300 });
    let i = 0;
    let storming = true;
    const storm = (async () => {
      // A new file every 40 ms, each written whole (renamed into place): the quiet period never comes.
      while (storming && i < 200) {
        writeFileSync(join(dir, `.n-${i}.tmp`), flags(`n-${i}`, 0));
        renameSync(join(dir, `.n-${i}.tmp`), join(dir, `n-${i}.yaml`));
        i++;
        await sleep(40);
      }
    })();
    try {
      await waitFor(async () => (await etag(relay, 'n-0')) !== undefined, 5000, 'n-0 to be served during the storm');
      expect(storming && i < 200).toBe(true);
    } finally {
      storming = false;
      await storm;
    }
  });
});
