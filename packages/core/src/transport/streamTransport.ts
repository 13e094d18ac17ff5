import { FlagClientError } from '../errors.js';
import { headers, streamUrl, type Endpoint, type StreamQuery } from './endpoints.js';
import { asClientError, httpError } from './httpError.js';
import { createEventParser } from './streamEvents.js';
import { SilentStreamError } from './streamErrors.js';

export { InvalidEventError, MAX_INVALID_EVENTS_IN_A_ROW, OversizedEventError, SilentStreamError } from './streamErrors.js';

/** A data event of the stream, parsed: Flipt's `refetchEvaluation`/`error`, or a relay's inline `snapshot`. */
export interface StreamMessage {
  type: string;
  etag?: string;
  snapshot?: unknown;
  code?: number;
  message?: string;
}

/** What a client remembers about its server across reconnects. */
export interface StreamMemory {
  /** The server has sent heartbeat comments: a short silence means a dead connection. */
  heartbeats: boolean;
}

export interface StreamOptions {
  fetch: typeof fetch;
  endpoint: Endpoint;
  query: StreamQuery;
  memory: StreamMemory;
  /** Silence after which a stream that sends heartbeats is taken as dead. */
  idleTimeoutMs: number;
  /**
   * Silence after which a stream that never sent heartbeats (Flipt) is reconnected anyway, so a
   * connection that died without a reset is noticed. Reconnecting sends the digest, so an
   * unchanged server sends nothing.
   */
  silentTimeoutMs: number;
  /**
   * Handles one message; a throw or rejection drops the connection (it is retried), except an
   * InvalidEventError: the event is ignored like a malformed one. Messages are handled in order;
   * while one is pending (a GET), later state messages coalesce into the newest.
   */
  onMessage(message: StreamMessage): Promise<void> | void;
  /** A malformed event: reported, and the stream goes on. */
  onBadEvent(error: FlagClientError): void;
  /** The server answered with an event stream. */
  onOpen(): void;
  /** The server delivered something: the backoff starts again from its minimum. */
  onDelivery(): void;
}

/**
 * Reads one SSE connection until it fails or ends; always rejects (streams are meant to stay
 * open, so an end is a failure too). Every way of stopping — an error event, a clean end, a
 * reset, silence, an abort — settles at once: the loop never waits on a read that a finished
 * body left pending, because stopping cancels the reader and rejects the read's own waiter.
 * (Each read gets a fresh waiter: racing every read against one promise pending for the
 * stream's life would leave a reaction per read on it, each holding its chunk.)
 */
export async function readStream(options: StreamOptions, signal: AbortSignal): Promise<never> {
  const url = streamUrl(options.endpoint, options.query);
  const controller = new AbortController();
  let failure: FlagClientError | undefined;
  let stopReading: (error: FlagClientError) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (stopReading = reject));
  stopped.catch(() => {});
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let waiter: ((error: FlagClientError) => void) | undefined;
  const fail = (error: FlagClientError) => {
    failure ||= error;
    stopReading(failure);
    waiter?.(failure);
    queue.close();
    reader?.cancel().catch(() => {});
    controller.abort();
  };
  const read = (from: ReadableStreamDefaultReader<string>) =>
    new Promise<ReadableStreamReadResult<string>>((resolve, reject) => {
      if (failure) return reject(failure);
      waiter = reject;
      from.read().then((result) => {
        waiter = undefined;
        resolve(result);
      }, reject);
    });
  const { parser, queue } = createEventParser(url, options, fail, () => {
    // Heartbeats: from now on (and after reconnects) a short silence means a dead connection.
    // A heartbeat alone does not reset the backoff: a server that accepts, pings and dies
    // must still be retried less and less often.
    if (!options.memory.heartbeats) {
      options.memory.heartbeats = true;
      resetWatchdog();
    }
  });
  const abort = () => fail(new FlagClientError('STREAM_ERROR', `GET ${url}: stopped`, { url }));
  if (signal.aborted) abort();
  signal.addEventListener('abort', abort);
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const resetWatchdog = () => {
    clearTimeout(watchdog);
    const heartbeats = options.memory.heartbeats;
    const limit = heartbeats ? options.idleTimeoutMs : options.silentTimeoutMs;
    watchdog = setTimeout(() => {
      const message = `GET ${url}: the stream went silent for ${limit} ms`;
      fail(heartbeats ? new FlagClientError('TIMEOUT', message, { url }) : new SilentStreamError('TIMEOUT', message, { url }));
    }, limit);
  };

  try {
    resetWatchdog(); // also bounds the wait for headers (Flipt holds them until its first event)
    const response = await Promise.race([
      options.fetch(url, { headers: headers(options.endpoint, 'v2', { Accept: 'text/event-stream' }), signal: controller.signal }),
      stopped,
    ]);
    if (!response.ok) throw await Promise.race([httpError(response, url), stopped]);
    const type = response.headers.get('content-type') || '';
    if (!type.includes('text/event-stream') || !response.body) {
      response.body?.cancel().catch(() => {});
      throw new FlagClientError('STREAM_ERROR', `GET ${url}: the server answered ${type || 'no content type'}, not text/event-stream`, { url });
    }
    options.onOpen();
    reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    if (failure) throw failure;
    resetWatchdog();
    for (;;) {
      const { done, value } = await read(reader);
      if (done) break;
      resetWatchdog();
      parser.feed(value);
    }
    await Promise.race([queue.idle(), stopped]);
    throw new FlagClientError('STREAM_ERROR', `GET ${url}: the stream ended`, { url });
  } catch (error) {
    throw failure || asClientError(error, undefined, url);
  } finally {
    clearTimeout(watchdog);
    signal.removeEventListener('abort', abort);
    queue.close();
    reader?.cancel().catch(() => {});
    controller.abort();
  }
}
