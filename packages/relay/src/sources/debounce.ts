/**
 * Runs `fire` once things have been quiet for `quietMs` after the last `poke()`, but no later
 * than `maxWaitMs` after the first poke of a burst: a steady stream of changes (a file written
 * every few milliseconds) delays a reload, it does not starve it.
 */
export class Debounce {
  private timer: NodeJS.Timeout | undefined;
  private burstStart = 0;

  constructor(
    private readonly fire: () => void,
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
  ) {}

  poke(): void {
    const now = Date.now();
    if (this.timer === undefined) this.burstStart = now;
    else clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.quietMs, this.burstStart + this.maxWaitMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, delay);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
