import type { Snapshot } from '../types.js';
import { FlagClientError } from '../errors.js';
import { parseSnapshot } from '../snapshot/parseSnapshot.js';
import type { Endpoint, ServerApi } from './endpoints.js';
import { FOLLOWER_DEFAULTS } from './followerDefaults.js';
import { fetchSnapshot, type FetchedSnapshot } from './fetchSnapshot.js';
import { answerProblem, etagProblem } from './checkAnswer.js';
import { runConnectionLoop, type ConnectionState } from './connectionLoop.js';
import { InvalidEventError, OversizedEventError, readStream, SilentStreamError, type StreamMemory, type StreamMessage } from './streamTransport.js';

/** Where a network source delivers: a client's store (through its owner), or a relay. */
export interface NetworkSink {
  /** The identity of the snapshot in hand and whether it came from this network. */
  current(): { digest: string | undefined; fromNetwork: boolean; hasSnapshot: boolean };
  /** A validated snapshot; `body` is the JSON text as received, when it came from a GET. */
  deliver(snapshot: Snapshot, identity: string | undefined, body?: string): void;
  /** A 304: what is in hand is current. */
  confirmed(): void;
  connection(state: ConnectionState): void;
  /** Polling after all: the server has no stream (Flipt v1). */
  polling(): void;
  /** A problem; the source carries on (the loop decides about retrying). */
  report(error: FlagClientError): void;
  /** The stream is open: a transient problem from before is over. */
  opened(): void;
}


export interface NetworkSourceOptions {
  endpoint: Endpoint;
  fetch: typeof fetch;
  transport: 'sse' | 'poll';
  pollIntervalMs: number;
  requestTimeoutMs: number;
  streamIdleTimeoutMs: number;
  silentStreamTimeoutMs: number;
  firstDeliveryTimeoutMs: number;
  minDelayMs: number;
  maxDelayMs: number;
  includeSnapshotInStream: boolean;
  maxEventBytes: number;
  /** Largest snapshot body taken from a GET, in bytes. Default 32 MiB (the relay's limit for its upstream). */
  maxSnapshotBytes?: number | undefined;
}

export interface NetworkSource {
  /** Conditional GET now. Rejects with FlagClientError. */
  refresh(): Promise<void>;
  /** Stops every request and timer; `start` may be called again (a tab that leads again). */
  stop(): void;
  start(): void;
}

/**
 * Follows one namespace on a Flipt server or relay: the v2 stream where there is one (inline
 * snapshots from a relay, `refetchEvaluation` → conditional GET from Flipt), else ETag polling
 * of the v1 snapshot path (a server whose stream answers 404 while its v1 snapshot answers is a
 * Flipt v1). Used by browser clients and by the relay following its upstream alike.
 */
