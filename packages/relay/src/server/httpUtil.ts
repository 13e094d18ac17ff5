import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** gRPC status codes Flipt puts in error bodies. */
export const GrpcCode = { InvalidArgument: 3, NotFound: 5, Unauthenticated: 16, Unimplemented: 12, Unavailable: 14 } as const;

/** A JSON error body shaped like Flipt's gateway errors: `{code, message, details}`. */
export function sendError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { code, message, details: [] }, headers);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': data.length });
  res.end(data);
}

/** An SSE error event as Flipt sends it (`data: {"type":"error","code":..,"message":..}`). */
export function sendSseError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  const data = Buffer.from(`data: ${JSON.stringify({ code, message, type: 'error' })}\n\n`);
  res.writeHead(status, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'content-length': data.length });
  res.end(data);
}

/** Whether `If-None-Match` names `etag` (quoted or not, weak or strong, or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header || !etag) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return tag === '*' || tag === etag;
  });
}

/** The best encoding the client accepts: brotli, then gzip, else identity. */
export function pickEncoding(header: string | undefined): 'br' | 'gzip' | 'identity' {
  if (!header) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

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

/** Listens on `host:port` (0: any free port) and resolves with the server's `http://` URL. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}
