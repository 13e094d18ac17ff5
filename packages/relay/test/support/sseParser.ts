/**
 * A small Server-Sent Events parser for tests (the WHATWG event-stream grammar: fields,
 * comments, multi-line data, CR/LF/CRLF line ends split anywhere across chunks).
 */
export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface SseCallbacks {
  onEvent(event: SseEvent): void;
  onComment?(text: string): void;
  onRetry?(ms: number): void;
}

export function createSseParser(callbacks: SseCallbacks): { feed(chunk: string): void } {
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  let event: string | undefined;
  let pendingCR = false;

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) callbacks.onEvent({ id, event, data: data.join('\n') });
      data = [];
      event = undefined;
      return;
    }
    if (text.startsWith(':')) return callbacks.onComment?.(text.slice(1).trimStart());
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) callbacks.onRetry?.(Number(value));
  };

  return {
    feed(chunk: string) {
      for (const ch of chunk) {
        if (pendingCR) {
          pendingCR = false;
          if (ch === '\n') continue;
        }
        if (ch === '\r' || ch === '\n') {
          pendingCR = ch === '\r';
          line(buffer);
          buffer = '';
        } else {
          buffer += ch;
        }
      }
    },
  };
}
