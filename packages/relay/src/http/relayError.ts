import { GrpcCode, HttpStatus } from './status.js';

/**
 * A request the relay refuses: an HTTP status, the gRPC code Flipt pairs with it, and a message
 * naming what was asked. One type for every endpoint; `renderError` writes it in the dialect of
 * the endpoint (Flipt's gateway JSON, an SSE error event, or an OFREP body).
 */
export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly status: number,
    readonly code: GrpcCode,
    message: string,
    /** The flag an OFREP error is about (OFREP bodies name it). */
    readonly flagKey?: string,
  ) {
    super(message);
  }
}

export const unauthenticated = () => new RelayError(HttpStatus.Unauthorized, GrpcCode.Unauthenticated, 'request was not authenticated');
export const internalError = () => new RelayError(HttpStatus.InternalServerError, GrpcCode.Internal, 'internal error');
