import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { BooleanEvaluationResponse, VariantEvaluationResponse } from '@flagcast/core';
import { RelayError } from '../relayError.js';
import { errorBody } from '../renderError.js';
import { GrpcCode, HttpStatus } from '../status.js';
import { decodeBatchRequest, decodeEvaluationRequest, GatewayDecodeError, type FliptEvaluationRequest } from './gatewayJson.js';
import { ResultTally } from './resultTally.js';
import type { SliceScheduler } from './sliceScheduler.js';
import { engineFor, evaluateOne, resultOf, type EvaluationResult, type SnapshotView } from './snapshotView.js';

/*
 * Flipt's server-side evaluation API (`POST /evaluate/v1/boolean | variant | batch`), answered
 * from the relay's snapshots with @flagcast/core's Engine. Bodies, field order, error messages
 * and status codes are the ones Flipt v2's gateway sends (internal/server/evaluation), so
 * Flipt's SDKs cannot tell the relay from Flipt.
 */

/** A response to send: HTTP status and JSON body. */
export interface Reply {
  status: number;
  body: unknown;
}

/** A refusal as a reply: Flipt's gateway error body `{code, message, details}` and its status. */
export function gatewayReply(err: RelayError): Reply {
  return { status: err.status, body: errorBody('gateway', err) };
}

export type EvaluationEndpoint = 'boolean' | 'variant' | 'batch';

export interface FliptEvaluationInput {
  body: Buffer;
  /** The `x-flipt-environment` header (first value), if any. */
  environmentHeader: string | undefined;
  view: SnapshotView;
  /** Counts `n` (default 1) flags evaluated (or refused) for the metrics. */
  record(endpoint: EvaluationEndpoint, result: EvaluationResult, n?: number): void;
}

/** Flipt's message when the header names an environment that is not served. */
export function environmentNotFound(name: string | undefined): string {
  return `failed to get environment ${JSON.stringify(name)} from context: environment: ${JSON.stringify(name)} not found`;
}

let lastMillis = 0;
let lastTimestamp = '';

/**
 * Now, as protojson writes a Timestamp: 0, 3, 6 or 9 fraction digits, so no `.000` for whole
 * seconds. Formatted once per millisecond: requests in the same millisecond share it.
 */
function timestamp(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastTimestamp = new Date(now).toISOString().replace('.000Z', 'Z');
  }
  return lastTimestamp;
}

type Resolved = { kind: 'flag'; namespace: string; response: ReturnType<typeof evaluateOne> } | { kind: 'namespace-missing'; namespace: string };

/** Finds and evaluates one request's flag; throws only for an unknown environment. */
function resolve(request: FliptEvaluationRequest, input: FliptEvaluationInput): Resolved {
  const environment = input.view.pickEnvironment(request.environmentKey || undefined, input.environmentHeader);
  if (environment === undefined) throw new RelayError(HttpStatus.NotFound, GrpcCode.NotFound, environmentNotFound(input.environmentHeader));
  const namespace = request.namespaceKey || 'default';
  const entry = input.view.entry(environment, namespace);
  if (!entry) return { kind: 'namespace-missing', namespace };
  return { kind: 'flag', namespace, response: evaluateOne(engineFor(entry), request.flagKey ?? '', request.entityId ?? '', request.context ?? {}) };
}

function booleanBody(r: BooleanEvaluationResponse, requestId: string, millis: number, at: string) {
  return { enabled: r.enabled, reason: r.reason, requestId, requestDurationMillis: millis, timestamp: at, flagKey: r.flagKey, segmentKeys: r.segmentKeys };
}

function variantBody(r: VariantEvaluationResponse, requestId: string, millis: number, at: string) {
  return {
    match: r.match,
    segmentKeys: r.segmentKeys,
    reason: r.reason,
    variantKey: r.variantKey,
    variantAttachment: r.variantAttachment ?? '',
    requestId,
    requestDurationMillis: millis,
    timestamp: at,
    flagKey: r.flagKey,
  };
}

