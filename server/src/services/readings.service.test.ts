// Sensor history over long ranges: the buckets a roll-up has not reached yet come from the next
// finer source (docs/contracts.md#roll-ups-continuous-queries). The store is a fake behind the
// ReadingsQuery port; test/integration/history.rollup-fallback.test.ts runs it on real InfluxDB.
import { describe, expect, it } from 'vitest';
import type { ReadingPoint, ReadingsResolution } from '../../../contract/index.ts';
import { ReadingsService, type ReadingsPlan, type ReadingsQuery } from './readings.service.ts';

const DAY = 86_400_000;
const TO = Date.UTC(2026, 10, 27, 12);
const FROM = TO - 365 * DAY;
const day = (n: number): number => Math.floor(TO / DAY) * DAY - n * DAY;
const bucket = (t: number, value: number): ReadingPoint => ({ t, value, min: value, max: value });

class FakeStore implements ReadingsQuery {
  readonly asked: ReadingsPlan[] = [];
  constructor(private readonly by: Partial<Record<ReadingsResolution, ReadingPoint[]>>) {}
  async readings(_sensorId: string, plan: ReadingsPlan): Promise<ReadingPoint[]> {
    this.asked.push(plan);
    return (this.by[plan.resolution] ?? []).filter((p) => p.t >= plan.from && p.t <= plan.to);
  }
}

const sensor = { id: 'GAS-1', unit: '%LEL' } as const;

describe('a year of history', () => {
  it('comes from the raw points when neither roll-up holds anything yet', async () => {
    const store = new FakeStore({ raw: [bucket(day(0), 3)] });
    const r = await new ReadingsService(store).readings(sensor, FROM, TO);
    expect(r.points).toEqual([bucket(day(0), 3)]);
    expect(r.resolution).toBe('raw');
    expect(store.asked.map((p) => [p.resolution, p.from, p.stepS])).toEqual([
      ['1h', FROM, 86_400],
      ['1m', FROM, 86_400],
      ['raw', FROM, 86_400],
    ]);
  });

  it('takes the finer source from the coarse answer’s last bucket on, which it replaces', async () => {
    const store = new FakeStore({ '1h': [bucket(day(10), 10), bucket(day(0), 4)], '1m': [bucket(day(0), 5)], raw: [] });
    const r = await new ReadingsService(store).readings(sensor, FROM, TO);
    expect(r.points).toEqual([bucket(day(10), 10), bucket(day(0), 5)]);
    expect(r.resolution).toBe('1h');
    expect(store.asked[1]).toMatchObject({ resolution: '1m', from: day(0) });
  });

  it('keeps a coarse bucket the finer source no longer holds', async () => {
    const store = new FakeStore({ '1h': [bucket(day(300), 7)] });
    const r = await new ReadingsService(store).readings(sensor, FROM, TO);
    expect(r.points).toEqual([bucket(day(300), 7)]);
  });

  it('takes the finer source before the coarse answer’s first bucket too, which it replaces', async () => {
    const store = new FakeStore({ '1h': [bucket(day(10), 10), bucket(day(0), 4)], '1m': [bucket(day(20), 6), bucket(day(10), 9)] });
    const r = await new ReadingsService(store).readings(sensor, FROM, TO);
    expect(r.points).toEqual([bucket(day(20), 6), bucket(day(10), 9), bucket(day(0), 4)]);
    expect(r.resolution).toBe('1h');
  });

  it('asks raw points once for a short range', async () => {
    const store = new FakeStore({ raw: [{ t: TO - 1000, value: 1 }] });
    const r = await new ReadingsService(store).readings(sensor, TO - 3_600_000, TO);
    expect(r.points).toEqual([{ t: TO - 1000, value: 1 }]);
    expect(store.asked).toHaveLength(1);
  });
});

// A roll-up holds only what its continuous query saw once it existed (an upgrade from raw-only
// history, a query created again at a start, readings stored before the schema setup finished).
// A manager's day view must still show a 90 %LEL spike from before that: the browser test of the
// sensor page (test/e2e/sensor.page.test.ts) lost it whenever the minute roll-up had begun after
// its readings were written.
describe('a day whose minute roll-up began a few minutes ago', () => {
  const MINUTE = 60_000;
  const now = Date.UTC(2026, 11, 5, 0, 48, 12, 345);
  const step = 300_000;
  const at = (t: number): number => Math.floor(t / step) * step;
  /** Two hours of one reading a minute, 2–4 %LEL with 90 %LEL thirty minutes ago, in 5-minute buckets (the mean is beside the point here). */
  const raw: ReadingPoint[] = [];
  for (let i = 119; i >= 0; i--) {
    const t = at(now - i * MINUTE);
    const value = i === 30 ? 90 : 2 + (i % 3);
    const b = raw[raw.length - 1];
    if (b?.t === t) raw[raw.length - 1] = { t, value: Math.max(b.value, value), min: Math.min(b.min!, value), max: Math.max(b.max!, value) };
    else raw.push({ t, value, min: value, max: value });
  }
  const rolledUp = raw.filter((p) => p.t >= at(now - 8 * MINUTE));

  it('keeps the spike the roll-up never saw, from the raw points before its first bucket', async () => {
    const store = new FakeStore({ '1m': rolledUp, raw });
    const r = await new ReadingsService(store).readings(sensor, now - DAY, now, 300);
    expect(r.resolution).toBe('1m');
    expect(r.points.map((p) => p.t)).toEqual(raw.map((p) => p.t));
    expect(Math.max(...r.points.map((p) => p.max!))).toBe(90);
  });
});