export function createNetworkSource(options: NetworkSourceOptions, sink: NetworkSink): NetworkSource {
  let api: ServerApi = 'v2';
  let mode = options.transport;
  let inline = options.includeSnapshotInStream;
  const memory: StreamMemory = { heartbeats: false };
  let lifetime = new AbortController();
  /** Streams in a row that failed before delivering anything (a proxy that kills them, say). */
  let barren = 0;
  /** The identity of an invalid snapshot the server announced: not fetched again. */
  let rejected: string | undefined;
  let stopLoop: (() => void) | undefined;
  const maxSnapshotBytes = options.maxSnapshotBytes ?? FOLLOWER_DEFAULTS.maxSnapshotBytes;

  /** Conditional on whatever is in hand (a bootstrap or cached snapshot too): a 304 confirms it. */
  function fetchFrom(which: ServerApi): Promise<FetchedSnapshot | undefined> {
    return fetchSnapshot(options.fetch, options.endpoint, which, sink.current().digest, options.requestTimeoutMs, maxSnapshotBytes, lifetime.signal);
  }

  function install(fetched: FetchedSnapshot | undefined): void {
    if (fetched) sink.deliver(fetched.snapshot, fetched.etag, fetched.text);
    else sink.confirmed();
  }

  /**
   * After a 404 from a v2 endpoint: a server that answers a snapshot path all the same has no
   * stream (Flipt v1 on its v1 path, a proxy or an older relay on the v2 one): poll it. Else the
   * 404 stands (a namespace that does not exist), unless a path gave an answer of its own (a v1
   * server refusing the token: 401/403).
   */
  async function pollInstead(notFound: FlagClientError, candidates: ServerApi[]): Promise<void> {
    for (const which of candidates) {
      let fetched: FetchedSnapshot | undefined;
      try {
        fetched = await fetchFrom(which);
      } catch (error) {
        const status = (error as FlagClientError).status;
        if (status === undefined || status === 404) continue;
        throw error;
      }
      // Switched before the snapshot is installed: whoever `ready()` wakes sees the polling state.
      api = which;
      if (mode === 'sse') {
        mode = 'poll';
        sink.polling();
      }
      sink.opened();
      install(fetched);
      return;
    }
    throw notFound;
  }

  async function refresh(): Promise<void> {
    try {
      install(await fetchFrom(api));
    } catch (error) {
      if (api === 'v2' && (error as FlagClientError).code === 'NOT_FOUND') await pollInstead(error as FlagClientError, ['v1']);
      else throw error;
    }
  }

  /**
   * One stream message. An inline snapshot is taken at once (no promise); a notification returns
   * its GET; an invalid event throws InvalidEventError (ignored, and counted by the stream).
   */
  function onMessage(message: StreamMessage): Promise<void> | void {
    const badEtag = message.etag ? etagProblem(String(message.etag)) : undefined;
    if (badEtag) throw new InvalidEventError('INVALID_SNAPSHOT', `the stream sent ${badEtag}`);
    if (message.type === 'snapshot' && message.snapshot) {
      let next: Snapshot;
      try {
        next = parseSnapshot(message.snapshot);
      } catch (error) {
        throw new InvalidEventError('INVALID_SNAPSHOT', `the stream sent an invalid snapshot: ${(error as Error).message}`);
      }
      const problem = answerProblem(next, message.etag || undefined, options.endpoint.namespace);
      if (problem) throw new InvalidEventError('INVALID_SNAPSHOT', `the stream sent a snapshot of ${problem}`);
      sink.deliver(next, message.etag);
    } else if (message.type === 'refetchEvaluation') {
      const { digest, fromNetwork } = sink.current();
      if (message.etag && message.etag === rejected) return; // known bad: wait for the next change
      if (message.etag && message.etag === digest && fromNetwork) return;
      return refetch(message.etag);
    } else if (message.type === 'error') {
      const code = message.code === 16 ? 'UNAUTHORIZED' : message.code === 7 ? 'FORBIDDEN' : message.code === 5 ? 'NOT_FOUND' : 'STREAM_ERROR';
      throw new FlagClientError(code, `the stream reported: ${message.message ?? 'an error'} (code ${message.code})`);
    }
  }

  async function refetch(etag: string | undefined): Promise<void> {
    try {
      await refresh();
    } catch (error) {
      if ((error as FlagClientError).code !== 'INVALID_SNAPSHOT') throw error;
      // Keep the stream: reconnecting would only fetch the same bad snapshot again.
      rejected = etag;
      sink.report(error as FlagClientError);
    }
  }

  async function stream(signal: AbortSignal, markGood: () => void): Promise<void> {
    let delivered = false;
    // With nothing to evaluate, do not wait on a stream that says nothing: GET the snapshot.
    const firstDelivery = setTimeout(() => {
      if (!delivered && !sink.current().hasSnapshot) refresh().catch((error: FlagClientError) => sink.report(error));
    }, options.firstDeliveryTimeoutMs);
    const { digest, fromNetwork } = sink.current();
    try {
      await readStream(
        {
          fetch: options.fetch,
          endpoint: options.endpoint,
          query: { digest: fromNetwork ? digest : undefined, includeSnapshot: inline, maxEventBytes: options.maxEventBytes },
          memory,
          idleTimeoutMs: options.streamIdleTimeoutMs,
          silentTimeoutMs: options.silentStreamTimeoutMs,
          onMessage,
          onBadEvent: sink.report,
          onOpen: sink.opened,
          onDelivery() {
            delivered = true;
            barren = 0;
            markGood();
          },
        },
        signal,
      );
    } catch (error) {
      // The stream is over: its first-delivery timer must not add a GET to the one made below.
      clearTimeout(firstDelivery);
      if (error instanceof OversizedEventError && inline) {
        // Too large to take inline: ask for notifications from now on, and GET it now.
        inline = false;
        sink.report(error);
        await refresh();
        markGood();
        return;
      }
      // Silence is routine for Flipt, but so it is for a hung one, whose held headers look the
      // same: a conditional GET (bounded) tells them apart before reconnecting with the digest.
      if (error instanceof SilentStreamError) {
        if (sink.current().hasSnapshot) await refresh();
        return;
      }
      if ((error as FlagClientError).code === 'NOT_FOUND' && api === 'v2') {
        await pollInstead(error as FlagClientError, ['v2', 'v1']);
        markGood();
        return;
      }
      // Streams that keep dying before they deliver (a proxy that cuts them): changes to what is
      // in hand still arrive, by a GET per retry.
      if (!delivered && ++barren >= 3 && sink.current().hasSnapshot) await refresh().catch(sink.report);
      throw error;
    } finally {
      clearTimeout(firstDelivery);
    }
  }

  function start(): void {
    if (stopLoop) return;
    lifetime = new AbortController();
    stopLoop = runConnectionLoop({
      steadyDelayMs: () => (mode === 'poll' ? options.pollIntervalMs : 0),
      minDelayMs: options.minDelayMs,
      maxDelayMs: options.maxDelayMs,
      onConnection: sink.connection,
      onError: sink.report,
      async connect(signal, markGood) {
        if (mode === 'sse') return stream(signal, markGood);
        await refresh();
        markGood();
        sink.opened();
      },
    });
  }

  return {
    refresh,
    start,
    stop() {
      stopLoop?.();
      stopLoop = undefined;
      lifetime.abort();
    },
  };
}
