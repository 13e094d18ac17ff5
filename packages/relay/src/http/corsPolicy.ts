import type { IncomingMessage } from 'node:http';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS } from './corsHeaders.js';
import type { Logger } from '../shared/logger.js';
/** Refused origins logged, at most (a hostile client could send endless ones). */
const MAX_LOGGED_ORIGINS = 100;

/**
 * Which browser origins may read the flag endpoints. `*` allows any origin, answered with `*`
 * and without credentials (a reflected origin with credentials would let every site read with
 * the user's cookies); listed origins are reflected with credentials. A refused origin is
 * logged once, with the option that would allow it.
 */
export class CorsPolicy {
  private readonly origins: Set<string>;
  private readonly any: boolean;
  private readonly logged = new Set<string>();

  constructor(
    origins: readonly string[],
    private readonly logger: Logger,
  ) {
    this.origins = new Set(origins);
    this.any = this.origins.has('*');
  }

  /** Headers for a response to a browser request; none without an allowed `Origin`. */
  headers(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (this.any) return origin ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Etag' } : {};
    // With an allow-list the answer depends on the origin, for caches too.
    const vary: Record<string, string> = this.origins.size > 0 ? { vary: 'Origin' } : {};
    if (!origin) return vary;
    if (this.origins.has(origin)) return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'Etag', vary: 'Origin' };
    this.refused(origin);
    return vary;
  }

  /** Headers for a preflight (`OPTIONS`). */
  preflight(req: IncomingMessage): Record<string, string> {
    const headers = this.headers(req);
    if (headers['access-control-allow-origin'] && req.headers['access-control-request-method']) {
      const requested = (req.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
      headers['access-control-allow-methods'] = CORS_ALLOWED_METHODS;
      // Listed by name: a `*` here would not cover Authorization.
      headers['access-control-allow-headers'] = requested.filter((h) => CORS_ALLOWED_HEADERS.includes(h)).join(', ') || CORS_ALLOWED_HEADERS.join(', ');
      headers['access-control-max-age'] = '300';
    }
    return headers;
  }

  private refused(origin: string): void {
    if (this.logged.has(origin) || this.logged.size > MAX_LOGGED_ORIGINS) return;
    this.logged.add(origin);
    if (this.logged.size > MAX_LOGGED_ORIGINS) {
      this.logger.warn(`CORS: more than ${MAX_LOGGED_ORIGINS} origins refused; further ones are not logged`);
      return;
    }
    const flag = origin === 'null' ? `--cors-origin null` : `--cors-origin ${origin}`;
    this.logger.warn('CORS: refused a browser origin; its pages cannot read the flags', { origin, allowWith: `${flag} (or corsOrigins: [${JSON.stringify(origin)}])` });
  }
}
