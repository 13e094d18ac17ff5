import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OfrepReply } from '../ofrep/ofrepEvaluation.js';
import { BodyReadError, readBody } from '../evaluation/readBody.js';
import { SliceScheduler } from '../evaluation/sliceScheduler.js';
import { RelayError } from '../relayError.js';
import { sendJson } from '../renderError.js';
import { GrpcCode, HttpStatus } from '../status.js';

/** Largest batch, and longest OFREP `flags` list, by default: far above what SDKs send, far below what stalls the relay. */
export const DEFAULT_MAX_BATCH_ITEMS = 1000;
export const DEFAULT_MAX_OFREP_FLAGS = 1000;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** How the evaluation endpoints (Flipt's and OFREP's) are bounded; one set per relay. */
export interface EvaluationLimits {
  /** Largest request body accepted. */
  maxBodyBytes: number;
  /** Time a client has to send its body. */
  bodyTimeoutMs: number;
  /** Requests a `POST /evaluate/v1/batch` may hold. */
  maxBatchItems: number;
  /** Keys an OFREP bulk's `flags` context entry may list. */
  maxOfrepFlags: number;
  /** One scheduler for every batch and bulk of the relay: they share the event loop in turns. */
  slices: SliceScheduler;
}

export function evaluationLimits(options: { maxBatchItems?: number; maxOfrepFlags?: number }): EvaluationLimits {
  return {
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
    maxBatchItems: options.maxBatchItems ?? DEFAULT_MAX_BATCH_ITEMS,
    maxOfrepFlags: options.maxOfrepFlags ?? DEFAULT_MAX_OFREP_FLAGS,
    slices: new SliceScheduler(),
  };
}

/** An evaluation's body, read within the limits; a body that cannot be read is a RelayError. */
export async function readEvaluationBody(req: IncomingMessage, res: ServerResponse, limits: EvaluationLimits): Promise<Buffer> {
  try {
    return await readBody(req, { maxBytes: limits.maxBodyBytes, timeoutMs: limits.bodyTimeoutMs });
  } catch (err) {
    if (!(err instanceof BodyReadError)) throw err;
    // The rest of a body not sent in time is not waited for: the connection goes with the answer.
    if (err.status === HttpStatus.RequestTimeout) res.setHeader('connection', 'close');
    throw new RelayError(err.status, GrpcCode.InvalidArgument, err.message);
  }
}

/** Writes an evaluation reply (with its ETag; a 304 without body). */
export function sendReply(res: ServerResponse, reply: OfrepReply, cors: Record<string, string>): void {
  const headers: Record<string, string> = { ...cors };
  if (reply.etag) headers['etag'] = reply.etag;
  if (reply.status === HttpStatus.NotModified) {
    res.writeHead(HttpStatus.NotModified, headers).end();
    return;
  }
  sendJson(res, reply.status, reply.body, headers);
}
