// Work a stream can cause is bounded: memory flat however long it lives, one GET in flight and
// one pending however many notifications arrive, a stream of garbage dropped, and a silent
// server checked. Real servers on 127.0.0.1.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MAX_INVALID_EVENTS_IN_A_ROW } from '../../src/transport/streamTransport';
import { booleanFlag, makeSnapshot, useHarness, quietPeriod, until } from '../client/helpers';
import { follow } from './followNamespace';

// Servers closed after each test (client/helpers' harness).
const { server } = useHarness();

const MIB = 1024 * 1024;
const s1 = makeSnapshot([booleanFlag('a', true)]);
const s2 = makeSnapshot([booleanFlag('a', false)]);
const hex40 = (i: number) => i.toString(16).padStart(40, '0');

/** Node's collector, without `--expose-gc` on the command line. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function heapAfterGc(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

describe('memory', () => {
  it('stays flat over 300 inline 100 KB events on one stream', async () => {
    const gc = collector();
    const s = await server({ dialect: 'relay' });
    s.setSnapshot(s1);
    const { delivered } = follow(s);
    await until(() => delivered.length === 1);
    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const big = makeSnapshot([booleanFlag('a', true, { description: `${'x'.repeat(100_000)}${i}` })]);
        await s.sendInline(big, big.digest);
      }
      await until(() => delivered.length === 1 + to, 20_000);
    };
    await send(0, 20); // warm up
    const before = await heapAfterGc(gc);
    await send(20, 320);
    const after = await heapAfterGc(gc);
    console.log(`heap over 300 inline 100 KB events: ${(before / MIB).toFixed(1)} -> ${(after / MIB).toFixed(1)} MiB`);
    expect(s.count('stream')).toBe(1);
    // Kept chunks would be 30 MB.
    expect(after - before).toBeLessThan(8 * MIB);
  }, 60_000);
});

describe('notifications', () => {
  it('2,000 refetchEvaluation events cost one GET in flight and one pending', async () => {
    const s = await server({ dialect: 'flipt' });
    s.setSnapshot(s1);
    const followed = follow(s);
    const { delivered } = followed;
    await until(() => delivered.length === 1);
    await s.waitFor(() => s.openStreams === 1);
    const before = s.count('snapshot');
    s.hold('snapshot');
    await s.sendRaw(Array.from({ length: 2000 }, (_, i) => `data: {"etag":"${hex40(i)}","type":"refetchEvaluation"}\n\n`).join(''));
    await s.waitFor(() => s.heldCount === 1);
    await quietPeriod(100);
    expect(s.count('snapshot')).toBe(before + 1);
    s.release();
    await until(() => s.count('snapshot') === before + 2 && s.requestsOf('snapshot').every((r) => r.closed));
    await quietPeriod(200);
    expect(s.count('snapshot')).toBe(before + 2);
    expect(s.count('stream')).toBe(1);
    expect(followed.confirmed).toBe(2);
  });

  it('the pending one is dropped when the stream closes', async () => {
    const s = await server({ dialect: 'flipt' });
    s.setSnapshot(s1);
    const { delivered } = follow(s);
    await until(() => delivered.length === 1);
    await s.waitFor(() => s.openStreams === 1);
    const before = s.count('snapshot');
    s.hold('snapshot');
    await s.sendRaw(Array.from({ length: 100 }, (_, i) => `data: {"etag":"${hex40(i)}","type":"refetchEvaluation"}\n\n`).join(''));
    await s.waitFor(() => s.heldCount === 1);
    await s.killStreams();
    await s.waitFor(() => s.count('stream') === 2);
    s.release();
    await quietPeriod(300);
    expect(s.count('snapshot')).toBe(before + 1);
  });
});

describe('a stream of invalid events', () => {
  it(`is dropped and reconnected after ${MAX_INVALID_EVENTS_IN_A_ROW} in a row; a valid one in between starts the count again`, async () => {
    const s = await server({ dialect: 'relay' });
    s.setSnapshot(s1);
    const { delivered, errors } = follow(s);
    await until(() => delivered.length === 1);
    const bad = (n: number) => s.sendRaw('data: {not json\n\n'.repeat(n));
    await bad(MAX_INVALID_EVENTS_IN_A_ROW - 1);
    await s.sendInline(s2, s2.digest);
    await bad(MAX_INVALID_EVENTS_IN_A_ROW - 1);
    await until(() => delivered.length === 2 && errors.length === 2 * (MAX_INVALID_EVENTS_IN_A_ROW - 1));
    await quietPeriod(100);
    expect(s.count('stream')).toBe(1);
    await bad(1);
    await s.waitFor(() => s.count('stream') === 2);
    expect(errors.at(-1)!.message).toMatch(new RegExp(`^GET ${s.url}${s.streamPath()}\\S*: ${MAX_INVALID_EVENTS_IN_A_ROW} invalid events in a row \\(.*malformed`));
    expect(s.requestsOf('stream')[0]!.abortedByClient).toBe(true);
  });

  it('invalid inline snapshots count too', async () => {
    const s = await server({ dialect: 'relay' });
    s.setSnapshot(s1);
    const { delivered } = follow(s);
    await until(() => delivered.length === 1);
    for (let i = 0; i < MAX_INVALID_EVENTS_IN_A_ROW; i++) await s.sendInline({ flags: 'no' }, hex40(i));
    await s.waitFor(() => s.count('stream') === 2);
  });
});

describe('a silent stream (Flipt holds headers and sends nothing while nothing changes)', () => {
  it('is checked by a conditional GET past its bound: a server that does not answer it is reported', async () => {
    const s = await server({ dialect: 'flipt' });
    s.setSnapshot(s1);
    const followed = follow(s, { silentStreamTimeoutMs: 150, requestTimeoutMs: 200 });
    const { delivered, errors } = followed;
    await until(() => delivered.length === 1);
    await until(() => followed.confirmed >= 1); // the first check: 304
    expect(errors).toEqual([]);
    s.hold('snapshot'); // hung: connections accepted, nothing answered
    await until(() => errors.length >= 1);
    expect(errors[0]!.code).toBe('TIMEOUT');
    expect(errors[0]!.message).toBe(`GET ${s.url}${s.snapshotPath()}: no answer within 200 ms`);
  });
});
