/**
 * The one writer of `text/event-stream` frames (the WHATWG EventSource format): every event,
 * retry hint and comment the relay sends goes through here. A `data` value must hold no line
 * break (the relay's JSON never does: it is serialized on one line or stripped of CR/LF), so
 * each event is a single `data:` line.
 */

/** An event: an optional `id:` line, then one `data:` line (given as parts, joined as is). */
export function sseEvent(data: string | readonly (string | Buffer)[], id?: string): Buffer {
  const head = `${id === undefined ? '' : `id: ${id}\n`}data: `;
  if (typeof data === 'string') return Buffer.from(`${head}${data}\n\n`);
  return Buffer.concat([Buffer.from(head), ...data.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)), Buffer.from('\n\n')]);
}

/** The reconnection delay a client should use (`retry:`). */
export function sseRetry(ms: number): Buffer {
  return Buffer.from(`retry: ${ms}\n\n`);
}

/** A comment line (ignored by clients; keeps proxies from closing an idle stream). */
export function sseComment(text: string): Buffer {
  return Buffer.from(`: ${text}\n\n`);
}
