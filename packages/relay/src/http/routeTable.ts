/*
 * Every endpoint the relay serves, matched in one place. A request's path yields a typed route;
 * the pipeline looks up the route's module by its name (also the `route` label of the request
 * metrics).
 */

/**
 * `environment`: the v2 path's; the v1 path has none (only the x-flipt-environment header).
 * `ofrep`: the stream under OFREP's alias, which serves SSE only.
 */
export type Route =
  | { name: 'snapshot'; environment: string | undefined; namespace: string }
  | { name: 'stream'; environment: string | undefined; namespace: string; ofrep?: true }
  | { name: 'evaluate_boolean' | 'evaluate_variant' | 'evaluate_batch' }
  | { name: 'ofrep_flag'; key: string }
  | { name: 'ofrep_bulk' }
  | { name: 'healthz' }
  | { name: 'metrics' }
  | { name: 'unknown' };

export type RouteName = Route['name'];
export type RouteOf<N extends RouteName> = Extract<Route, { name: N }>;

/** Routes only the admin surface serves (when there is one): they show paths and errors. */
export const ADMIN_ROUTES: ReadonlySet<RouteName> = new Set(['healthz', 'metrics']);

const UNKNOWN: Route = { name: 'unknown' };

/**
 * Matches the evaluation paths on the raw path (as Flipt's gateway does: no decoding but the
 * OFREP flag key's); like Flipt, one trailing slash is ignored. Undefined: not an evaluation
 * path, or an OFREP key that does not decode.
 */
function matchEvaluation(rawPath: string): Route | undefined {
  let path = rawPath;
  if (!path.startsWith('/evaluate/v1/') && !path.startsWith('/ofrep/v1/evaluate/flags')) return undefined;
  if (path.endsWith('/')) path = path.slice(0, -1);
  switch (path) {
    case '/evaluate/v1/boolean':
      return { name: 'evaluate_boolean' };
    case '/evaluate/v1/variant':
      return { name: 'evaluate_variant' };
    case '/evaluate/v1/batch':
      return { name: 'evaluate_batch' };
    case '/ofrep/v1/evaluate/flags':
      return { name: 'ofrep_bulk' };
  }
  const key = /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/.exec(path)?.[1];
  if (key === undefined) return undefined;
  try {
    return { name: 'ofrep_flag', key: decodeURIComponent(key) };
  } catch {
    return undefined;
  }
}

/** Matches the snapshot, stream and admin paths, given as decoded segments (a `%2F` stays inside its segment). */
function matchSegments(parts: string[]): Route {
  if (parts.some((p, i) => i > 0 && p === '')) return UNKNOWN;
  const path = parts.join('/');
  if (path === '/healthz') return { name: 'healthz' };
  if (path === '/metrics') return { name: 'metrics' };
  // /internal/v1/evaluation/snapshot/namespace/{ns}
  if (parts.length === 7 && parts[1] === 'internal' && parts[2] === 'v1' && parts[3] === 'evaluation' && parts[4] === 'snapshot' && parts[5] === 'namespace') {
    return { name: 'snapshot', environment: undefined, namespace: parts[6]! };
  }
  // /client/v2/environments/{env}/namespaces/{ns}/(snapshot|stream)
  if (parts.length === 8 && parts[1] === 'client' && parts[2] === 'v2' && parts[3] === 'environments' && parts[5] === 'namespaces') {
    if (parts[7] === 'snapshot') return { name: 'snapshot', environment: parts[4]!, namespace: parts[6]! };
    if (parts[7] === 'stream') return { name: 'stream', environment: parts[4]!, namespace: parts[6]! };
  }
  // /ofrep/v1/_stream/{env}/{ns}/events: Flipt's alias of the v2 stream for OFREP's eventStreams
  if (parts.length === 7 && parts[1] === 'ofrep' && parts[2] === 'v1' && parts[3] === '_stream' && parts[6] === 'events') {
    return { name: 'stream', environment: parts[4]!, namespace: parts[5]!, ofrep: true };
  }
  return UNKNOWN;
}

/** The route of a parsed request URL and its raw path; throws URIError for a path that does not decode. */
export function matchRoute(url: URL, rawPath: string): Route {
  return matchEvaluation(rawPath) ?? matchSegments(url.pathname.split('/').map(decodeURIComponent));
}
