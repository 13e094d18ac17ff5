import { createParser, type EventSourceParser, type ParseError } from 'eventsource-parser';
import { FlagClientError } from '../errors.js';
import { asClientError } from './httpError.js';
import { createMessageQueue, type MessageQueue } from './messageQueue.js';
import { InvalidEventError, MAX_INVALID_EVENTS_IN_A_ROW, OversizedEventError } from './streamErrors.js';
import type { StreamMessage, StreamOptions } from './streamTransport.js';

/** The message types a client acts on; others (a newer server's) are deliveries, nothing more. */
const HANDLED_TYPES = new Set(['snapshot', 'refetchEvaluation', 'error']);

/**
 * One stream's SSE parser and message queue: events become messages, handled in order;
 * malformed and invalid events are reported and counted, and `fail` ends the stream after too
 * many in a row, on an oversized event, or when a message's handling fails (events after that
 * are not handled: the queue is closed).
 */
export function createEventParser(url: string, options: StreamOptions, fail: (error: FlagClientError) => void, onComment: () => void): { parser: EventSourceParser; queue: MessageQueue } {
  let invalidInARow = 0;
  const invalid = (error: FlagClientError) => {
    options.onBadEvent(error);
    // A stream that only sends garbage is broken: a new connection may not be.
    if (++invalidInARow >= MAX_INVALID_EVENTS_IN_A_ROW) {
      fail(new FlagClientError('STREAM_ERROR', `GET ${url}: ${invalidInARow} invalid events in a row (${error.message})`, { url }));
    }
  };
  const queue = createMessageQueue(
    (message) => {
      let result: Promise<void> | void;
      try {
        result = options.onMessage(message);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        return invalid(error);
      }
      invalidInARow = 0;
      // An error event is a failure, not a delivery: it must not reset the backoff.
      options.onDelivery();
      return result;
    },
    (error) => fail(asClientError(error, undefined, url)),
  );
  const parser = createParser({
    maxBufferSize: options.query.maxEventBytes,
    onComment,
    onError(error: ParseError) {
      // The SSE spec ignores unknown fields and bad retry hints; only an oversized event is fatal.
      if (error.type === 'max-buffer-size-exceeded') {
        fail(new OversizedEventError('STREAM_ERROR', `GET ${url}: a stream event exceeded maxEventBytes (${options.query.maxEventBytes})`, { url }));
      }
    },
    onEvent(event) {
      let message: StreamMessage;
      try {
        message = JSON.parse(event.data) as StreamMessage;
        if (typeof message !== 'object' || !message || typeof message.type !== 'string') throw new Error('no "type"');
      } catch (error) {
        invalid(new FlagClientError('STREAM_ERROR', `GET ${url}: ignored a malformed stream event (${(error as Error).message})`, { url }));
        return;
      }
      if (HANDLED_TYPES.has(message.type)) queue.push(message);
      else options.onDelivery();
    },
  });
  return { parser, queue };
}
