import { createParser, type ParseError } from 'eventsource-parser';
import { FlagClientError } from '../errors.js';
import { headers, streamUrl, type Endpoint } from './endpoints.js';
import { httpError } from './httpError.js';

/** A data event of the stream, parsed: Flipt's `refetchEvaluation`/`error`, or a relay's inline `snapshot`. */
export interface StreamMessage {
  type: string;
  etag?: string;
  snapshot?: unknown;
  code?: number;
  message?: string;
}

export interface StreamOptions {
  fetch: typeof fetch;
  endpoint: Endpoint;
  /** The digest to resume from (sent as `?digest=` when it has 40 characters). */
  digest: string | undefined;
  includeSnapshot: boolean;
  /** Silence after which a stream that has sent heartbeats is taken as dead. */
  idleTimeoutMs: number;
  /**
   * Silence after which a stream that never sent heartbeats (Flipt) is reconnected anyway, so a
   * connection that died without a reset is noticed. Reconnecting sends the digest, so an
   * unchanged server sends nothing.
   */
  silentTimeoutMs: number;
  maxEventBytes: number;
  /** Handles one message; a rejection drops the connection (it is retried). */
  onMessage(message: StreamMessage): Promise<void> | void;
  /** A malformed event: reported, and the stream goes on. */
  onBadEvent(error: FlagClientError): void;
}

/**
 * Reads one SSE connection until it fails or ends (an end is a failure: streams are meant to
 * stay open). Flipt holds its headers until the first event and sends no heartbeats, so the
 * silence watchdog arms only once the server has shown it sends heartbeats (the relay does).
 */
export async function readStream(options: StreamOptions, signal: AbortSignal, markGood: () => void, onOpen: () => void): Promise<never> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort);
  let failure: FlagClientError | undefined;
  const fail = (error: FlagClientError) => {
    failure ||= error;
    controller.abort();
  };
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let heartbeats = false;
  const resetWatchdog = () => {
    clearTimeout(watchdog);
    const limit = heartbeats ? options.idleTimeoutMs : options.silentTimeoutMs;
    watchdog = setTimeout(() => fail(new FlagClientError('TIMEOUT', `the stream went silent for ${limit} ms`)), limit);
  };
  let queue = Promise.resolve();

  try {
    resetWatchdog(); // also bounds the wait for headers (Flipt holds them until its first event)
    const response = await options.fetch(streamUrl(options.endpoint, options.digest, options.includeSnapshot), {
      headers: headers(options.endpoint, { Accept: 'text/event-stream' }),
      signal: controller.signal,
    });
    if (!response.ok) throw httpError(response.status, 'stream request');
    const type = response.headers.get('content-type') || '';
    if (!type.includes('text/event-stream') || !response.body) {
      throw new FlagClientError('STREAM_ERROR', `the stream answered ${type || 'no content type'}, not text/event-stream`);
    }
    onOpen();
    const parser = createParser({
      maxBufferSize: options.maxEventBytes,
      onComment() {
        // The server sends heartbeats: from now on, a short silence means a dead connection.
        // (A heartbeat alone does not reset the backoff: a server that accepts, pings and dies
        // must still be retried less and less often.)
        if (!heartbeats) {
          heartbeats = true;
          resetWatchdog();
        }
      },
      onError(error: ParseError) {
        // The SSE spec ignores unknown fields and bad retry hints; only an oversized event is fatal.
        if (error.type === 'max-buffer-size-exceeded') fail(new FlagClientError('STREAM_ERROR', `stream event too large: ${error.message}`));
      },
      onEvent(event) {
        let message: StreamMessage;
        try {
          message = JSON.parse(event.data) as StreamMessage;
          if (typeof message !== 'object' || !message || typeof message.type !== 'string') throw new Error('no "type"');
        } catch (error) {
          options.onBadEvent(new FlagClientError('STREAM_ERROR', `ignored a malformed stream event (${(error as Error).message})`));
          return;
        }
        markGood();
        // Messages are handled in order; one that fails (a refetch that errors) drops the connection.
        queue = queue.then(() => options.onMessage(message)).catch((error: unknown) => fail(error as FlagClientError));
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    resetWatchdog();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      resetWatchdog();
      parser.feed(value);
    }
    await queue;
    throw new FlagClientError('STREAM_ERROR', 'the stream ended');
  } catch (error) {
    throw failure || error;
  } finally {
    clearTimeout(watchdog);
    signal.removeEventListener('abort', abort);
    controller.abort();
  }
}
