// A link that drops silently is called lost within MISSED_BEATS intervals of the last message,
// so the console's banner and tone come within 5 s of the drop (README, "When the live link is
// lost"; docs/contracts.md#realtime-socketio, heartbeat).
import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { HeartbeatWatch, LATE_CHECK_MS, LATE_GRACE_MS, MIN_SILENCE_MS } from './heartbeat.watch.ts';

function setup() {
  const scheduler = new FakeScheduler();
  const silent: number[] = [];
  const watch = new HeartbeatWatch(scheduler, (lastHeard) => silent.push(lastHeard));
  return { scheduler, watch, silent };
}

describe('heartbeat watch', () => {
  it('calls the link lost 3 intervals after the last beat, naming when the server was last heard', async () => {
    const { scheduler, watch, silent } = setup();
    watch.beat(1, 1_000);
    await scheduler.advance(1_000);
    watch.beat(2, 1_000);
    const lastHeard = scheduler.now();
    await scheduler.advance(2_999);
    expect(silent).toEqual([]);
    await scheduler.advance(1);
    expect(silent).toEqual([lastHeard]);
    expect(watch.armed).toBe(false);
  });

  it('stays quiet while beats keep coming, however long', async () => {
    const { scheduler, watch, silent } = setup();
    for (let seq = 1; seq <= 600; seq++) {
      watch.beat(seq, 1_000);
      await scheduler.advance(1_000);
    }
    expect(silent).toEqual([]);
    expect(scheduler.pendingCount).toBe(1); // one timer, not one per beat
  });

  it('counts any message from the server as proof of life, not only beats', async () => {
    const { scheduler, watch, silent } = setup();
    watch.beat(1, 1_000);
    for (let i = 0; i < 10; i++) {
      await scheduler.advance(2_000);
      watch.heard(); // a snapshot or alarm event that held the beats up behind it
    }
    expect(silent).toEqual([]);
    await scheduler.advance(3_000);
    expect(silent).toHaveLength(1);
  });

  it('is not armed by messages alone: a server that sends no beats is never called silent', async () => {
    const { scheduler, watch, silent } = setup();
    watch.heard();
    watch.connected();
    await scheduler.advance(60_000);
    expect(silent).toEqual([]);
    expect(watch.armed).toBe(false);
  });

  it('once beats were heard, watches a new connection from its start (a link that dies before its first beat)', async () => {
    const { scheduler, watch, silent } = setup();
    watch.beat(1, 1_000);
    watch.stop(); // the connection ended
    await scheduler.advance(10_000);
    expect(silent).toEqual([]);
    watch.connected();
    await scheduler.advance(3_000);
    expect(silent).toHaveLength(1);
  });

  it(`never waits less than ${MIN_SILENCE_MS} ms, whatever interval the server announces`, async () => {
    const { scheduler, watch, silent } = setup();
    watch.beat(1, 100);
    await scheduler.advance(MIN_SILENCE_MS - 1);
    expect(silent).toEqual([]);
    await scheduler.advance(1);
    expect(silent).toHaveLength(1);
  });

  it('gives messages held up by a frozen page a moment before calling the link lost, once per freeze', async () => {
    const { scheduler, watch, silent } = setup();
    watch.beat(1, 1_000);
    // The page is frozen for 5 s: the check runs late, and beats that queued meanwhile come next.
    scheduler.t += 5_000;
    await scheduler.advance(0);
    expect(silent).toEqual([]);
    watch.beat(2, 1_000);
    await scheduler.advance(LATE_GRACE_MS);
    expect(silent).toEqual([]);
    // Frozen again, and nothing heard since the last beat: one grace for this freeze, then lost.
    scheduler.t += 3_000 + LATE_CHECK_MS + 1;
    await scheduler.advance(0);
    expect(silent).toEqual([]);
    await scheduler.advance(LATE_GRACE_MS);
    expect(silent).toHaveLength(1);
  });

  it('counts beats that never arrived', () => {
    const { watch } = setup();
    watch.beat(1, 1_000);
    watch.beat(2, 1_000);
    watch.beat(5, 1_000);
    expect(watch.missed).toBe(2);
  });
});
