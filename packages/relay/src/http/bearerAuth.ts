import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Checks `Authorization: Bearer <token>` against the allowed tokens in constant time. */
export function authorized(req: IncomingMessage, tokens: readonly Buffer[]): boolean {
  if (tokens.length === 0) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  let ok = false;
  for (const token of tokens) if (token.length === given.length && timingSafeEqual(token, given)) ok = true;
  return ok;
}
