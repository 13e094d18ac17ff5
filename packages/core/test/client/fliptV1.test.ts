// Issue 11, point 4: Flipt v1 servers (1.47+) serve only the v1 snapshot path, with an ETag
// that is the SHA-1 of the store's version, and have no stream. The same client, unchanged,
// follows them by ETag polling on its own (and says so in `transport`), sending what Flipt's own
// SDK sends; against a v2 server it keeps the stream.
import { describe, expect, it } from 'vitest';
import { FlagClientError } from '../../src/index';
import type { FlagServer } from '../support/flagServer';
import { bareEtag, booleanFlag, connectedClient, makeSnapshot, optionsFor, quietPeriod, record, until, useHarness, variantFlag } from './helpers';

// A default variant is what a v1 server strips for clients that do not declare 1.47.0.
const s1 = makeSnapshot([booleanFlag('a', true), variantFlag('theme', 'dark')]);
const s2 = makeSnapshot([booleanFlag('a', false), variantFlag('theme', 'dark')]);

const harness = useHarness();

function v1Requests(server: FlagServer) {
  return server.requestsOf('snapshot').filter((r) => r.api === 'v1');
}

async function v1Server(): Promise<FlagServer> {
  const server = await harness.server({ api: 'v1' });
  server.setSnapshot(s1);
  return server;
}

