import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dialect } from './renderError.js';
import type { Route, RouteName, RouteOf } from './routeTable.js';

/** What a route handler is given: the request, its URL and route, and the CORS headers to send. */
export interface RouteContext<R extends Route = Route> {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  route: R;
  /** CORS headers for the request's origin (none for admin routes). */
  cors: Record<string, string>;
  /** Whether the caller may see details: on the admin surface, or holding a token. */
  detailed: boolean;
  /** Whether the request announced a body still arriving (only for routes that read none). */
  bodyPending: boolean;
  /** Aborted when the client goes away before an asynchronous answer is written. */
  signal: AbortSignal;
}

/**
 * One endpoint. The pipeline applies the cross-cutting steps (URL limits, surface, CORS and
 * preflight, method, auth) from these declarations, then calls `handle`.
 */
export interface RouteModule<R extends Route = Route> {
  /** Methods answered; others get 405 with `allow`. OPTIONS is always the preflight. */
  readonly methods: readonly string[];
  /**
   * `token`: a bearer token when the relay has tokens; `admin`: a token, except on the admin
   * surface; `none`: anyone (the handler may show less without `detailed`).
   */
  readonly auth: 'token' | 'admin' | 'none';
  /** Whether the handler reads the request body (other routes' bodies are drained). */
  readonly readsBody?: boolean;
  /** Whether an answered request's response stays open (streams): no response time limit. */
  readonly keepsOpen?: boolean;
  /** The dialect this request's errors are written in. */
  dialect(req: IncomingMessage, route: R): Dialect;
  /**
   * A refusal due before auth (content negotiation): writes it and returns true. Flipt answers
   * these from its gateway, before its auth interceptors run.
   */
  refuse?(ctx: RouteContext<R>): boolean;
  /**
   * Answers the request. Throws (or rejects with) a RelayError to refuse it. A promise makes
   * the answer asynchronous: the request is counted when its response closes.
   */
  handle(ctx: RouteContext<R>): void | Promise<void>;
}

/** The module of every route but `unknown`, which the pipeline answers itself. */
export type RouteModules = { [N in Exclude<RouteName, 'unknown'>]: RouteModule<RouteOf<N>> };
