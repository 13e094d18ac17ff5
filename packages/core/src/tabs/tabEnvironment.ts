/**
 * What tab sharing needs from the browser, as an interface so the election can run against
 * fakes in unit tests: Web Locks, BroadcastChannel, and the page's lifecycle.
 */
export interface TabEnvironment {
  locks: Pick<LockManager, 'request'>;
  openChannel(name: string): TabChannel;
  /** The page is visible (a hidden page's timers are throttled; a frozen one's stop). */
  visible(): boolean;
  /** Page lifecycle events: `pagehide`/`pageshow` (bfcache) on window, `freeze`/`resume` on document. Returns the remover. */
  on(event: 'pagehide' | 'pageshow' | 'freeze' | 'resume', listener: (event: { persisted?: boolean }) => void): () => void;
  /** A SHA-256 hex digest (credentials are told apart by it, never shown in the clear). */
  hash(text: string): Promise<string>;
  /**
   * A synchronous note shared by the tabs (localStorage): when a tab last said it leads `key`
   * (ms since the epoch; 0 or absent: never). Best effort, never secret: it only spares a new
   * tab an early connection when another tab already leads.
   */
  leaderHint?: { read(key: string): number; write(key: string, at: number): void } | undefined;
  /** Calls `tick` every `ms` on the page's timers (throttled while hidden, stopped while frozen). Returns the canceller. */
  every(ms: number, tick: () => void): () => void;
}

export interface TabChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** Web Locks and BroadcastChannel exist: secure contexts of current browsers (not Node, not `http://<LAN IP>`). */
export function tabsSupported(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.locks && typeof BroadcastChannel === 'function' && typeof document !== 'undefined';
}

/** The real browser, read lazily (nothing is touched at import time). */
export function browserTabEnvironment(): TabEnvironment {
  return {
    locks: navigator.locks,
    openChannel: (name) => new BroadcastChannel(name) as unknown as TabChannel,
    visible: () => document.visibilityState === 'visible',
    on(event, listener) {
      const target: EventTarget = event === 'freeze' || event === 'resume' ? document : window;
      const handler = (e: Event) => listener({ persisted: (e as PageTransitionEvent).persisted });
      target.addEventListener(event, handler);
      return () => target.removeEventListener(event, handler);
    },
    leaderHint: {
      read: (key) => Number(attempt(() => localStorage.getItem(key))) || 0,
      write: (key, at) => void attempt(() => (at ? localStorage.setItem(key, String(at)) : localStorage.removeItem(key))),
    },
    every(ms, tick) {
      const timer = setInterval(tick, ms);
      return () => clearInterval(timer);
    },
    async hash(text) {
      const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    },
  };
}

/** Storage may be blocked (sandboxed frames, storage settings): then there is no hint. */
function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}
