/**
 * One fake browser tab: the TabEnvironment a shared connection sees, with the lifecycle a test
 * drives. Tasks (lock grants, lock rejections, channel deliveries) run on timers, so tests use
 * fake timers and advance them. Freezing does what MULTI-TAB.md measured in Chromium: the page's
 * timers and lock tasks stop until it resumes, while channel messages are still handled; a
 * hidden page keeps running (throttling is the caller's concern). A crash drops everything
 * at once, with no event.
 */
import { createHash } from 'node:crypto';
import type { TabEnvironment } from '../../src/tabs/tabEnvironment';
import type { FakeLocks } from './fakeLocks';
import type { ChannelHub } from './fakeChannels';

const hints = new WeakMap<FakeLocks, Map<string, number>>();
const hintsOf = (locks: FakeLocks) => hints.get(locks) ?? (hints.set(locks, new Map()), hints.get(locks)!);

type LifecycleEvent = 'pagehide' | 'pageshow' | 'freeze' | 'resume';

export class FakePage {
  visible = true;
  frozen = false;
  /** Chromium ran a frozen tab's channel handlers (MULTI-TAB.md); false holds them too. */
  handlesMessagesWhileFrozen = true;
  crashed = false;
  readonly env: TabEnvironment;
  private readonly held: Array<() => void> = [];
  private readonly owner: { label: string; task(run: () => void): void; deliver(run: () => void): void };
  private readonly listeners = new Map<string, Set<(event: { persisted?: boolean }) => void>>();

  constructor(
    readonly label: string,
    private readonly locks: FakeLocks,
    private readonly channels: ChannelHub,
  ) {
    const owner = (this.owner = {
      label,
      task: (run: () => void) => this.task(run),
      deliver: (run: () => void) => (this.handlesMessagesWhileFrozen ? this.later(run) : this.task(run)),
    });
    this.env = {
      locks: locks.managerFor(owner),
      openChannel: (name) => channels.open(owner, name),
      visible: () => this.visible,
      on: (event, listener) => {
        const set = this.listeners.get(event) ?? new Set();
        this.listeners.set(event, set);
        set.add(listener);
        return () => void set.delete(listener);
      },
      hash: async (text) => createHash('sha256').update(text).digest('hex'),
      // localStorage: one per browser (its lock manager stands for it).
      leaderHint: {
        read: (key) => hintsOf(locks).get(key) ?? 0,
        write: (key, at) => void hintsOf(locks).set(key, at),
      },
      every: (ms, tick) => {
        const timer = setInterval(() => {
          if (!this.frozen && !this.crashed) tick();
        }, ms);
        return () => clearInterval(timer);
      },
    };
  }

  /** A task of this page: held while frozen, never run once crashed. */
  task(run: () => void): void {
    if (this.crashed) return;
    if (this.frozen) this.held.push(run);
    else this.later(run);
  }

  private later(run: () => void): void {
    setTimeout(() => {
      if (!this.crashed) run();
    }, 0);
  }

  private fire(event: LifecycleEvent, persisted?: boolean): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener({ persisted });
  }

  hide(): void {
    this.visible = false;
  }

  show(): void {
    this.visible = true;
  }

  /** The tab is frozen (the `freeze` event first, as Chromium fires it, unless `silently`). */
  freeze({ silently = false } = {}): void {
    if (!silently) this.fire('freeze');
    this.frozen = true;
  }

  resume(): void {
    this.frozen = false;
    for (const run of this.held.splice(0)) this.later(run);
    this.fire('resume');
  }

  /** Navigated away (into the back/forward cache when `persisted`). */
  pagehide(persisted: boolean): void {
    this.fire('pagehide', persisted);
  }

  pageshow(persisted: boolean): void {
    this.fire('pageshow', persisted);
  }

  /** The renderer died: locks released and channels closed by the browser, nothing runs in the page. */
  crash(): void {
    this.crashed = true;
    this.held.length = 0;
    this.locks.drop(this.owner);
    this.channels.drop(this.owner);
  }
}
