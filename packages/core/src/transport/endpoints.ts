/** Where a client talks to: a Flipt v2 server, or a Flagcast relay (same endpoints). */
export interface Endpoint {
  url: string;
  namespace: string;
  environment: string;
  /** `Authorization` header value, if any. */
  authorization: string | undefined;
}

function base({ url, namespace, environment }: Endpoint): string {
  return `${url.replace(/\/+$/, '')}/client/v2/environments/${encodeURIComponent(environment)}/namespaces/${encodeURIComponent(namespace)}`;
}

export function snapshotUrl(endpoint: Endpoint): string {
  return `${base(endpoint)}/snapshot`;
}

/**
 * The stream, resuming from `digest`. Flipt answers 400 to a `digest` that is not 40
 * characters (its file backend can produce 32), so only a 40-character one is sent.
 * `include=snapshot` asks a relay to put the snapshot in the event; Flipt ignores it.
 */
export function streamUrl(endpoint: Endpoint, digest: string | undefined, includeSnapshot: boolean): string {
  const query = new URLSearchParams();
  if (digest && digest.length === 40) query.set('digest', digest);
  if (includeSnapshot) query.set('include', 'snapshot');
  const search = query.toString();
  return `${base(endpoint)}/stream${search ? `?${search}` : ''}`;
}

export function headers(endpoint: Endpoint, extra: Record<string, string>): Record<string, string> {
  return endpoint.authorization ? { ...extra, Authorization: endpoint.authorization } : extra;
}
