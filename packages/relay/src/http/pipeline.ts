import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger.js';
import { authorized } from './bearerAuth.js';
import type { CorsPolicy } from './corsPolicy.js';
import type { Metrics } from './metrics.js';
import { internalError, RelayError, unauthenticated } from './relayError.js';
import { renderError, type Dialect } from './renderError.js';
import { answerWithoutBody, limitResponseTime } from './requestLimits.js';
import type { RouteContext, RouteModule, RouteModules } from './routeModule.js';
import { ADMIN_ROUTES, matchRoute, type Route } from './routeTable.js';
import { GrpcCode, HttpStatus } from './status.js';

/** What a server answers: everything, the flag endpoints only, or health and metrics only. */
export type Surface = 'all' | 'flags' | 'admin';

export interface PipelineOptions {
  surface: Surface;
  routes: RouteModules;
  cors: CorsPolicy;
  tokens: readonly Buffer[];
  metrics: Metrics;
  logger: Logger;
  /** Time a non-stream response has to be taken by the client. */
  requestTimeoutMs: number;
}

const MAX_URL_LENGTH = 4096;
const UNKNOWN: Route = { name: 'unknown' };
/** The signal of synchronous answers, which nothing aborts. */
const NEVER_ABORTED = new AbortController().signal;

type Parsed = { url: URL; route: Route } | RelayError;

/** URL limits, then the route table. */
function parse(req: IncomingMessage): Parsed {
  const rawUrl = req.url ?? '/';
  if (rawUrl.length > MAX_URL_LENGTH) return new RelayError(HttpStatus.UriTooLong, GrpcCode.InvalidArgument, 'request URI too long');
  const query = rawUrl.indexOf('?');
  try {
    const url = new URL(rawUrl, 'http://relay');
    return { url, route: matchRoute(url, query < 0 ? rawUrl : rawUrl.slice(0, query)) };
  } catch {
    return new RelayError(HttpStatus.BadRequest, GrpcCode.InvalidArgument, 'malformed request URI');
  }
}

/**
 * The relay's one request pipeline, each step once and in this order: URL limits → surface
 * (main or admin) → CORS and preflight → method → auth → the route's handler. Refusals are
 * RelayErrors written in the route's dialect; the request is counted in the metrics under its
 * route's name. Method comes before auth as in Flipt, whose gateway refuses a method before its
 * auth interceptors run.
 */
export function createPipeline(options: PipelineOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { surface, routes, cors, tokens, metrics, logger } = options;
  const serves = (route: Route) => surface === 'all' || (surface === 'admin') === ADMIN_ROUTES.has(route.name);

  return (req, res) => {
    const parsed = parse(req);
    if (parsed instanceof RelayError) {
      answerWithoutBody(req, res);
      renderError(res, 'gateway', parsed);
      return finish(res, 'invalid', false);
    }
    const route = serves(parsed.route) ? parsed.route : UNKNOWN;
    const module = route.name === 'unknown' ? undefined : (routes[route.name] as RouteModule);
    // A route that reads its body reads it only once the method is right; others never do.
    const bodyPending = module?.readsBody && module.methods.includes(req.method ?? '') ? false : answerWithoutBody(req, res);
    // Health and metrics show paths and errors: never readable by other sites' pages.
    const admin = ADMIN_ROUTES.has(route.name);
    const corsHeaders = admin ? {} : cors.headers(req);

    if (req.method === 'OPTIONS') {
      res.writeHead(HttpStatus.NoContent, admin ? {} : cors.preflight(req));
      res.end();
      return finish(res, module ? `${route.name}:preflight` : 'unknown', false);
    }
    if (!module) {
      renderError(res, 'gateway', new RelayError(HttpStatus.NotFound, GrpcCode.NotFound, 'Not Found'), corsHeaders);
      return finish(res, 'unknown', false);
    }
    const dialect = module.dialect(req, route);
    if (!module.methods.includes(req.method ?? '')) {
      // Flipt's gateway refuses the method before any handler: no SSE framing then.
      const refusal = new RelayError(HttpStatus.MethodNotAllowed, GrpcCode.Unimplemented, 'Method Not Allowed');
      renderError(res, dialect === 'sse' ? 'gateway' : dialect, refusal, { ...corsHeaders, allow: `${module.methods.join(', ')}, OPTIONS` });
      return finish(res, route.name, false);
    }
    // With tokens, the main port shows details (file paths, upstream URLs, errors) to token
    // holders only. The admin port is reachable only where it was put, and shows everything.
    const holdsToken = authorized(req, tokens);
    const detailed = surface === 'admin' || holdsToken;
    const answersLater = module.readsBody === true;
    const gone = answersLater ? new AbortController() : undefined;
    const ctx: RouteContext = { req, res, url: parsed.url, route, cors: corsHeaders, detailed, bodyPending, signal: gone?.signal ?? NEVER_ABORTED };
    if (module.refuse?.(ctx)) return finish(res, route.name, false);
    if ((module.auth === 'token' && !holdsToken) || (module.auth === 'admin' && !detailed)) {
      if (answersLater) req.resume();
      renderError(res, dialect, unauthenticated(), corsHeaders);
      return finish(res, route.name, false);
    }
    const later = run(module, ctx, dialect, gone);
    finish(res, route.name, module.keepsOpen === true, later);
  };

  /**
   * Calls the route's handler; a RelayError it throws (or rejects with) is written in the
   * route's dialect, anything else is logged and answered 500. Returns whether the answer is
   * still being made (the handler returned a promise).
   */
  function run(module: RouteModule, ctx: RouteContext, dialect: Dialect, gone: AbortController | undefined): boolean {
    const { req, res } = ctx;
    if (gone) {
      // A client that goes away before its answer is written stops the work (a batch, a bulk).
      res.once('close', () => {
        if (!res.writableFinished) gone.abort(new Error(`client closed ${req.url} before its answer`));
      });
    }
    const fail = (err: unknown) => {
      if (gone?.signal.aborted) return;
      if (!(err instanceof RelayError)) logger.error('request failed', { error: err instanceof Error ? err.stack : String(err), url: req.url });
      if (res.headersSent) res.destroy();
      else renderError(res, dialect, err instanceof RelayError ? err : internalError(), ctx.cors);
    };
    let answer: void | Promise<void> = undefined;
    try {
      answer = module.handle(ctx);
    } catch (err) {
      fail(err);
    }
    if (!answer) return false;
    answer.catch(fail);
    return true;
  }

  /**
   * Bounds the response's time (streams stay open) and counts the request: now, or when its
   * response closes for an answer still being made.
   */
  function finish(res: ServerResponse, name: string, keepsOpen: boolean, later = false): void {
    if (!keepsOpen || res.writableEnded) limitResponseTime(res, options.requestTimeoutMs);
    if (later) res.once('close', () => metrics.countRequest(name, res.statusCode));
    else metrics.countRequest(name, res.statusCode);
  }
}
