/** Raw HTTP helpers for relay tests: exact headers and bytes, and an SSE/NDJSON stream reader. */
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { createSseParser, type SseEvent } from './sseParser.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export type StreamItem = { kind: 'event'; event: SseEvent } | { kind: 'comment'; text: string } | { kind: 'retry'; ms: number } | { kind: 'line'; json: unknown };

/** An open stream: collects SSE events/comments (or NDJSON lines) and waits for them. */
export class StreamReader {
  readonly items: StreamItem[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  ended = false;
  private waiters: (() => void)[] = [];
  private res: IncomingMessage | undefined;
  private readonly req;

  private constructor(url: string, headers: Record<string, string>, ready: (r: StreamReader) => void, fail: (e: Error) => void) {
    const parser = createSseParser({
      onEvent: (event) => this.push({ kind: 'event', event }),
      onComment: (text) => this.push({ kind: 'comment', text }),
      onRetry: (ms) => this.push({ kind: 'retry', ms }),
    });
    let buffered = '';
    this.req = request(url, { headers }, (res) => {
      this.res = res;
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      const sse = String(res.headers['content-type']).startsWith('text/event-stream');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (sse) return parser.feed(chunk);
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) this.push({ kind: 'line', json: JSON.parse(line) });
        }
      });
      res.on('end', () => this.finish());
      res.on('close', () => this.finish());
      res.on('error', () => this.finish());
      ready(this);
    });
    this.req.on('error', (e) => (this.res ? this.finish() : fail(e)));
    this.req.end();
  }

  static open(url: string, headers: Record<string, string> = { accept: 'text/event-stream' }): Promise<StreamReader> {
    return new Promise((resolve, reject) => new StreamReader(url, headers, resolve, reject));
  }

  private push(item: StreamItem): void {
    this.items.push(item);
    this.wake();
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  events(): SseEvent[] {
    return this.items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
  }

  lines(): unknown[] {
    return this.items.flatMap((i) => (i.kind === 'line' ? [i.json] : []));
  }

  /** Resolves once `predicate` holds, or rejects after `timeoutMs`. */
  async until(predicate: (r: StreamReader) => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.items)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req.destroy();
  }
}
