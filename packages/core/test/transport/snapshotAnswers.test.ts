// What a snapshot GET (or an inline stream snapshot) may bring back: bounded in size while it is
// read, of the namespace asked for, with an identity that can be passed on, and never a 304
// without a snapshot in hand. Against a real server on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { FlagClientError } from '../../src/index';
import { booleanFlag, makeSnapshot, useHarness, until } from '../client/helpers';
import { follow } from './followNamespace';

// Servers closed after each test (client/helpers' harness).
const { server } = useHarness();

const MIB = 1024 * 1024;
const s1 = makeSnapshot([booleanFlag('a', true)]);
const s2 = makeSnapshot([booleanFlag('a', false)]);

async function refusal(promise: Promise<unknown>): Promise<FlagClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(FlagClientError);
  return error as FlagClientError;
}

describe('a snapshot larger than maxSnapshotBytes', () => {
  it('is refused on its Content-Length, before its body arrives', async () => {
    const s = await server();
    s.override('snapshot', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 400_000_000, etag: s1.digest });
      res.write('{"namespace":'); // and nothing more: only the declared length can tell
    });
    const { source } = follow(s, { maxSnapshotBytes: MIB, requestTimeoutMs: 60_000 }, false);
    const error = await refusal(source.refresh());
    expect(error.code).toBe('INVALID_SNAPSHOT');
    expect(error.message).toContain(`GET ${s.url}${s.snapshotPath()}`);
    expect(error.message).toContain(`limit of ${MIB} bytes (Content-Length 400000000)`);
  });

  it('is refused while it is read when it declares no length: the rest is never downloaded', async () => {
    const s = await server();
    const total = 64 * MIB;
    let written = 0;
    s.override('snapshot', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', etag: s1.digest }); // chunked
      const chunk = Buffer.alloc(64 * 1024, ' ');
      while (written < total && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
      }
      res.end();
    });
    const { source } = follow(s, { maxSnapshotBytes: MIB }, false);
    const error = await refusal(source.refresh());
    expect(error.code).toBe('INVALID_SNAPSHOT');
    expect(error.message).toContain(`GET ${s.url}${s.snapshotPath()}: snapshot over the limit of ${MIB} bytes (read so far)`);
    await s.waitFor(() => s.requestsOf('snapshot')[0]!.closed);
    // What socket buffers held when the client hung up, not the 64 MiB.
    expect(written).toBeLessThan(16 * MIB);
    expect(s.requestsOf('snapshot')[0]!.abortedByClient).toBe(true);
  });

  it('a body of exactly the limit is taken', async () => {
    const s = await server();
    s.setSnapshot(s1);
    const { source, delivered } = follow(s, { maxSnapshotBytes: JSON.stringify(s1).length }, false);
    await source.refresh();
    expect(delivered).toEqual([s1.digest]);
  });
});

describe("an answer that is not the one asked for", () => {
  it("another namespace's snapshot is refused as INVALID_SNAPSHOT", async () => {
    const s = await server();
    s.setSnapshot(makeSnapshot([booleanFlag('a', true)], { namespace: 'other' }));
    const { source, delivered } = follow(s, {}, false);
    const error = await refusal(source.refresh());
    expect(error.code).toBe('INVALID_SNAPSHOT');
    expect(error.message).toContain(`GET ${s.url}${s.snapshotPath()}: the server sent a snapshot of namespace "other" instead of "default"`);
    expect(delivered).toEqual([]);
  });

  it('an ETag longer than 256 characters is refused', async () => {
    const s = await server();
    s.setSnapshot(s1, { etag: 'e'.repeat(1000) });
    const { source, delivered } = follow(s, {}, false);
    const error = await refusal(source.refresh());
    expect(error.code).toBe('INVALID_SNAPSHOT');
    expect(error.message).toContain('an ETag of 1000 characters (limit 256)');
    expect(delivered).toEqual([]);
  });

  it('an ETag that is not an entity tag (a quote inside) is refused; quoted and weak ones are taken', async () => {
    const s = await server();
    s.setSnapshot(s1, { etag: '"ab"cd"' });
    const { source, delivered } = follow(s, {}, false);
    expect((await refusal(source.refresh())).message).toContain('an invalid ETag');
    s.setSnapshot(s1, { etag: `W/"${s1.digest}"` });
    await source.refresh();
    expect(delivered).toEqual([s1.digest]);
  });

  it('inline stream snapshots: a newline or 100 KB in the ETag, or another namespace, are refused; the next good one is taken', async () => {
    const s = await server({ dialect: 'relay' });
    s.setSnapshot(s1);
    const { delivered, errors } = follow(s);
    await until(() => delivered.length === 1);
    await s.sendInline(s2, `${s2.digest}\ndata: {"type":"injected"}`);
    await s.sendInline(s2, 'x'.repeat(100_000));
    const other = makeSnapshot([booleanFlag('b', true)], { namespace: 'other' });
    await s.sendInline(other, other.digest);
    await until(() => errors.length === 3);
    expect(errors.map((e) => e.code)).toEqual(['INVALID_SNAPSHOT', 'INVALID_SNAPSHOT', 'INVALID_SNAPSHOT']);
    expect(errors[0]!.message).toContain('the stream sent an invalid ETag "');
    expect(errors[1]!.message).toContain('the stream sent an ETag of 100000 characters (limit 256)');
    expect(errors[2]!.message).toContain('the stream sent a snapshot of namespace "other" instead of "default"');
    expect(delivered).toEqual([s1.digest]);
    await s.sendInline(s2, s2.digest);
    await until(() => delivered.length === 2);
    expect(delivered).toEqual([s1.digest, s2.digest]);
    expect(s.count('stream')).toBe(1);
  });
});

describe('304 Not Modified', () => {
  it('to a GET without If-None-Match is a failure, not a success with nothing in hand', async () => {
    const s = await server();
    s.setSnapshot(s1);
    s.override('snapshot', (_req, res) => {
      res.writeHead(304, { etag: s1.digest });
      res.end();
    });
    const followed = follow(s, {}, false);
    const { source, delivered } = followed;
    const error = await refusal(source.refresh());
    expect(error.code).toBe('HTTP_ERROR');
    expect(error.status).toBe(304);
    expect(error.message).toContain(`GET ${s.url}${s.snapshotPath()}: HTTP 304 without If-None-Match`);
    expect([delivered, followed.confirmed]).toEqual([[], 0]);
    await source.refresh(); // the server's normal answer
    expect(delivered).toEqual([s1.digest]);
  });
});
