import { describe, expect, it } from 'vitest';
import { zoneChartData } from './zone.series.ts';

describe('zone chart: several sensors of one zone, one axis per unit', () => {
  it('merges the sensors into rows by time', () => {
    const data = zoneChartData([
      {
        sensorId: 'G1',
        unit: '%LEL',
        points: [
          { t: 1, value: 2 },
          { t: 3, value: 4 },
        ],
      },
      {
        sensorId: 'G2',
        unit: '%LEL',
        points: [
          { t: 1, value: 5 },
          { t: 2, value: 6 },
        ],
      },
    ]);
    expect(data.rows).toEqual([
      { t: 1, G1: 2, G2: 5 },
      { t: 2, G2: 6 },
      { t: 3, G1: 4 },
    ]);
    expect(data.axes).toEqual([{ unit: '%LEL', axisId: 'unit-0', sensorIds: ['G1', 'G2'] }]);
  });
  it('never puts two units on one scale', () => {
    const data = zoneChartData([
      { sensorId: 'G1', unit: '%LEL', points: [] },
      { sensorId: 'C1', unit: 'ppm', points: [] },
      { sensorId: 'G2', unit: '%LEL', points: [] },
    ]);
    expect(data.axes.map((a) => [a.unit, a.sensorIds])).toEqual([
      ['%LEL', ['G1', 'G2']],
      ['ppm', ['C1']],
    ]);
  });
});
