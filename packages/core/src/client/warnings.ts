/** Where a client reports problems a developer must see: `console`, or the app's own logger. */
export interface FlagcastLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Says `message` once for each distinct `problem`; nothing when logging is off. */
export type WarnOnce = (problem: string, message: string) => void;

/**
 * The client's one voice: each distinct problem (a 404 namespace, a refused token, a rejected
 * snapshot, a stream that keeps failing, a flag a hook asks for that is not in the snapshot) is
 * logged once, as a warning, so that a misconfigured app is not silent, and a flapping network
 * does not flood the console. The happy path logs nothing.
 */
export function createWarnings(logger: FlagcastLogger | false | undefined): WarnOnce {
  const log = logger === false ? undefined : (logger ?? (typeof console === 'undefined' ? undefined : console));
  const said = new Set<string>();
  return (problem, message) => {
    if (!log || said.has(problem)) return;
    said.add(problem);
    try {
      log.warn(`[flagcast] ${message}`);
    } catch {
      // a logger's failure is not the app's
    }
  };
}
