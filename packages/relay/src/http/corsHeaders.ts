/**
 * Request headers a browser may send to the relay from an allowed origin: Flipt's own CORS
 * defaults (its browser SDK sends `x-flipt-accept-server-version` and `x-flipt-environment` on
 * every snapshot request), OFREP providers' (`content-type`, `if-none-match`, `x-flipt-namespace`
 * for Flipt's namespaces), and what SSE and cache revalidation add.
 */
export const CORS_ALLOWED_HEADERS = [
  'accept',
  'authorization',
  'cache-control',
  'content-type',
  'if-none-match',
  'last-event-id',
  'x-csrf-token',
  'x-flipt-accept-server-version',
  'x-flipt-environment',
  'x-flipt-namespace',
];

/** Methods the relay answers: snapshots and streams are read with GET, evaluations with POST. */
export const CORS_ALLOWED_METHODS = 'GET, HEAD, POST, OPTIONS';
