import type { IncomingMessage } from 'node:http';
import { sseRetry } from '../../shared/sseFrame.js';
import type { SnapshotView } from '../evaluation/snapshotView.js';
import { RelayError } from '../relayError.js';
import type { RouteModule } from '../routeModule.js';
import type { RouteOf } from '../routeTable.js';
import { GrpcCode, HttpStatus } from '../status.js';
import { streamKey, type StreamFormat, type StreamHub } from '../streamHub.js';
import { namespaceScope, snapshotNotFound } from './namespaceScope.js';

const SSE = 'text/event-stream';
/** Length of a snapshot digest (hex SHA-1), the only `?digest=` accepted. */
const DIGEST_LENGTH = 40;

const wantsSse = (req: IncomingMessage) => (req.headers.accept ?? '').includes(SSE);

/**
 * `GET /client/v2/environments/{env}/namespaces/{ns}/stream` (SSE or Flipt's NDJSON) and its
 * OFREP alias `/ofrep/v1/_stream/{env}/{ns}/events` (SSE only): the stream is registered with
 * the hub, which sends the current snapshot unless the client's `?digest=` is current.
 */
export function streamRoute(view: SnapshotView, hub: StreamHub, retryMs: number): RouteModule<RouteOf<'stream'>> {
  return {
    methods: ['GET', 'HEAD'],
    auth: 'token',
    keepsOpen: true,
    dialect: (req) => (wantsSse(req) ? 'sse' : 'gateway'),
    refuse({ req, res, route, cors }) {
      if (!route.ofrep || (req.headers.accept ?? '').startsWith(SSE)) return false;
      res.writeHead(HttpStatus.NotAcceptable, { ...cors, 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(`${SSE} is the only supported content type for this endpoint\n`);
      return true;
    },
    handle({ req, res, url, route, cors, bodyPending }) {
      const sse = wantsSse(req);
      const { environment, entry } = namespaceScope(req, route, view);
      const digest = url.searchParams.get('digest') ?? '';
      if (digest.length > 0 && digest.length !== DIGEST_LENGTH) {
        throw new RelayError(HttpStatus.BadRequest, GrpcCode.InvalidArgument, `invalid field digest: must be a ${DIGEST_LENGTH}-character string`);
      }
      if (!entry) throw snapshotNotFound(route.namespace);
      if (bodyPending) throw new RelayError(HttpStatus.BadRequest, GrpcCode.InvalidArgument, 'a stream request has no body');
      const include = url.searchParams.getAll('include').flatMap((v) => v.split(','));
      const format: StreamFormat = sse ? (include.includes('snapshot') ? 'sse-inline' : 'sse') : 'ndjson';
      req.socket.setNoDelay(true);
      req.socket.setTimeout(0);
      res.writeHead(HttpStatus.Ok, { ...cors, 'content-type': sse ? SSE : 'application/json', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      if (sse) res.write(sseRetry(retryMs));
      // A client says how large an event it accepts; larger snapshots go as notifications it follows with a GET.
      const maxEventBytes = Number(url.searchParams.get('maxEventBytes'));
      hub.add(streamKey(environment, route.namespace), res, format, digest, entry, Number.isSafeInteger(maxEventBytes) && maxEventBytes > 0 ? maxEventBytes : Infinity);
    },
  };
}
