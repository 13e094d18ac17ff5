import { createHash, randomUUID } from 'node:crypto';
import type { EvaluationResponse } from '@flagcast/core';
import { etagMatches } from '../contentNegotiation.js';
import { RelayError } from '../relayError.js';
import { errorBody } from '../renderError.js';
import { GrpcCode, HttpStatus } from '../status.js';
import { environmentNotFound, type Reply } from '../evaluation/fliptEvaluation.js';
import { decodeOfrepBulkRequest, decodeOfrepFlagRequest, GatewayDecodeError } from '../evaluation/gatewayJson.js';
import { engineFor, evaluateOne, resultOf, type EvaluationResult, type SnapshotView } from '../evaluation/snapshotView.js';
import { ResultTally } from '../evaluation/resultTally.js';
import type { SliceScheduler } from '../evaluation/sliceScheduler.js';
import type { SnapshotEntry } from '../../snapshots/snapshotEntry.js';

/*
 * OFREP (OpenFeature Remote Evaluation Protocol) as Flipt v2 serves it
 * (internal/server/evaluation/ofrep_bridge.go and ofrep/middleware.go): namespace from
 * `X-Flipt-Namespace`, environment from `X-Flipt-Environment`, Flipt's value mapping, reasons,
 * error bodies and status codes. One difference, on purpose: the bulk ETag is a hash of the
 * whole body, so a change to anything a client sees (an attachment, a reason, the segments)
 * gets a new ETag, where Flipt's hashes only keys and variants and answers 304 to such changes.
 */

export type OfrepEndpoint = 'ofrep_flag' | 'ofrep_bulk';

export interface OfrepInput {
  body: Buffer;
  environmentHeader: string | undefined;
  namespaceHeader: string | undefined;
  view: SnapshotView;
  /** Counts `n` (default 1) flags evaluated (or refused) for the metrics. */
  record(endpoint: OfrepEndpoint, result: EvaluationResult, n?: number): void;
}

/** An OFREP reply: bulk replies carry an ETag (and may be a bodiless 304). */
export interface OfrepReply extends Reply {
  etag?: string;
}

/** A refusal as a reply: an OFREP error body `{key?, errorCode, errorDetails}` and its status. */
function ofrepReply(err: RelayError): OfrepReply {
  return { status: err.status, body: errorBody('ofrep', err) };
}

/** FLAG_NOT_FOUND, in OFREP's terms; `key` names the flag when there is one. */
const notFound = (message: string, key?: string) => new RelayError(HttpStatus.NotFound, GrpcCode.NotFound, message, key);
/** INVALID_CONTEXT, in OFREP's terms. */
const invalidContext = (message: string) => new RelayError(HttpStatus.BadRequest, GrpcCode.InvalidArgument, message);

/** An OFREP evaluation result, fields in Flipt's order. */
interface OfrepFlag {
  key: string;
  reason: string;
  variant: string;
  metadata?: { attachment?: string; segments?: string };
  value: boolean | string;
}

const REASONS: Record<string, string> = {
  FLAG_DISABLED_EVALUATION_REASON: 'DISABLED',
  MATCH_EVALUATION_REASON: 'TARGETING_MATCH',
  DEFAULT_EVALUATION_REASON: 'DEFAULT',
};

interface Scope {
  environment: string;
  namespace: string;
  entry: SnapshotEntry | undefined;
}

function scope(input: OfrepInput): Scope {
  const environment = input.view.pickEnvironment(undefined, input.environmentHeader);
  // Flipt's gateway sends this error through the OFREP error handler without a flag key.
  if (environment === undefined) throw notFound(environmentNotFound(input.environmentHeader));
  const namespace = input.namespaceHeader || 'default';
  return { environment, namespace, entry: input.view.entry(environment, namespace) };
}

type Evaluated = { flag: OfrepFlag; result: EvaluationResult };

/** Maps one evaluation to OFREP: boolean → value and "true"/"false"; variant → the variant key. */
function toOfrep(key: string, response: EvaluationResponse): Evaluated {
  if (response.type === 'BOOLEAN_EVALUATION_RESPONSE_TYPE') {
    const r = response.booleanEvaluationResponse;
    return { flag: { key: r.flagKey, reason: REASONS[r.reason] ?? 'UNKNOWN', variant: String(r.enabled), value: r.enabled }, result: resultOf(r.reason) };
  }
  if (response.type === 'VARIANT_EVALUATION_RESPONSE_TYPE') {
    const r = response.variantEvaluationResponse;
    // A Struct's keys come out sorted: attachment, then segments.
    const metadata: OfrepFlag['metadata'] = {};
    if (r.variantAttachment) metadata.attachment = r.variantAttachment;
    if (r.segmentKeys.length > 0) metadata.segments = r.segmentKeys.join(',');
    return { flag: { key: r.flagKey, reason: REASONS[r.reason] ?? 'UNKNOWN', variant: r.variantKey, metadata, value: r.variantKey }, result: resultOf(r.reason) };
  }
  throw notFound(`flag was not found ${key}`, key);
}

