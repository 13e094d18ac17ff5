import type { Page } from '@playwright/test';

interface Change {
  id: string;
  text: string;
  at: number;
}

/**
 * Records in the page, with the wall clock (Date.now, the same clock as the test's), every time
 * the script-tag page renders one of the given fields: what a user sees, and when.
 */
export async function recordChanges(page: Page, ids: string[] = ['role', 'connection', 'accent', 'status']): Promise<void> {
  await page.evaluate((fields) => {
    const w = window as unknown as { changes?: Change[] };
    if (w.changes) return;
    const changes: Change[] = (w.changes = []);
    for (const id of fields) {
      const element = document.getElementById(id)!;
      const note = () => changes.push({ id, text: element.textContent ?? '', at: Date.now() });
      note();
      new MutationObserver(note).observe(element, { childList: true, characterData: true, subtree: true });
    }
  }, ids);
}

/** When the page first showed `text` in `id` at or after `since` (ms since the epoch), or undefined. */
export async function shownAt(page: Page, id: string, text: string, since: number): Promise<number | undefined> {
  return page.evaluate(
    ({ id, text, since }) => (window as unknown as { changes: Change[] }).changes.find((c) => c.id === id && c.text === text && c.at >= since)?.at,
    { id, text, since },
  );
}

/** The p-th percentile (0..1) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
