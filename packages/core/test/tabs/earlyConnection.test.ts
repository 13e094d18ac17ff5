// The first flag at network speed: a tab that has seen no leader lately connects before the
// election, and hands over when another tab leads after all (fake locks, channels and pages).
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/types';
import { booleanFlag, makeSnapshot } from '../client/helpers';
import { HEARTBEAT_MS, useFakeBrowser, settle } from './fakeBrowser';

const s1 = makeSnapshot([booleanFlag('a', true)]) as unknown as Snapshot;
const s2 = makeSnapshot([booleanFlag('a', false)]) as unknown as Snapshot;

const fake = useFakeBrowser();

describe('a tab that has seen no leader lately', () => {
  it('connects at once, before the lock, the channel or the hash, and keeps that stream as leader', async () => {
    fake().relay.current = s1;
    const tab = fake().open();
    // Synchronously: nothing of the election has run yet.
    expect(tab.network.starts).toHaveLength(1);
    expect(fake().locks.names.size).toBe(0);
    expect(fake().channels.names.size).toBe(0);

    await settle();
    expect(fake().leader()).toBe(tab);
    expect(tab.network.starts).toHaveLength(1); // not restarted on winning the lock
    expect(tab.network.stops).toBe(0);
    expect(tab.store.getState()).toMatchObject({ status: 'ready', source: 'network', digest: s1.digest, role: 'leader' });
  });

  it('tabs opened in the same instant: only the first connects early, one stream in all', async () => {
    fake().relay.current = s1;
    const tabs = [fake().open(), fake().open(), fake().open()];
    expect(tabs.map((tab) => tab.network.starts.length)).toEqual([1, 0, 0]);
    await settle();
    expect(fake().relay.openStreams).toBe(1);
    for (const tab of tabs) expect(tab.store.getState()).toMatchObject({ status: 'ready', digest: s1.digest });
  });

  it('hands over when another tab leads after all (its mark was stale): no second stream stays open', async () => {
    fake().relay.current = s1;
    const leader = fake().open({ heartbeatMs: HEARTBEAT_MS });
    await settle();
    // The leader's mark ages past its freshness (a throttled hidden leader writes it late).
    leader.page.hide();
    leader.page.freeze({ silently: true });
    await settle(HEARTBEAT_MS * 4);
    leader.page.resume();

    const late = fake().open();
    expect(late.network.starts).toHaveLength(1); // early: it could not know
    await settle();
    expect(fake().leader()).toBe(leader);
    expect(late.network.stops).toBeGreaterThan(0);
    expect(fake().relay.openStreams).toBe(1);
    expect(late.store.getState()).toMatchObject({ status: 'ready', digest: s1.digest, role: 'follower' });

    fake().relay.publish(s2);
    await settle();
    expect(late.store.getState().digest).toBe(s2.digest);
  });

  it('a follower that said hello before the early tab won the lock gets the snapshot its early stream delivered', async () => {
    fake().relay.current = s1;
    const first = fake().open();
    first.page.freeze({ silently: true }); // holds its stream delivery and its lock grant, not its channel
    const second = fake().open();
    await settle(); // second's hello reaches first while first does not lead yet
    first.page.resume();
    await settle();
    expect(fake().leader()).toBe(first);
    expect(second.network.starts).toHaveLength(0);
    expect(second.store.getState()).toMatchObject({ status: 'ready', source: 'network', digest: s1.digest });
  });

  it('after the leader leaves, its mark is gone: the next tab connects at once', async () => {
    fake().relay.current = s1;
    const first = fake().open();
    await settle();
    first.shared.close();
    first.network.stop();
    const next = fake().open();
    expect(next.network.starts).toHaveLength(1);
    await settle();
    expect(fake().leader()).toBe(next);
    expect(fake().relay.openStreams).toBe(1);
  });
});