describe('Flipt v1: a server without the stream is polled by ETag, on its own', () => {
  it('the stream 404s, the v1 snapshot answers: transport becomes poll; what is sent is what Flipt\'s SDK sends', async () => {
    const server = await v1Server();
    const client = harness.client(optionsFor(server, { pollIntervalMs: 30 }));
    expect(client.transport).toBe('sse');
    await client.ready();
    expect(client.transport).toBe('poll');
    expect(client.getState().transport).toBe('poll');
    expect(client.error).toBeNull();
    // The ETag (SHA-1 of the store version) is the identity: the v1 body has no digest.
    expect(client.digest).toBe(server.etag());
    expect(client.digest).not.toBe(s1.digest);
    expect(client.getVariant('theme', 'none', 'user-1')).toBe('dark');

    const [stream] = server.requestsOf('stream');
    expect(stream!.status).toBe(404);
    const [first] = v1Requests(server);
    expect(first!.rawUrl).toBe('/internal/v1/evaluation/snapshot/namespace/default');
    expect(first!.headers['x-flipt-environment']).toBe('default');
    expect(first!.headers['x-flipt-accept-server-version']).toBe('1.47.0');
    expect(first!.headers['if-none-match']).toBeUndefined();
    expect(first!.status).toBe(200);
  });

  it('polls with If-None-Match; 304s change nothing; a change arrives; no stream is asked for again', async () => {
    const server = await v1Server();
    const client = harness.client(optionsFor(server, { pollIntervalMs: 30 }));
    await client.ready();
    const rec = record(client);
    await server.waitFor(() => v1Requests(server).length >= 4 && v1Requests(server)[3]!.closed);
    for (const poll of v1Requests(server).slice(1, 4)) {
      expect(bareEtag(poll.headers['if-none-match'])).toBe(server.etag());
      expect(poll.headers['x-flipt-accept-server-version']).toBe('1.47.0');
      expect(poll.status).toBe(304);
    }
    expect(rec.snapshotEvents()).toEqual([]);
    expect(client.error).toBeNull();

    server.setSnapshot(s2);
    await until(() => client.digest === server.etag());
    expect(client.getBoolean('a', true, 'user-1')).toBe(false);
    expect(rec.snapshotEvents()).toEqual([{ type: 'snapshot', changedFlags: ['a'] }]);
    expect(server.count('stream')).toBe(1);
    // The v2 snapshot path is tried once, when the stream 404s (a server without a stream may
    // serve it), then only the v1 path is polled.
    expect(server.requestsOf('snapshot').filter((r) => r.api === 'v2').map((r) => r.status)).toEqual([404]);
  });

  it('transport "poll" against v1: the v2 snapshot path 404s, the v1 path is polled', async () => {
    const server = await v1Server();
    const client = harness.client(optionsFor(server, { transport: 'poll', pollIntervalMs: 30 }));
    await client.ready();
    expect(client.transport).toBe('poll');
    expect(server.requestsOf('snapshot').filter((r) => r.api === 'v2').map((r) => r.status)).toEqual([404]);
    server.setSnapshot(s2);
    await until(() => client.digest === server.etag());
    expect(server.count('stream')).toBe(0);
  });

  it('the environment travels in x-flipt-environment', async () => {
    const server = await v1Server();
    const staging = makeSnapshot([booleanFlag('a', false), booleanFlag('staging-only', true)]);
    server.setSnapshot(staging, { environment: 'staging' });
    const client = harness.client(optionsFor(server, { environment: 'staging', pollIntervalMs: 30 }));
    await client.ready();
    expect(client.getBoolean('staging-only', false, 'user-1')).toBe(true);
    expect(v1Requests(server)[0]!.headers['x-flipt-environment']).toBe('staging');
  });

  it('the reference option is sent as ?reference= and picks that git reference\'s snapshot', async () => {
    const server = await v1Server();
    const branch = makeSnapshot([booleanFlag('a', false), booleanFlag('on-the-branch', true)]);
    server.setSnapshot(branch, { reference: 'feature/new-ui' });
    const client = harness.client(optionsFor(server, { reference: 'feature/new-ui', pollIntervalMs: 30 }));
    await client.ready();
    expect(client.getBoolean('on-the-branch', false, 'user-1')).toBe(true);
    const [first] = v1Requests(server);
    expect(first!.url.searchParams.get('reference')).toBe('feature/new-ui');
    expect(first!.rawUrl).toBe('/internal/v1/evaluation/snapshot/namespace/default?reference=feature%2Fnew-ui');
  });

  it('without the declared version a v1 server strips default variants: the client declares it', async () => {
    // The server's side of the bargain, checked with plain fetch...
    const server = await v1Server();
    const url = server.url + server.v1SnapshotPath();
    const bare = (await (await fetch(url)).json()) as { flags: Array<{ defaultVariant?: unknown }> };
    expect(bare.flags[1]!.defaultVariant).toBeUndefined();
    // ...and the client's: it gets the default variant.
    const client = harness.client(optionsFor(server, { pollIntervalMs: 30 }));
    await client.ready();
    expect(client.evaluateVariant({ flagKey: 'theme', entityId: 'user-1', context: {} })).toMatchObject({ variantKey: 'dark', reason: 'DEFAULT_EVALUATION_REASON' });
  });

  it('a wrong namespace on a v1 server: NOT_FOUND, status error, ready() rejects', async () => {
    const server = await v1Server();
    const client = harness.client(optionsFor(server, { namespace: 'prod', pollIntervalMs: 30, retry: { minDelayMs: 5, maxDelayMs: 100 } }));
    const error = await client.ready().then(() => undefined, (e: FlagClientError) => e);
    expect(error).toBeInstanceOf(FlagClientError);
    expect(error!.code).toBe('NOT_FOUND');
    expect(error!.message).toContain(server.url);
    expect(client.status).toBe('error');
    // The namespace's own snapshot (a client refuses another namespace's).
    server.setSnapshot(makeSnapshot(s1.flags, { namespace: 'prod' }), { namespace: 'prod' });
    await until(() => client.status === 'ready', 3000);
    expect(client.transport).toBe('poll');
  });

  it('a wrong token on a v1 server: UNAUTHORIZED with the server\'s message, and no more requests', async () => {
    const server = await harness.server({ api: 'v1', authorization: 'Bearer right' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { authentication: { clientToken: 'wrong' }, pollIntervalMs: 30 }));
    const error = await client.ready().then(() => undefined, (e: FlagClientError) => e);
    expect(error?.code).toBe('UNAUTHORIZED');
    expect(error!.message).toContain(server.url + server.v1SnapshotPath());
    expect(error!.message).toContain('request was not authenticated');
    expect(client.status).toBe('error');
    const requests = server.count('any');
    await quietPeriod(300);
    expect(server.count('any')).toBe(requests);
  });
});

describe('a v2 server keeps the stream', () => {
  it.each(['flipt', 'relay'] as const)('%s dialect: transport stays sse, changes arrive on the one stream, the v1 path is never asked', async (dialect) => {
    const { server, client } = await connectedClient(harness, { dialect }, s1);
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(client.transport).toBe('sse');
    expect(server.count('stream')).toBe(1);
    expect(v1Requests(server)).toEqual([]);
  });

  it('the v1 path the v2 server also serves is not needed, but is there (as Flipt v2 does)', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    const res = await fetch(server.url + server.v1SnapshotPath(), { headers: { 'x-flipt-environment': 'default' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(s1.digest);
  });
});
