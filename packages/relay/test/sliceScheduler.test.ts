// The scheduler that runs batches and bulks in slices: requests take turns, a step's error or a
// client going away stops a loop, and nothing runs before the caller has returned to the loop.
import { describe, expect, it } from 'vitest';
import { SliceScheduler } from '../src/http/evaluation/sliceScheduler.js';

describe('SliceScheduler', () => {
  it('runs every index in order, slices of several loops taking turns', async () => {
    const slices = new SliceScheduler({ sliceItems: 2, turnBudgetMs: 1_000 });
    const seen: string[] = [];
    const a = slices.forEach(5, (i) => seen.push(`a${i}`));
    const b = slices.forEach(3, (i) => seen.push(`b${i}`));
    expect(seen).toEqual([]);
    expect(slices.pending).toBe(2);
    await Promise.all([a, b]);
    expect(seen).toEqual(['a0', 'a1', 'b0', 'b1', 'a2', 'a3', 'b2', 'a4']);
    expect(slices.pending).toBe(0);
    expect(await slices.run(() => 42)).toBe(42);
  });

  it('yields to I/O once a turn has spent its budget', async () => {
    const slices = new SliceScheduler({ sliceItems: 1, turnBudgetMs: 0 });
    const order: string[] = [];
    const loop = slices.forEach(3, (i) => order.push(`step ${i}`));
    // setImmediate callbacks queued now run after the scheduler's first turn, before its second.
    setImmediate(() => order.push('other work'));
    await loop;
    expect(order).toEqual(['step 0', 'other work', 'step 1', 'step 2']);
  });

  it("stops a loop at a step's error or once its signal is aborted, and keeps running the others", async () => {
    const slices = new SliceScheduler({ sliceItems: 1, turnBudgetMs: 1_000 });
    const gone = new AbortController();
    const steps: number[] = [];
    const failing = slices.forEach(10, (i) => {
      if (i === 2) throw new Error('bad item 2');
    });
    const aborted = slices.forEach(10, (i) => {
      steps.push(i);
      if (i === 1) gone.abort(new Error('client went away'));
    }, gone.signal);
    const fine = slices.forEach(4, () => {});
    await expect(failing).rejects.toThrow('bad item 2');
    await expect(aborted).rejects.toThrow('client went away');
    await expect(fine).resolves.toBeUndefined();
    expect(steps).toEqual([0, 1]);
  });
});
