// Hostile and large flag files on the real relay: YAML alias bombs (refused as Flipt's decoder
// refuses them, like any bad edit), files over the size limit, and a large file converted off
// the event loop while health checks and streams keep being answered.
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles, createLogger, createRelay, FileSource, FlagFileError, type Relay } from '../src/index.js';
import { get, StreamReader } from './support/http.js';
import { waitFor } from './support/waitFor.js';

/** The "billion laughs": 9 levels of 9 aliases each, about 390 million strings once expanded. */
const bomb = (levels = 9) => {
  const lines = ['          l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) lines.push(`          l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]`);
  return `version: "1.6"\nnamespace: web\nflags:\n  - key: banner\n    name: Banner\n    variants:\n      - key: v\n        default: true\n        attachment:\n${lines.join('\n')}\n`;
};
const good = (rev: number, count = 2) =>
  `namespace: web\nflags:\n${Array.from({ length: count }, (_, i) => `  - key: flag-${i}\n    name: Flag ${i}\n    type: BOOLEAN_FLAG_TYPE\n    enabled: true\n    rollouts:\n      - threshold: {percentage: ${rev % 100}, value: true}\n`).join('')}`;
const V2 = '/client/v2/environments/default/namespaces/web/snapshot';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

describe('YAML alias bombs', () => {
  it('refuses a bomb edit like any bad edit, naming the file, and keeps serving', async () => {
    const file = join(dir, 'edit.yaml');
    write(file, good(1));
    const relay = await createRelay({ file, port: 0, logLevel: 'silent', debounceMs: 20 });
    try {
      const before = (await get(relay.url + V2)).headers.etag;
      const errors = relay.sources()[0]!.loadErrors;
      write(file, bomb());
      await waitFor(() => relay.sources()[0]!.loadErrors > errors, 10_000, 'the bomb to be refused');
      const health = JSON.parse((await get(`${relay.url}/healthz`)).body.toString());
      expect(health.ok).toBe(false);
      expect(health.sources[0].lastError).toMatchObject({ file, message: expect.stringMatching(/excessive aliasing/) });
      expect(health.sources[0].lastError.line).toBeGreaterThan(9);
      expect((await get(relay.url + V2)).headers.etag).toBe(before);
      write(file, good(2));
      await waitFor(() => relay.sources()[0]!.ok, 10_000, 'the recovery');
    } finally {
      await relay.close();
    }
  });

  it('does not start on a bomb, and the error names the file and the line', async () => {
    const file = join(dir, 'start.yaml');
    write(file, bomb());
    const error = await createRelay({ file, port: 0, logLevel: 'silent' }).then(
      (r) => (void r.close(), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlagFileError);
    expect((error as FlagFileError).file).toBe(file);
    expect((error as FlagFileError).message).toMatch(new RegExp(`^${file}:1\\d:\\d+: document contains excessive aliasing`));
  });

  it('refuses an anchor that contains itself, as yaml.v3 does', () => {
    const text = 'flags:\n  - key: f\n    name: F\n    variants:\n      - key: v\n        attachment: &loop {again: [*loop]}\n';
    expect(() => convertFlagFiles([{ name: 'loop.yaml', contents: text }])).toThrow('loop.yaml:6:36: anchor "loop" value contains itself');
  });

  it('accepts ordinary anchors and merge keys, as Flipt does', () => {
    let text = 'version: "1.6"\nsegments:\n  - &segment\n    key: s0\n    name: S\n    match_type: ALL_MATCH_TYPE\n    constraints: &constraints\n';
    text += '      - {type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}\n      - {type: STRING_COMPARISON_TYPE, property: region, operator: eq, value: eu}\n';
    for (let i = 1; i <= 300; i++) text += `  - <<: *segment\n    key: s${i}\n    constraints: *constraints\n`;
    text += 'flags:\n  - key: f\n    name: F\n    variants:\n      - &v {key: a, attachment: {size: 1, tags: [x, y, z]}}\n      - {<<: *v, key: b}\n';
    const { snapshots } = convertFlagFiles([{ name: 'anchors.yaml', contents: text }]);
    expect(snapshots.get('default')!.flags).toHaveLength(1);
  });
});

describe('large files', () => {
  it('refuses a file over maxFileBytes with an error naming the file and the limit', async () => {
    const file = join(dir, 'size.yaml');
    write(file, good(1));
    const relay = await createRelay({ file, port: 0, logLevel: 'silent', debounceMs: 20, maxFileBytes: 4096 });
    try {
      const errors = relay.sources()[0]!.loadErrors;
      write(file, good(2, 60));
      await waitFor(() => relay.sources()[0]!.loadErrors > errors, 5000, 'the refusal');
      expect(relay.sources()[0]!.lastError).toMatchObject({ file, message: expect.stringMatching(/^is \d+ bytes, over the limit of 4096 bytes/) });
      expect(relay.snapshot('web')!.flags).toHaveLength(2);
    } finally {
      await relay.close();
    }
    await expect(createRelay({ file, port: 0, logLevel: 'silent', maxFileBytes: 4096 })).rejects.toThrow(`${file}: is `);
  });

  it('converts off the event loop: /healthz and streams are answered while a large file loads', async () => {
    const file = join(dir, 'large.yaml');
    write(file, good(1));
    const relay = await createRelay({ file, port: 0, logLevel: 'silent', heartbeatMs: 50, watch: false });
    const sse = await StreamReader.open(`${relay.url}/client/v2/environments/default/namespaces/web/stream`);
    try {
      await sse.until((r) => r.events().length === 1, 5000, 'the first event');
      write(file, good(2, 3000));
      let loaded = false;
      const reload = relay.reload().finally(() => (loaded = true));
      const heartbeatsBefore = sse.items.length;
      let answered = 0;
      while (!loaded) {
        const res = await get(`${relay.url}/healthz`);
        if (res.status === 200 && !loaded) answered++;
      }
      expect(await reload).toBe(true);
      // The conversion takes far longer than a health check: many were answered during it.
      expect(answered).toBeGreaterThan(10);
      expect(sse.items.length - heartbeatsBefore).toBeGreaterThan(3);
      expect(relay.snapshot('web')!.flags).toHaveLength(3000);
      await sse.until((r) => r.events().length === 2, 5000, 'the change event');
    } finally {
      sse.close();
      await relay.close();
    }
  }, 60_000);

  it('stops a conversion that runs out of time, and says which file', async () => {
    const file = join(dir, 'slow.yaml');
    write(file, good(1, 500));
    const source = new FileSource({ path: file, logger: createLogger('silent'), watch: false, convertTimeoutMs: 1 });
    await expect(source.start(() => {})).rejects.toThrow(`${file}: conversion took longer than 1 ms and was stopped`);
  });
});
