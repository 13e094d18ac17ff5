import type { IncomingMessage } from 'node:http';
import { KEY_PATTERN } from '../../shared/keyPattern.js';
import type { SnapshotEntry } from '../../snapshots/snapshotEntry.js';
import type { SnapshotView } from '../evaluation/snapshotView.js';
import { RelayError } from '../relayError.js';
import { GrpcCode, HttpStatus } from '../status.js';

/** The first value of a request header, if any and not empty. */
export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

/** Where a snapshot or stream request reads: the environment chosen, and its namespace's entry (if served). */
export interface NamespaceScope {
  environment: string;
  entry: SnapshotEntry | undefined;
}

/**
 * The environment and entry a snapshot or stream path names, the environment chosen as Flipt
 * chooses it (path, else `x-flipt-environment`, else the default). Throws a RelayError for a key
 * Flipt would refuse or an environment that is not served.
 */
export function namespaceScope(req: IncomingMessage, route: { environment: string | undefined; namespace: string }, view: SnapshotView): NamespaceScope {
  const header = firstHeader(req, 'x-flipt-environment');
  const keys = [route.namespace, route.environment, header];
  if (keys.some((key) => key !== undefined && !KEY_PATTERN.test(key))) {
    throw new RelayError(HttpStatus.BadRequest, GrpcCode.InvalidArgument, 'invalid environment or namespace key');
  }
  const environment = view.pickEnvironment(route.environment, header);
  if (environment === undefined) throw new RelayError(HttpStatus.NotFound, GrpcCode.NotFound, `environment ${JSON.stringify(header)} not found`);
  return { environment, entry: view.entry(environment, route.namespace) };
}

/** Flipt's answer for a namespace it does not serve. */
export const snapshotNotFound = (namespace: string) => new RelayError(HttpStatus.NotFound, GrpcCode.NotFound, `evaluation snapshot for namespace "${namespace}" not found`);