function evaluateKey(key: string, where: Scope, targetingKey: string, context: Record<string, string>): Evaluated {
  if (key === '') throw invalidContext('flag key was not provided');
  if (!where.entry) throw notFound(`flag was not found ${key}`, key);
  return toOfrep(key, evaluateOne(engineFor(where.entry), key, targetingKey, context));
}

// The flags a bulk evaluates by default, per snapshot entry (computed on its first bulk).
const defaultKeys = new WeakMap<SnapshotEntry, string[]>();

/** Every boolean flag and every enabled variant flag, by key (Flipt lists flags sorted by key). */
function bulkKeys(entry: SnapshotEntry): string[] {
  let keys = defaultKeys.get(entry);
  if (!keys) {
    keys = engineFor(entry)
      .listFlags()
      .filter((f) => f.type === 'BOOLEAN_FLAG_TYPE' || f.enabled)
      .map((f) => f.key)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    defaultKeys.set(entry, keys);
  }
  return keys;
}

/** Flipt evaluates a context without `targetingKey` for a random entity. */
const targetingKeyOf = (context: Record<string, string>) => context['targetingKey'] ?? randomUUID();

/** `POST /ofrep/v1/evaluate/flags/{key}`. */
export function evaluateOfrepFlag(key: string, input: OfrepInput): OfrepReply {
  try {
    const context = decodeOfrepFlagRequest(input.body).context ?? {};
    const where = scope(input);
    const { flag, result } = evaluateKey(key, where, targetingKeyOf(context), context);
    input.record('ofrep_flag', result);
    return { status: HttpStatus.Ok, body: flag };
  } catch (err) {
    return refuse('ofrep_flag', err, input);
  }
}

/** How a bulk evaluation is bounded and run. */
export interface BulkLimits {
  /** Keys a `flags` context entry may list; a longer list is refused with 400. */
  maxFlags: number;
  /** Runs the flags in slices, so a bulk never holds the event loop for long. */
  slices: SliceScheduler;
  /** Aborted when the client goes away: the rest of the bulk is dropped. */
  signal?: AbortSignal;
}

/** The number of keys in a comma-separated list, without splitting it. */
function countKeys(list: string): number {
  let n = 1;
  for (let at = list.indexOf(','); at >= 0; at = list.indexOf(',', at + 1)) n++;
  return n;
}

/**
 * `POST /ofrep/v1/evaluate/flags`: every boolean flag and every enabled variant flag (or the
 * keys a `flags` context entry lists, comma-separated), in key order, with an ETag. Flags are
 * evaluated and serialized in slices; the metrics are counted once per result.
 */
export async function evaluateOfrepBulk(input: OfrepInput, ifNoneMatch: string | undefined, limits: BulkLimits): Promise<OfrepReply> {
  try {
    const context = (await limits.slices.run(() => decodeOfrepBulkRequest(input.body), limits.signal)).context ?? {};
    const where = scope(input);
    let keys: string[];
    const listed = context['flags'];
    if (listed !== undefined) {
      const count = countKeys(listed);
      if (count > limits.maxFlags) throw invalidContext(`flags lists ${count} keys, over the limit of ${limits.maxFlags} keys per request`);
      keys = listed.split(',');
    } else if (!where.entry) throw notFound(`namespace ${JSON.stringify(where.namespace)} not found`);
    else keys = await limits.slices.run(() => bulkKeys(where.entry!), limits.signal);
    const targetingKey = targetingKeyOf(context);
    const tally = new ResultTally();
    const flags: string[] = new Array(keys.length);
    const step = (i: number) => {
      const { flag, result } = evaluateKey(keys[i]!, where, targetingKey, context);
      tally.add(result);
      flags[i] = JSON.stringify(flag);
    };
    await limits.slices.forEach(keys.length, step, limits.signal);
    tally.recordWith((result, n) => input.record('ofrep_bulk', result, n));
    const eventStreams = [{ type: 'sse', endpoint: { requestUri: `/ofrep/v1/_stream/${encodeURIComponent(where.environment)}/${encodeURIComponent(where.namespace)}/events` } }];
    // Joining, hashing and encoding megabytes is a step of its own: bulks finishing together
    // then do it a turn apart. The bytes are those of JSON.stringify({ flags, eventStreams }).
    const { body, hash } = await limits.slices.run(() => {
      const bytes = Buffer.from(`{"flags":[${flags.join(',')}],"eventStreams":${JSON.stringify(eventStreams)}}`);
      return { body: bytes, hash: createHash('sha1').update(bytes).digest('hex') };
    }, limits.signal);
    const etag = `W/"${hash}"`;
    if (etagMatches(ifNoneMatch, hash)) return { status: HttpStatus.NotModified, body: undefined, etag };
    return { status: HttpStatus.Ok, body, etag };
  } catch (err) {
    return refuse('ofrep_bulk', err, input);
  }
}

function refuse(endpoint: OfrepEndpoint, err: unknown, input: OfrepInput): OfrepReply {
  if (err instanceof RelayError) {
    input.record(endpoint, err.status === HttpStatus.NotFound ? 'not_found' : 'invalid');
    return ofrepReply(err);
  }
  if (err instanceof GatewayDecodeError) {
    input.record(endpoint, 'invalid');
    return ofrepReply(invalidContext(err.message));
  }
  throw err;
}
