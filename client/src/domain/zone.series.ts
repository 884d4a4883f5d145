/**
 * Several sensors of one zone on one chart. Sensors are grouped by unit:
 * each unit gets its own value axis, so %LEL and ppm are never drawn against one scale. Points of
 * all sensors are merged into rows by time (a sensor without a value at a time leaves a gap that
 * the line bridges).
 */
import type { ReadingPoint } from '../../../contract/api.ts';

export interface SensorSeries {
  sensorId: string;
  unit: string;
  points: readonly ReadingPoint[];
}

export interface ZoneRow {
  t: number;
  [sensorId: string]: number;
}

export interface UnitAxis {
  unit: string;
  /** Recharts yAxisId. */
  axisId: string;
  sensorIds: string[];
}

export interface ZoneChartData {
  rows: ZoneRow[];
  axes: UnitAxis[];
}

export function zoneChartData(series: readonly SensorSeries[]): ZoneChartData {
  const axes = new Map<string, UnitAxis>();
  const rows = new Map<number, ZoneRow>();
  for (const s of series) {
    let axis = axes.get(s.unit);
    if (!axis) axes.set(s.unit, (axis = { unit: s.unit, axisId: `unit-${axes.size}`, sensorIds: [] }));
    axis.sensorIds.push(s.sensorId);
    for (const p of s.points) {
      let row = rows.get(p.t);
      if (!row) rows.set(p.t, (row = { t: p.t }));
      row[s.sensorId] = p.value;
    }
  }
  return { rows: [...rows.values()].sort((a, b) => a.t - b.t), axes: [...axes.values()] };
}
