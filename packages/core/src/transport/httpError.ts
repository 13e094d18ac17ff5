import { FlagClientError } from '../errors.js';

/** The error for a failed response; 401 and 403 are final (retrying cannot help). */
export function httpError(status: number, what: string): FlagClientError {
  if (status === 401) return new FlagClientError('UNAUTHORIZED', `${what}: 401 unauthorized (check the client token)`, status);
  if (status === 403) return new FlagClientError('FORBIDDEN', `${what}: 403 forbidden (the token may not read this namespace)`, status);
  return new FlagClientError('HTTP_ERROR', `${what}: HTTP ${status}`, status);
}

export function isFatal(error: unknown): boolean {
  return error instanceof FlagClientError && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN');
}

/** Any failure as a FlagClientError (fetch rejections are network errors or timeouts). */
export function asClientError(error: unknown, timedOut: boolean): FlagClientError {
  if (error instanceof FlagClientError) return error;
  if (timedOut) return new FlagClientError('TIMEOUT', 'request timed out');
  return new FlagClientError('NETWORK', `network error: ${(error as Error)?.message ?? String(error)}`);
}
