import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a stopping group is looked at again. */
const POLL_MS = 50;

/**
 * The processes of process group `pgid` that have not exited yet (Linux /proc). Zombies do not
 * count: an orphan waits for its reaper, which a container's init may never be, yet it holds
 * no files any more.
 */
export async function livingMembers(pgid: number): Promise<number[]> {
  const living: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(group) === pgid && state !== 'Z') living.push(Number(entry));
  }
  return living;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone already.
  }
}

async function exitedWithin(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await livingMembers(pgid)).length === 0) return true;
    await sleep(POLL_MS);
  }
  return (await livingMembers(pgid)).length === 0;
}

/**
 * Ends every process of group `pgid` (a child spawned with `detached: true` leads its own
 * group, and its children stay in it): SIGTERM, then SIGKILL after `graceMs`; resolves once
 * none is left, so nothing writes to their files any more. Throws, naming the processes, if
 * some outlive SIGKILL by `graceMs`.
 */
export async function stopProcessGroup(pgid: number, graceMs = 5000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  if (await exitedWithin(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  if (await exitedWithin(pgid, graceMs)) return;
  throw new Error(`process group ${pgid}: processes ${(await livingMembers(pgid)).join(', ')} still running ${graceMs} ms after SIGKILL`);
}
