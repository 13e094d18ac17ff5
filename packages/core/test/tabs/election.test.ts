// Election and handover of the shared connection: fake locks, channels and pages, real stores.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/types';
import { booleanFlag, makeSnapshot } from '../client/helpers';
import { useFakeBrowser, settle } from './fakeBrowser';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]) as unknown as Snapshot;
const s2 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', true)]) as unknown as Snapshot;
const s3 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', false)]) as unknown as Snapshot;

const fake = useFakeBrowser();

describe('election', () => {
  it('exactly one of several tabs leads and holds the only stream; every follower has its snapshot and state', async () => {
    fake().relay.current = s1;
    const tabs = Array.from({ length: 5 }, () => fake().open());
    await settle();

    const leader = fake().leader();
    expect(fake().relay.openStreams).toBe(1);
    for (const tab of tabs) {
      expect(tab.store.getState()).toMatchObject({ status: 'ready', source: 'network', digest: s1.digest, connection: 'open', role: tab === leader ? 'leader' : 'follower' });
      expect(tab.network.starts.length).toBe(tab === leader ? 1 : 0);
    }

    fake().relay.publish(s2);
    await settle();
    for (const tab of tabs) {
      expect(tab.store.getState().digest).toBe(s2.digest);
      expect(tab.events.at(-1)?.event).toEqual({ type: 'snapshot', changedFlags: ['a'] });
    }
  });

  it('a tab that joins gets the leader\'s current snapshot, over an older cached one', async () => {
    fake().relay.current = s1;
    fake().open();
    await settle();
    fake().relay.publish(s2);
    await settle();

    const late = fake().open({ cached: s1 });
    expect(late.store.getState()).toMatchObject({ status: 'ready', source: 'cache', digest: s1.digest });
    await settle();
    expect(late.store.getState()).toMatchObject({ status: 'ready', source: 'network', digest: s2.digest, role: 'follower', connection: 'open' });
    expect(late.network.starts).toEqual([]);
  });

  it('a follower whose cached snapshot is current says so: source `network`, as the leader does', async () => {
    fake().relay.current = s1;
    const tabs = [fake().open({ cached: s1 }), fake().open({ cached: s1 })];
    await settle();
    fake().leader();
    for (const tab of tabs) expect(tab.store.getState()).toMatchObject({ source: 'network', digest: s1.digest, connection: 'open' });

    // And a tab that joins later with the current snapshot in its cache.
    const late = fake().open({ cached: s1 });
    await settle();
    expect(late.store.getState()).toMatchObject({ source: 'network', digest: s1.digest });
  });
});

describe('handover', () => {
  for (const how of ['closes', 'crashes'] as const) {
    it(`the leader ${how}: another tab leads, resumes by digest, and a change made during the handover arrives`, async () => {
      fake().relay.current = s1;
      fake().open();
      fake().open();
      fake().open();
      await settle();
      const first = fake().leader();

      if (how === 'closes') {
        first.page.pagehide(false);
        first.page.crash(); // the tab is gone
      } else {
        first.page.crash();
      }
      fake().relay.publish(s2); // no stream is open now
      await settle();

      const next = fake().leader();
      expect(next).not.toBe(first);
      expect(next.network.starts).toEqual([{ digest: s1.digest, fromNetwork: true }]);
      expect(fake().relay.openStreams).toBe(1);
      for (const tab of fake().live()) {
        expect(tab.store.getState()).toMatchObject({ digest: s2.digest, source: 'network', role: tab === next ? 'leader' : 'follower' });
        expect(tab.digests()).toEqual([s1.digest, s2.digest]);
      }
    });
  }

  it('close() of the leading client lets the lock go: another tab leads', async () => {
    fake().relay.current = s1;
    fake().open();
    fake().open();
    await settle();
    const first = fake().leader();
    first.shared.close();
    await settle();
    expect(fake().leader()).not.toBe(first);
    expect(first.network.running).toBe(false);
    expect(fake().relay.openStreams).toBe(1);
  });

  it('a follower\'s refresh() asks the leader to fetch', async () => {
    fake().relay.current = s1;
    fake().open();
    fake().open();
    await settle();
    const leader = fake().leader();
    const follower = fake().tabs.find((tab) => tab !== leader)!;
    follower.shared.askLeaderToRefresh();
    await settle();
    expect(leader.network.refreshes).toBe(1);
    expect(follower.network.refreshes).toBe(0);
  });

  it('while the leader beats, nobody takes over', async () => {
    fake().relay.current = s1;
    fake().open();
    fake().open();
    fake().open();
    await settle();
    const leader = fake().leader();
    await settle(120_000);
    expect(fake().leader()).toBe(leader);
    expect(fake().locks.grants.length).toBe(1);
  });

  it('followers never move back to an older snapshot: a lower seq, or an older epoch, is ignored', async () => {
    fake().relay.current = s1;
    fake().open();
    fake().open();
    await settle();
    const leader = fake().leader();
    const follower = fake().tabs.find((tab) => tab !== leader)!;
    const [name] = fake().channels.names;
    const fromLeader = fake().channels.posted.filter((m) => m.from === leader.label).map((m) => m.data as { kind: string; epoch: number; seq?: number }).filter((m) => m.kind === 'state' || m.kind === 'snapshot');
    const epoch = fromLeader[0]!.epoch;
    const seq = Math.max(0, ...fromLeader.map((m) => m.seq ?? 0));
    // A second sender speaking as the leader's epoch (as a delayed copy would), and as an older one.
    const other = fake().channels.open({ label: 'other', deliver: (run) => setTimeout(run, 0) }, name!);
    const snapshot = (s: Snapshot, e: number, n: number) => ({ kind: 'snapshot', epoch: e, seq: n, digest: s.digest, source: 'network', updatedAt: 1, json: JSON.stringify(s) });

    other.postMessage(snapshot(s3, epoch, seq + 5));
    await settle();
    expect(follower.store.getState().digest).toBe(s3.digest);
    other.postMessage(snapshot(s2, epoch, seq + 4));
    other.postMessage(snapshot(s2, epoch - 1, seq + 100));
    await settle();
    expect(follower.store.getState().digest).toBe(s3.digest);
    expect(follower.digests()).toEqual([s1.digest, s3.digest]);
    other.close();
  });
});
