/** Where a client talks to: a Flipt v2 or v1 server, or a Flagcast relay. */
export interface Endpoint {
  /** Base URL without trailing slashes. */
  url: string;
  namespace: string;
  environment: string;
  /** `Authorization` header value, if any. */
  authorization: string | undefined;
  /** A git reference for git-backed stores (`?reference=`). */
  reference: string | undefined;
}

/**
 * Which API a server speaks: `v2` has the stream and the environment-scoped snapshot path;
 * `v1` (Flipt 1.47+) only has the v1 snapshot path, polled by ETag.
 */
export type ServerApi = 'v2' | 'v1';

/** The level Flipt's own SDK declares; below it a v1 server strips default variants and newer constraint types. */
const ACCEPT_SERVER_VERSION = '1.47.0';

/** `url` as a base URL, or a TypeError naming what is wrong with it. */
export function baseUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`createFlagClient: url must be an absolute http(s) URL such as "http://localhost:8787", got ${JSON.stringify(url)}`);
  }
  return (url as string).replace(/\/+$/, '');
}

function v2Base({ url, namespace, environment }: Endpoint): string {
  return `${url}/client/v2/environments/${encodeURIComponent(environment)}/namespaces/${encodeURIComponent(namespace)}`;
}

function withQuery(path: string, query: URLSearchParams): string {
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

function referenceQuery(endpoint: Endpoint): URLSearchParams {
  const query = new URLSearchParams();
  if (endpoint.reference) query.set('reference', endpoint.reference);
  return query;
}

/** The snapshot URL of the API the server speaks. */
export function snapshotUrl(endpoint: Endpoint, api: ServerApi): string {
  const path = api === 'v2' ? `${v2Base(endpoint)}/snapshot` : `${endpoint.url}/internal/v1/evaluation/snapshot/namespace/${encodeURIComponent(endpoint.namespace)}`;
  return withQuery(path, referenceQuery(endpoint));
}

export interface StreamQuery {
  /** The digest to resume from; sent only with 40 characters (Flipt answers 400 to others). */
  digest: string | undefined;
  /** Ask a relay to put snapshots in events (Flipt ignores it)… */
  includeSnapshot: boolean;
  /** …but only events up to this many characters; larger ones as a notification. */
  maxEventBytes: number;
}

export function streamUrl(endpoint: Endpoint, { digest, includeSnapshot, maxEventBytes }: StreamQuery): string {
  const query = referenceQuery(endpoint);
  if (digest && digest.length === 40) query.set('digest', digest);
  if (includeSnapshot) {
    query.set('include', 'snapshot');
    query.set('maxEventBytes', String(maxEventBytes));
  }
  return withQuery(`${v2Base(endpoint)}/stream`, query);
}

/**
 * Request headers. The v1 path takes the environment from `x-flipt-environment` and needs the
 * declared server version to keep default variants and newer constraint types.
 */
export function headers(endpoint: Endpoint, api: ServerApi, extra: Record<string, string>): Record<string, string> {
  const result = { ...extra };
  if (endpoint.authorization) result['Authorization'] = endpoint.authorization;
  if (api === 'v1') {
    result['x-flipt-environment'] = endpoint.environment;
    result['x-flipt-accept-server-version'] = ACCEPT_SERVER_VERSION;
  }
  return result;
}
