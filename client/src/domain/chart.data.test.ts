// The sensor history chart's decisions: a spike does not flatten the chart (it is marked at the
// edge with its real value instead), the previous period, and the CSV of the shown data (RFC 4180,
// formula injection defused as in the alarm log export).
import { describe, expect, it } from 'vitest';
import { previousPeriod, pointsIn, readingsCsv, shiftedOnto, valueDomain, type SeriesPoint } from './chart.data.ts';

const thresholds = { low: 10, high: 25 };
const flat = (n: number, at = (i: number) => 2 + (i % 5) * 0.5): SeriesPoint[] => Array.from({ length: n }, (_, i) => ({ t: i * 60_000, value: at(i) }));

describe('value axis', () => {
  it('shows every value and the thresholds when nothing stands out', () => {
    const d = valueDomain(flat(100), thresholds);
    expect(d.clipped).toEqual([]);
    expect(d.domain[0]).toBe(0);
    expect(d.domain[1]).toBeGreaterThanOrEqual(25);
    expect(d.domain[1]).toBeLessThan(30);
  });

  it('keeps to the bulk of the data when one spike would flatten it, and marks the spike at the edge', () => {
    const points = flat(600);
    points[300] = { t: 300 * 60_000, value: 950 };
    const d = valueDomain(points, thresholds);
    expect(d.domain[1]).toBeLessThan(30);
    expect(d.clipped).toEqual([{ t: 300 * 60_000, value: 950, edge: 'high' }]);
  });

  it('looks at a bucket’s max, not only its mean', () => {
    const points: SeriesPoint[] = flat(600).map((p) => ({ ...p, band: [p.value - 0.5, p.value + 0.5] }));
    points[10] = { t: 10 * 60_000, value: 3, band: [2, 800] };
    const d = valueDomain(points, thresholds);
    expect(d.domain[1]).toBeLessThan(30);
    expect(d.clipped).toEqual([{ t: 10 * 60_000, value: 800, edge: 'high' }]);
  });

  it('never clips a sustained excursion (an alarm’s worth of high values)', () => {
    const points = flat(600, (i) => (i >= 200 && i < 260 ? 60 : 2));
    const d = valueDomain(points, thresholds);
    expect(d.clipped).toEqual([]);
    expect(d.domain[1]).toBeGreaterThanOrEqual(60);
  });

  it('shows every value of a short series, spike included', () => {
    const points = flat(10);
    points[5] = { t: 5 * 60_000, value: 950 };
    expect(valueDomain(points, null)).toEqual({ domain: [0, expect.any(Number)], clipped: [] });
    expect(valueDomain(points, null).domain[1]).toBeGreaterThanOrEqual(950);
  });
});

describe('previous period', () => {
  it('is the same length, ending where the shown one starts', () => {
    expect(previousPeriod({ from: 1000, to: 4000 })).toEqual({ from: -2000, to: 1000 });
  });

  it('is drawn on the shown period’s time axis', () => {
    const prev = previousPeriod({ from: 10_000, to: 20_000 });
    expect(
      shiftedOnto(
        [
          { t: prev.from, value: 1 },
          { t: 15_000 - 10_000, value: 2 },
        ],
        10_000,
      ),
    ).toEqual([
      { t: 10_000, value: 1 },
      { t: 15_000, value: 2 },
    ]);
  });
});

describe('CSV of the shown data', () => {
  const sensor = { id: 'GAS-01', name: '=HYPERLINK("http://x","kitchen, 1")', unit: '%LEL' };

  it('has a header, one row per shown point, UTC times, CRLF and a byte-order mark', () => {
    const points: SeriesPoint[] = [
      { t: Date.UTC(2026, 0, 1, 0, 0), value: 1.5, band: [1, 2] },
      { t: Date.UTC(2026, 0, 1, 0, 5), value: 3 },
      { t: Date.UTC(2026, 0, 1, 0, 10), value: 4 },
    ];
    const csv = readingsCsv({ ...sensor, name: 'Kitchen gas' }, [{ series: 'current', points: pointsIn(points, points[0]!.t, points[1]!.t), stepS: 300 }]);
    expect(csv).toBe(
      '\uFEFFsensor_id,sensor_name,series,time_utc,value,min,max,unit,step_s\r\n' +
        'GAS-01,Kitchen gas,current,2026-01-01T00:00:00.000Z,1.5,1,2,%LEL,300\r\n' +
        'GAS-01,Kitchen gas,current,2026-01-01T00:05:00.000Z,3,,,%LEL,300\r\n',
    );
  });

  it('quotes per RFC 4180 and defuses a name that looks like a formula', () => {
    const csv = readingsCsv(sensor, [{ series: 'previous', points: [{ t: 0, value: 1 }], stepS: null }]);
    expect(csv.split('\r\n')[1]).toBe(`GAS-01,"'=HYPERLINK(""http://x"",""kitchen, 1"")",previous,1970-01-01T00:00:00.000Z,1,,,%LEL,`);
  });
});

describe('value axis over a day of 5-minute buckets', () => {
  it('leaves out the one bucket whose max caught a spike', () => {
    const points: SeriesPoint[] = Array.from({ length: 24 }, (_, i) => ({ t: i * 300_000, value: 3, band: [2, 4] }));
    points[6] = { t: 6 * 300_000, value: 20, band: [2, 90] };
    const d = valueDomain(points, thresholds);
    expect(d.domain[1]).toBeLessThan(30);
    expect(d.clipped).toEqual([{ t: 6 * 300_000, value: 90, edge: 'high' }]);
  });
});