/** `POST /evaluate/v1/boolean` and `/evaluate/v1/variant`. */
export function evaluateSingle(endpoint: 'boolean' | 'variant', input: FliptEvaluationInput): Reply {
  const started = performance.now();
  try {
    const request = decodeEvaluationRequest(input.body);
    const found = resolve(request, input);
    if (found.kind === 'namespace-missing') throw new RelayError(HttpStatus.NotFound, GrpcCode.NotFound, `namespace ${JSON.stringify(found.namespace)} not found`);
    const { response } = found;
    if (response.type === 'ERROR_EVALUATION_RESPONSE_TYPE') {
      throw new RelayError(HttpStatus.NotFound, GrpcCode.NotFound, `flag ${JSON.stringify(posix.join(found.namespace, request.flagKey ?? ''))} not found`);
    }
    const isBoolean = response.type === 'BOOLEAN_EVALUATION_RESPONSE_TYPE';
    if (isBoolean !== (endpoint === 'boolean')) {
      input.record(endpoint, 'invalid');
      return gatewayReply(new RelayError(HttpStatus.BadRequest, GrpcCode.InvalidArgument, `flag type ${isBoolean ? 'BOOLEAN_FLAG_TYPE' : 'VARIANT_FLAG_TYPE'} invalid`));
    }
    const requestId = request.requestId || randomUUID();
    const millis = performance.now() - started;
    const at = timestamp();
    if (response.type === 'BOOLEAN_EVALUATION_RESPONSE_TYPE') {
      input.record(endpoint, resultOf(response.booleanEvaluationResponse.reason));
      return { status: HttpStatus.Ok, body: booleanBody(response.booleanEvaluationResponse, requestId, millis, at) };
    }
    input.record(endpoint, resultOf(response.variantEvaluationResponse.reason));
    return { status: HttpStatus.Ok, body: variantBody(response.variantEvaluationResponse, requestId, millis, at) };
  } catch (err) {
    return refuse(endpoint, err, input);
  }
}

/** How a batch is bounded and run. */
export interface BatchLimits {
  /** Requests a batch may hold; a larger batch is refused with 400. */
  maxItems: number;
  /** Runs the items in slices, so a batch never holds the event loop for long. */
  slices: SliceScheduler;
  /** Aborted when the client goes away: the rest of the batch is dropped. */
  signal?: AbortSignal;
}

/**
 * `POST /evaluate/v1/batch`: one item per request, a missing flag or namespace as an error item.
 * Items are evaluated, then serialized, in slices; the metrics are counted once per result.
 */
export async function evaluateBatch(input: FliptEvaluationInput, limits: BatchLimits): Promise<Reply> {
  const started = performance.now();
  try {
    const batch = await limits.slices.run(() => decodeBatchRequest(input.body, limits.maxItems), limits.signal);
    const requests = batch.requests ?? [];
    const found: Resolved[] = new Array(requests.length);
    await limits.slices.forEach(requests.length, (i) => (found[i] = resolve(requests[i]!, input)), limits.signal);
    const millis = performance.now() - started;
    const at = timestamp();
    const tally = new ResultTally();
    const items: string[] = new Array(requests.length);
    await limits.slices.forEach(requests.length, (i) => (items[i] = JSON.stringify(batchItem(requests[i]!, found[i]!, millis, at, tally))), limits.signal);
    tally.recordWith((result, n) => input.record('batch', result, n));
    // The same bytes as JSON.stringify of the whole body, built from the serialized items.
    return { status: HttpStatus.Ok, body: `{"requestId":${JSON.stringify(batch.requestId || randomUUID())},"responses":[${items.join(',')}],"requestDurationMillis":${JSON.stringify(millis)}}` };
  } catch (err) {
    return refuse('batch', err, input);
  }
}

function batchItem(request: FliptEvaluationRequest, found: Resolved, millis: number, at: string, tally: ResultTally): unknown {
  const response = found.kind === 'flag' ? found.response : undefined;
  if (!response || response.type === 'ERROR_EVALUATION_RESPONSE_TYPE') {
    tally.add('not_found');
    return {
      type: 'ERROR_EVALUATION_RESPONSE_TYPE',
      errorResponse: { flagKey: request.flagKey ?? '', namespaceKey: request.namespaceKey ?? '', reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' },
    };
  }
  // Items keep their own request id (empty when not given), as in Flipt.
  const requestId = request.requestId ?? '';
  if (response.type === 'BOOLEAN_EVALUATION_RESPONSE_TYPE') {
    tally.add(resultOf(response.booleanEvaluationResponse.reason));
    return { type: response.type, booleanResponse: booleanBody(response.booleanEvaluationResponse, requestId, millis, at) };
  }
  tally.add(resultOf(response.variantEvaluationResponse.reason));
  return { type: response.type, variantResponse: variantBody(response.variantEvaluationResponse, requestId, millis, at) };
}

function refuse(endpoint: EvaluationEndpoint, err: unknown, input: FliptEvaluationInput): Reply {
  if (err instanceof RelayError) {
    input.record(endpoint, err.status === HttpStatus.NotFound ? 'not_found' : 'invalid');
    return gatewayReply(err);
  }
  if (err instanceof GatewayDecodeError) {
    input.record(endpoint, 'invalid');
    return gatewayReply(new RelayError(HttpStatus.BadRequest, GrpcCode.InvalidArgument, err.message));
  }
  throw err;
}
