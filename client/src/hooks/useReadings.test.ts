import { describe, expect, it } from 'vitest';
import { makeSensorState } from '../../../test/support/client.fixtures.ts';
import { appendLive, toChartPoints, type ReadingsState } from './useReadings.ts';

const ready = (points: { t: number; value: number }[]): ReadingsState => ({ kind: 'ready', from: 0, to: 1_000, resolution: 'raw', stepS: null, points });

describe('history chart data', () => {
  it('turns aggregated points into a value and a min–max band', () => {
    expect(
      toChartPoints([
        { t: 1, value: 5, min: 2, max: 9 },
        { t: 2, value: 4 },
      ]),
    ).toEqual([
      { t: 1, value: 5, band: [2, 9] },
      { t: 2, value: 4 },
    ]);
  });

  it('appends a newer live value and drops what slid out of the window', () => {
    const next = appendLive(
      ready([
        { t: 100, value: 1 },
        { t: 900, value: 2 },
      ]),
      makeSensorState({ sensorId: 's', lastSeen: 1_200, lastValue: 3 }),
      500,
    );
    expect(next.kind === 'ready' && next.points).toEqual([
      { t: 900, value: 2 },
      { t: 1_200, value: 3 },
    ]);
    expect(next.kind === 'ready' && [next.from, next.to]).toEqual([700, 1_200]);
  });

  it('ignores live states that are not newer, or carry no value', () => {
    const state = ready([{ t: 900, value: 2 }]);
    expect(appendLive(state, makeSensorState({ sensorId: 's', lastSeen: 900, lastValue: 5 }), 500)).toBe(state);
    expect(appendLive(state, makeSensorState({ sensorId: 's', lastSeen: 950, lastValue: null }), 500)).toBe(state);
    expect(appendLive({ kind: 'loading' }, makeSensorState({ sensorId: 's' }), 500)).toEqual({ kind: 'loading' });
  });
});
