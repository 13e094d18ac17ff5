// What a developer sees: each distinct problem is logged once, as a warning naming the URL and
// what the server said; nothing is logged on the happy path; `logger: false` silences it all.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { booleanFlag, makeSnapshot, optionsFor, quietPeriod, until, useHarness } from './helpers';

const harness = useHarness();
const s1 = makeSnapshot([booleanFlag('a', true)]);
const s2 = makeSnapshot([booleanFlag('a', false)]);

function spyLogger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}
const said = (logger: ReturnType<typeof spyLogger>) => logger.warn.mock.calls.map(([message]) => String(message));
const silentOtherwise = (logger: ReturnType<typeof spyLogger>) => {
  expect(logger.debug).not.toHaveBeenCalled();
  expect(logger.info).not.toHaveBeenCalled();
  expect(logger.error).not.toHaveBeenCalled();
};

afterEach(() => vi.restoreAllMocks());

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('logger', () => {
  it('the happy path logs nothing: start, live edits, a reconnect', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const logger = spyLogger();
    const client = harness.client(optionsFor(server, { logger }));
    await client.ready();
    server.setSnapshot(s2);
    await until(() => client.getBoolean('a', true, 'u') === false);
    expect(client.getBoolean('a', true, 'u')).toBe(false);
    expect(logger.warn).not.toHaveBeenCalled();
    silentOtherwise(logger);
  });

  it('a namespace that does not exist (404): once, with the URL and the server\'s message, however often it is retried', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const logger = spyLogger();
    const client = harness.client(optionsFor(server, { namespace: 'nope', logger }));
    await expect(client.ready()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.refresh().catch(() => {});
    await client.refresh().catch(() => {});
    expect(said(logger)).toHaveLength(1);
    expect(said(logger)[0]).toMatch(/^\[flagcast\] GET http:\/\/127\.0\.0\.1:\d+\/.*nope.*: HTTP 404/);
    silentOtherwise(logger);
  });

  it('a refused token (401): once, with the URL and what the server said', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.failNext('any', 401, 10, { message: 'token expired' });
    const logger = spyLogger();
    const client = harness.client(optionsFor(server, { logger, authentication: { clientToken: 'secret-token' } }));
    await expect(client.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await client.refresh().catch(() => {});
    expect(said(logger)).toHaveLength(1);
    expect(said(logger)[0]).toContain(server.url);
    expect(said(logger)[0]).toContain('token expired');
    expect(said(logger)[0]).not.toContain('secret-token');
  });

  it('a snapshot refused: once, saying why; the last good flags stay', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const logger = spyLogger();
    const client = harness.client(optionsFor(server, { logger, transport: 'poll', pollIntervalMs: 60_000 }));
    await client.ready();
    const broken = { ...s2, flags: [{ key: 'a', type: 'NOPE' }], digest: 'broken' };
    server.setSnapshot(broken);
    await expect(client.refresh()).rejects.toMatchObject({ code: 'INVALID_SNAPSHOT' });
    await expect(client.refresh()).rejects.toMatchObject({ code: 'INVALID_SNAPSHOT' });
    expect(said(logger)).toHaveLength(1);
    expect(said(logger)[0]).toMatch(/invalid/i);
    expect(client.getBoolean('a', false, 'u')).toBe(true);
  });

  it('a wrong port: the stream that keeps failing is said once, with the last error, while it retries', async () => {
    const port = await closedPort();
    const logger = spyLogger();
    const client = harness.client({ url: `http://127.0.0.1:${port}`, cache: 'none', retry: { minDelayMs: 5, maxDelayMs: 10 }, logger });
    await until(() => said(logger).length === 1);
    await quietPeriod(100); // many more failed attempts
    expect(client.connection).not.toBe('open');
    expect(said(logger)).toHaveLength(1);
    expect(said(logger)[0]).toContain(`127.0.0.1:${port}`);
    expect(said(logger)[0]).toMatch(/keeps failing.*network error/);
  });

  it('console by default; logger: false says nothing at all', async () => {
    const server = await harness.server({ dialect: 'relay' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const loud = harness.client(optionsFor(server, { namespace: 'nope' }));
    await expect(loud.ready()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(warn).toHaveBeenCalledTimes(1);
    const quiet = harness.client(optionsFor(server, { namespace: 'other', logger: false }));
    await expect(quiet.ready()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
