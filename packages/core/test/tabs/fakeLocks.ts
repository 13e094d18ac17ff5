/**
 * An in-memory Web Locks API (exclusive locks only) shared by the fake pages of one browser, as
 * the spec describes it (w3c.github.io/web-locks): requests queue per name in order; the
 * callback runs in a task of the requesting page once granted; the lock is released when the
 * callback's promise settles, and `request()` then settles the same way; `signal` withdraws a
 * queued request with its abort reason (no effect once granted); `steal` releases the holder at
 * once, rejecting the holder's `request()` with an AbortError, and jumps the queue; `ifAvailable`
 * calls back with null when the lock is taken. A crashed page's locks and requests vanish.
 */

/** Where a page's tasks run: its own task queue (held while frozen, dropped once crashed). */
export interface LockOwner {
  readonly label: string;
  task(run: () => void): void;
}

interface Request {
  owner: LockOwner;
  name: string;
  callback: (lock: Lock | null) => unknown;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  /** Released or stolen: its callback's settlement no longer matters. */
  done: boolean;
  signal?: AbortSignal | undefined;
  onAbort?: (() => void) | undefined;
}

export interface FakeLocks {
  /** The `navigator.locks` of one page. */
  managerFor(owner: LockOwner): Pick<LockManager, 'request'>;
  /** Who holds `name` now. */
  holder(name: string): LockOwner | undefined;
  /** Every lock name ever requested. */
  readonly names: Set<string>;
  /** How many requests wait for `name`. */
  waiting(name: string): number;
  /** The page crashed: its locks are released and its requests withdrawn, with nothing run in it. */
  drop(owner: LockOwner): void;
  /** Requests granted so far, in order, by label (a steal included). */
  readonly grants: Array<{ name: string; owner: string; steal: boolean }>;
}

const abortError = () => new DOMException('The lock request was aborted.', 'AbortError');

export function createFakeLocks(): FakeLocks {
  const held = new Map<string, Request>();
  const queues = new Map<string, Request[]>();
  const names = new Set<string>();
  const grants: FakeLocks['grants'] = [];
  const queue = (name: string) => queues.get(name) ?? (queues.set(name, []), queues.get(name)!);

  function release(request: Request): void {
    if (held.get(request.name) === request) held.delete(request.name);
    request.done = true;
    grantNext(request.name);
  }

  function grant(request: Request, steal: boolean): void {
    request.signal?.removeEventListener('abort', request.onAbort!);
    held.set(request.name, request);
    grants.push({ name: request.name, owner: request.owner.label, steal });
    request.owner.task(() => {
      if (request.done) return;
      let result: unknown;
      try {
        result = request.callback({ name: request.name, mode: 'exclusive' } as Lock);
      } catch (error) {
        result = Promise.reject(error);
      }
      Promise.resolve(result).then(
        (value) => {
          if (request.done) return;
          release(request);
          request.resolve(value);
        },
        (error) => {
          if (request.done) return;
          release(request);
          request.reject(error);
        },
      );
    });
  }

  function grantNext(name: string): void {
    if (held.has(name)) return;
    const next = queue(name).shift();
    if (next) grant(next, false);
  }

  function request(owner: LockOwner, name: string, options: LockOptions, callback: (lock: Lock | null) => unknown): Promise<unknown> {
    names.add(name);
    return new Promise((resolve, reject) => {
      if ((options.mode ?? 'exclusive') !== 'exclusive') throw new Error('the fake supports exclusive locks only');
      if (options.steal && options.ifAvailable) return reject(new DOMException('steal and ifAvailable', 'NotSupportedError'));
      if (options.signal && (options.steal || options.ifAvailable)) return reject(new DOMException('signal with steal or ifAvailable', 'NotSupportedError'));
      if (options.signal?.aborted) return reject(options.signal.reason);
      const entry: Request = { owner, name, callback, resolve, reject, done: false, signal: options.signal };
      if (options.steal) {
        const holder = held.get(name);
        if (holder) {
          holder.done = true;
          held.delete(name);
          holder.owner.task(() => holder.reject(abortError()));
        }
        grant(entry, true);
        return;
      }
      if (options.ifAvailable && (held.has(name) || queue(name).length)) {
        owner.task(() => Promise.resolve(callback(null)).then(resolve, reject));
        return;
      }
      if (entry.signal) {
        entry.onAbort = () => {
          const waiting = queue(name);
          const at = waiting.indexOf(entry);
          if (at < 0) return;
          waiting.splice(at, 1);
          owner.task(() => reject(entry.signal!.reason));
        };
        entry.signal.addEventListener('abort', entry.onAbort);
      }
      queue(name).push(entry);
      grantNext(name);
    });
  }

  return {
    managerFor(owner) {
      return {
        request: ((name: string, optionsOrCallback: LockOptions | ((lock: Lock | null) => unknown), maybeCallback?: (lock: Lock | null) => unknown) => {
          const [options, callback] = typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback!];
          return request(owner, name, options, callback);
        }) as LockManager['request'],
      };
    },
    holder: (name) => held.get(name)?.owner,
    names,
    waiting: (name) => queue(name).length,
    drop(owner) {
      for (const [name, waiting] of queues) queues.set(name, waiting.filter((entry) => entry.owner !== owner));
      for (const entry of [...held.values()]) if (entry.owner === owner) release(entry);
    },
    grants,
  };
}
