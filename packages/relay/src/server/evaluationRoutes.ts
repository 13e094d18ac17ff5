import type { IncomingMessage, ServerResponse } from 'node:http';
import { evaluateBatch, evaluateSingle, FliptApiError, type Reply } from './evaluation/fliptEvaluation.js';
import { BodyReadError, readBody } from './evaluation/readBody.js';
import { SliceScheduler } from './evaluation/sliceScheduler.js';
import type { SnapshotView } from './evaluation/snapshotView.js';
import { GrpcCode } from './httpUtil.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { evaluateOfrepBulk, evaluateOfrepFlag, OfrepError, type OfrepReply } from './ofrep/ofrepEvaluation.js';

export interface EvaluationRoutesOptions {
  view: SnapshotView;
  /** Whether the request carries an accepted token (always true when the relay has none). */
  authorized(req: IncomingMessage): boolean;
  /** CORS headers for the request's origin (empty when not allowed). */
  cors(req: IncomingMessage): Record<string, string>;
  metrics: Metrics;
  logger: Logger;
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Time a client has to send its body (default 10 000 ms). */
  bodyTimeoutMs?: number;
  /** Requests a `POST /evaluate/v1/batch` may hold (default 1 000). */
  maxBatchItems?: number;
  /** Keys an OFREP bulk's `flags` context entry may list (default 1 000). */
  maxOfrepFlags?: number;
}

/** Largest batch, and longest OFREP `flags` list, by default: far above what SDKs send, far below what stalls the relay. */
export const DEFAULT_MAX_BATCH_ITEMS = 1000;
export const DEFAULT_MAX_OFREP_FLAGS = 1000;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

type Route =
  | { name: 'evaluate_boolean' | 'evaluate_variant' | 'evaluate_batch'; api: 'flipt' }
  | { name: 'ofrep_flag'; api: 'ofrep'; key: string }
  | { name: 'ofrep_bulk'; api: 'ofrep' };

/** Matches the evaluation paths; like Flipt, one trailing slash is ignored. */
function match(rawUrl: string): Route | undefined {
  const query = rawUrl.indexOf('?');
  let path = query < 0 ? rawUrl : rawUrl.slice(0, query);
  if (!path.startsWith('/evaluate/v1/') && !path.startsWith('/ofrep/v1/evaluate/flags')) return undefined;
  if (path.endsWith('/')) path = path.slice(0, -1);
  switch (path) {
    case '/evaluate/v1/boolean':
      return { name: 'evaluate_boolean', api: 'flipt' };
    case '/evaluate/v1/variant':
      return { name: 'evaluate_variant', api: 'flipt' };
    case '/evaluate/v1/batch':
      return { name: 'evaluate_batch', api: 'flipt' };
    case '/ofrep/v1/evaluate/flags':
      return { name: 'ofrep_bulk', api: 'ofrep' };
  }
  const key = /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/.exec(path)?.[1];
  if (key === undefined) return undefined;
  try {
    return { name: 'ofrep_flag', api: 'ofrep', key: decodeURIComponent(key) };
  } catch {
    return undefined;
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
};

/** An error in the dialect of the API the client called. */
function failure(route: Route, status: number, code: number, message: string): Reply {
  if (route.api === 'flipt') return new FliptApiError(status, code, message).reply();
  // Flipt's OFREP error handler: InvalidArgument → INVALID_CONTEXT, NotFound → FLAG_NOT_FOUND, else GENERAL.
  return new OfrepError(status, code === GrpcCode.InvalidArgument ? 'INVALID_CONTEXT' : 'GENERAL', message).reply();
}

/**
 * The evaluation endpoints: Flipt's REST API (`POST /evaluate/v1/boolean|variant|batch`) and
 * OFREP (`POST /ofrep/v1/evaluate/flags[/{key}]`), evaluated on the relay's current snapshots.
 * Returns a request handler that answers (and counts) the requests it owns and returns true,
 * and returns false for every other request (preflights included: the relay answers those).
 */
export function createEvaluationRoutes(options: EvaluationRoutesOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const limits = { maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS };
  const maxBatchItems = options.maxBatchItems ?? DEFAULT_MAX_BATCH_ITEMS;
  const maxOfrepFlags = options.maxOfrepFlags ?? DEFAULT_MAX_OFREP_FLAGS;
  // One scheduler for every batch and bulk of this relay: they share the event loop in turns.
  const slices = new SliceScheduler();
  const { metrics, view } = options;

  const send = (req: IncomingMessage, res: ServerResponse, reply: OfrepReply) => {
    const headers: Record<string, string | number> = { ...options.cors(req) };
    if (reply.etag) headers['etag'] = reply.etag;
    if (reply.status === 304) {
      res.writeHead(304, headers).end();
      return;
    }
    const data = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json', 'content-length': data.length });
    res.end(data);
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, route: Route, signal: AbortSignal) => {
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST, OPTIONS');
      return send(req, res, failure(route, 405, GrpcCode.Unimplemented, 'Method Not Allowed'));
    }
    if (!options.authorized(req)) {
      req.resume();
      return send(req, res, failure(route, 401, GrpcCode.Unauthenticated, 'request was not authenticated'));
    }
    let body: Buffer;
    try {
      body = await readBody(req, limits);
    } catch (err) {
      if (!(err instanceof BodyReadError)) throw err;
      if (err.status === 408) res.setHeader('connection', 'close');
      return send(req, res, failure(route, err.status, GrpcCode.InvalidArgument, err.message));
    }
    const environmentHeader = header(req, 'x-flipt-environment');
    const record = (endpoint: string, result: string, n = 1) => metrics.countEvaluation(endpoint, result, n);
    switch (route.name) {
      case 'evaluate_boolean':
      case 'evaluate_variant':
        return send(req, res, evaluateSingle(route.name === 'evaluate_boolean' ? 'boolean' : 'variant', { body, environmentHeader, view, record }));
      case 'evaluate_batch':
        return send(req, res, await evaluateBatch({ body, environmentHeader, view, record }, { maxItems: maxBatchItems, slices, signal }));
      case 'ofrep_flag':
      case 'ofrep_bulk': {
        const input = { body, environmentHeader, namespaceHeader: header(req, 'x-flipt-namespace'), view, record };
        if (route.name === 'ofrep_flag') return send(req, res, evaluateOfrepFlag(route.key, input));
        return send(req, res, await evaluateOfrepBulk(input, header(req, 'if-none-match'), { maxFlags: maxOfrepFlags, slices, signal }));
      }
    }
  };

  return (req, res) => {
    const route = req.method === 'OPTIONS' ? undefined : match(req.url ?? '/');
    if (!route) return false;
    // A client that goes away before its answer is written stops its batch or bulk.
    const gone = new AbortController();
    res.once('close', () => {
      metrics.countRequest(route.name, res.statusCode);
      if (!res.writableFinished) gone.abort(new Error(`client closed ${req.url} before its answer`));
    });
    answer(req, res, route, gone.signal).catch((err: unknown) => {
      if (gone.signal.aborted) return;
      options.logger.error('evaluation failed', { error: err instanceof Error ? err.stack : String(err), url: req.url });
      if (res.headersSent) res.destroy();
      else send(req, res, failure(route, 500, 13, 'internal error'));
    });
    return true;
  };
}
