// A leader that stops beating (frozen, throttled, stuck) keeps its lock: a visible follower
// steals it, and epochs fence the old leader out once it wakes.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/types';
import { booleanFlag, makeSnapshot } from '../client/helpers';
import { useFakeBrowser, HEARTBEAT_MS, LEADER_TIMEOUT_MS, settle } from './fakeBrowser';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]) as unknown as Snapshot;
const s2 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', true)]) as unknown as Snapshot;
const s3 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', false)]) as unknown as Snapshot;

/** Longer than any follower waits for a visible leader: timeout plus one tick. */
const STEAL_AFTER_MS = LEADER_TIMEOUT_MS + 2 * HEARTBEAT_MS;

const fake = useFakeBrowser();

/** One visible tab that leads, a visible follower (the tab the user looks at) and a hidden one. */
async function threeTabs() {
  fake().relay.current = s1;
  const a = fake().open();
  await settle();
  const b = fake().open();
  const c = fake().open({ hidden: true });
  await settle();
  expect(fake().leader()).toBe(a);
  return { a, b, c };
}

describe('a leader that stops beating', () => {
  it('the visible follower steals the lock; the old leader steps down at once; a change made meanwhile arrives', async () => {
    const { a, b, c } = await threeTabs();
    a.page.freeze({ silently: true }); // stuck: no freeze event, its timers and tasks stop
    fake().relay.publish(s2); // a's stream is stalled: nobody hears of it yet
    await settle(LEADER_TIMEOUT_MS - HEARTBEAT_MS);
    expect(b.store.getState().role).toBe('follower'); // not before the timeout

    await settle(STEAL_AFTER_MS);
    expect(fake().locks.grants.at(-1)).toMatchObject({ owner: b.label, steal: true });
    expect(b.store.getState().role).toBe('leader');
    expect(b.network.starts).toEqual([{ digest: s1.digest, fromNetwork: true }]);
    // Chromium runs a frozen tab's channel handlers: it hears the newer epoch and lets go.
    expect(a.shared.isLeading()).toBe(false);
    expect(a.network.running).toBe(false);
    expect(fake().relay.openStreams).toBe(1);
    for (const tab of [b, c]) expect(tab.store.getState().digest).toBe(s2.digest);

    a.page.resume();
    await settle();
    expect(fake().leader()).toBe(b);
    expect(fake().relay.openStreams).toBe(1);
    // The old leader follows and catches up with what it missed while frozen.
    expect(a.store.getState()).toMatchObject({ role: 'follower', digest: s2.digest, source: 'network' });
    fake().relay.publish(s3);
    await settle();
    for (const tab of [a, b, c]) expect(tab.store.getState().digest).toBe(s3.digest);
  });

  it('a leader that wakes late is fenced: its stale messages are ignored and it never applies over the new leader', async () => {
    const { a, b, c } = await threeTabs();
    a.page.freeze({ silently: true });
    a.page.handlesMessagesWhileFrozen = false; // nothing at all runs in it until it resumes
    fake().relay.publish(s2); // queued in a's stalled stream
    await settle(STEAL_AFTER_MS);
    expect(b.store.getState().role).toBe('leader');
    fake().relay.publish(s3); // the new leader's stream delivers it
    await settle();
    for (const tab of [b, c]) expect(tab.store.getState().digest).toBe(s3.digest);
    const before = fake().channels.posted.length;

    a.page.resume(); // a handles s2 from its old stream first, as leader of the old epoch
    await settle();
    const late = fake().channels.posted.slice(before).filter((m) => m.from === a.label && (m.data as { kind: string }).kind === 'snapshot');
    expect(late.length).toBeGreaterThan(0); // it did speak as the old leader...
    for (const tab of [b, c]) {
      expect(tab.store.getState().digest).toBe(s3.digest); // ...and nobody listened
      expect(tab.digests()).toEqual([s1.digest, s2.digest, s3.digest]);
    }
    expect(a.shared.isLeading()).toBe(false);
    expect(a.network.running).toBe(false);
    expect(fake().leader()).toBe(b);
    expect(fake().relay.openStreams).toBe(1);
    expect(a.store.getState()).toMatchObject({ role: 'follower', digest: s3.digest });
  });

  it('a hidden leader gets the longer timeout (its timers may run once a minute)', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    const b = fake().open();
    await settle();
    a.page.hide();
    await settle(2 * HEARTBEAT_MS); // a beat says it is hidden
    a.page.freeze({ silently: true });

    await settle(60_000);
    expect(fake().leader()).toBe(a);
    expect(b.store.getState().role).toBe('follower');
    await settle(20_000);
    expect(b.store.getState().role).toBe('leader');
    expect(a.shared.isLeading()).toBe(false);
  });

  it('a hidden follower never steals; once shown, it does', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    const b = fake().open({ hidden: true });
    await settle();
    a.page.freeze({ silently: true });
    await settle(10 * LEADER_TIMEOUT_MS);
    expect(fake().leader()).toBe(a);
    b.page.show();
    await settle(2 * HEARTBEAT_MS);
    expect(b.store.getState().role).toBe('leader');
  });

  it('two visible followers that both decide to steal end with one leader and lose no change', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    const b = fake().open();
    const c = fake().open(); // b and c tick at the same instants: both steal
    await settle();
    a.page.freeze({ silently: true });
    fake().relay.publish(s2);
    await settle(STEAL_AFTER_MS);
    const leader = fake().leader();
    expect([b, c]).toContain(leader);
    expect(fake().relay.openStreams).toBe(1);
    fake().relay.publish(s3);
    await settle();
    for (const tab of [b, c]) expect(tab.store.getState().digest).toBe(s3.digest);
    a.page.resume();
    await settle();
    expect(fake().leader()).toBe(leader);
    expect(a.store.getState().digest).toBe(s3.digest);
  });

  it('a leader whose lock is taken stops its stream at once, even with no word from the new holder, and waits its turn', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    fake().open();
    await settle();
    expect(fake().leader()).toBe(a);
    const name = [...fake().locks.names][0]!;
    let letGo!: () => void;
    const silent = fake().locks.managerFor({ label: 'silent', task: (run) => setTimeout(run, 0) });
    void silent.request(name, { steal: true }, () => new Promise<void>((resolve) => (letGo = resolve)));
    await settle();
    expect(a.shared.isLeading()).toBe(false);
    expect(a.store.getState().role).toBe('follower');
    expect(fake().relay.openStreams).toBe(0);
    expect(fake().locks.waiting(name)).toBe(2); // a and b queue again

    letGo();
    await settle();
    expect(fake().leaders().length).toBe(1);
    expect(fake().relay.openStreams).toBe(1);
  });
});
