import { etagMatches, pickEncoding } from '../contentNegotiation.js';
import type { SnapshotView } from '../evaluation/snapshotView.js';
import type { RouteModule } from '../routeModule.js';
import type { RouteOf } from '../routeTable.js';
import { HttpStatus } from '../status.js';
import { namespaceScope, snapshotNotFound } from './namespaceScope.js';

/**
 * `GET /internal/v1/evaluation/snapshot/namespace/{ns}` and
 * `GET /client/v2/environments/{env}/namespaces/{ns}/snapshot`: the namespace's snapshot, with
 * its digest as ETag (304 when the client has it), brotli or gzip when accepted.
 */
export function snapshotRoute(view: SnapshotView): RouteModule<RouteOf<'snapshot'>> {
  return {
    methods: ['GET', 'HEAD'],
    auth: 'token',
    dialect: () => 'gateway',
    handle({ req, res, route, cors }) {
      const { entry } = namespaceScope(req, route, view);
      if (!entry) throw snapshotNotFound(route.namespace);
      const headers: Record<string, string | number> = { ...cors, etag: entry.etag, vary: cors.vary ? 'Origin, Accept-Encoding' : 'Accept-Encoding', 'cache-control': 'no-cache' };
      if (etagMatches(req.headers['if-none-match'], entry.etag)) {
        res.writeHead(HttpStatus.NotModified, headers);
        res.end();
        return;
      }
      const encoding = pickEncoding(req.headers['accept-encoding']);
      const body = encoding === 'br' ? entry.brotli() : encoding === 'gzip' ? entry.gzip() : entry.body;
      if (encoding !== 'identity') headers['content-encoding'] = encoding;
      res.writeHead(HttpStatus.Ok, { ...headers, 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    },
  };
}
