// Never lose a safety signal without a trouble signal the officer sees: a message the broker drops
// is counted since Vigil started, degrades health while recent, and is logged once per change of state.
import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import {
  BROKER_DROPS_LOG_EVERY_MS,
  BROKER_DROPS_RECENT_MS,
  BrokerDrops,
  droppedSinceStart,
  NO_DROPS,
  tallyDrops,
  type BrokerDropsEvent,
} from './broker.drops.ts';

const tally = (...reported: number[]) => reported.reduce(tallyDrops, NO_DROPS);

describe('tallyDrops / droppedSinceStart', () => {
  it('counts nothing before any value, and takes the first value as the baseline: drops before Vigil watched are not its', () => {
    expect(droppedSinceStart(NO_DROPS)).toBe(0);
    expect(droppedSinceStart(tally(5000))).toBe(0);
  });

  it('counts the rise above the baseline', () => {
    expect(droppedSinceStart(tally(5000, 5000, 5120, 7000))).toBe(2000);
  });

  it('keeps what was counted when the broker restarts (counter back to zero) and counts the new run from zero', () => {
    // 2000 dropped in the first run; the restarted broker has dropped 30 by the time Vigil hears it, then 50.
    expect(droppedSinceStart(tally(5000, 7000, 30))).toBe(2030);
    expect(droppedSinceStart(tally(5000, 7000, 30, 80))).toBe(2080);
    expect(droppedSinceStart(tally(5000, 7000, 0, 10, 2, 4))).toBe(2014);
  });
});

describe('BrokerDrops', () => {
  function make() {
    const clock = new FakeScheduler();
    const events: [BrokerDropsEvent, number][] = [];
    const drops = new BrokerDrops(clock, (e, n) => events.push([e, n]));
    return { clock, events, drops };
  }

  it('is not recent while the count holds still, recent once it rises, and quiet again after the window', async () => {
    const { clock, drops } = make();
    drops.report(100);
    drops.report(100);
    expect(drops.status()).toMatchObject({ dropped: 0, recent: false });
    drops.report(150);
    expect(drops.status()).toMatchObject({ dropped: 50, recent: true });
    await clock.advance(BROKER_DROPS_RECENT_MS - 1);
    expect(drops.status().recent).toBe(true);
    await clock.advance(1);
    expect(drops.status()).toMatchObject({ dropped: 50, recent: false });
  });

  it('logs drops starting, rising at most once a minute, and stopping: not once per $SYS message', async () => {
    const { clock, drops, events } = make();
    drops.report(0);
    drops.report(10);
    for (let i = 1; i <= 30; i++) {
      await clock.advance(5000);
      drops.report(10 + i * 10);
    }
    // 150 s of rising: started at 0 s, then at 60 s and 120 s.
    expect(events).toEqual([
      ['started', 10],
      ['rising', 10 + 12 * 10],
      ['rising', 10 + 24 * 10],
    ]);
    await clock.advance(BROKER_DROPS_RECENT_MS);
    expect(events.at(-1)).toEqual(['stopped', 310]);
    expect(events).toHaveLength(4);
    drops.report(311);
    expect(events.at(-1)).toEqual(['started', 311]);
    expect(BROKER_DROPS_LOG_EVERY_MS).toBe(60_000);
  });
});
