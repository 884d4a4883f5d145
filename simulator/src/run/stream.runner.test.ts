// Pacing with fake time (time is a port: CONTRIBUTING.md "Layer rules"): virtual time maps to real time by --speed,
// payloads are stamped with the real publish time, and a stop signal ends the run cleanly.
import { describe, expect, it } from 'vitest';
import { emission, type Emission } from '../generate/emission.ts';
import type { Publisher, PublishStats } from '../publish/publisher.ts';
import { runStream, type Clock } from './stream.runner.ts';

class FakeClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

class RecordingPublisher implements Publisher {
  readonly sent: { e: Emission; ts: number; realAt: number }[] = [];
  constructor(private readonly clock: Clock) {}
  publish(e: Emission, ts: number): void {
    this.sent.push({ e, ts, realAt: this.clock.now() });
  }
  stats(): PublishStats {
    return { sent: this.sent.length, acked: this.sent.length, failed: 0 };
  }
  async drain(): Promise<void> {}
  async close(): Promise<void> {}
}

const V0 = Date.parse('2026-11-27T02:00:00Z');
const device = { id: 'CAN-GAS-01', siteId: 'hq' };
const readings = [0, 10_000, 20_000, 60_000].map((dt, i) => emission(V0 + dt, device, 'reading', { value: i, unit: '%LEL' }));

describe('runStream', () => {
  it('at --speed 10 publishes 10 virtual seconds per real second, stamped with the real time', async () => {
    const clock = new FakeClock(1_000_000);
    const publisher = new RecordingPublisher(clock);
    const notes: string[] = [];
    const result = await runStream({
      stream: readings,
      publisher,
      virtualStart: V0,
      until: V0 + 90_000,
      speed: 10,
      live: true,
      clock,
      notes: [
        { at: V0 + 15_000, text: 'halfway' },
        { at: V0 + 80_000, text: 'after the last' },
      ],
      onNote: (n) => notes.push(n.text),
    });
    expect(publisher.sent.map((s) => s.realAt - 1_000_000)).toEqual([0, 1000, 2000, 6000]);
    expect(publisher.sent.map((s) => s.ts)).toEqual(publisher.sent.map((s) => s.realAt));
    expect(notes).toEqual(['halfway', 'after the last']);
    // It waits for the scenario's end even after the last emission.
    expect(clock.now() - 1_000_000).toBe(9000);
    expect(result).toEqual({ stopped: false, reached: V0 + 90_000 });
  });

  it('a dry run never waits and stamps with virtual time', async () => {
    const clock = new FakeClock(5);
    const publisher = new RecordingPublisher(clock);
    await runStream({ stream: readings, publisher, virtualStart: V0, speed: 1, live: false, clock });
    expect(clock.now()).toBe(5);
    expect(publisher.sent.map((s) => s.ts)).toEqual(readings.map((e) => e.at));
  });

  it('stops at the signal', async () => {
    const clock = new FakeClock(0);
    const publisher = new RecordingPublisher(clock);
    const stop = new AbortController();
    const stream = (function* () {
      yield readings[0]!;
      yield readings[1]!;
      stop.abort();
      yield readings[2]!;
    })();
    const result = await runStream({ stream, publisher, virtualStart: V0, speed: 1, live: true, clock, signal: stop.signal });
    expect(publisher.sent).toHaveLength(2);
    expect(result.stopped).toBe(true);
  });
});
