/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, min·2^attempt)).
 * Full jitter spreads reconnecting clients out, so a restarted server is not stampeded.
 */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number, random = Math.random): number {
  return Math.floor(random() * Math.min(maxDelayMs, minDelayMs * 2 ** attempt));
}
