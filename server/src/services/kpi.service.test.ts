/**
 * KpiService over fake ports: what it asks of InfluxDB (period, bucket, raw retention), how it
 * turns offline alarms into offline periods (a gateway's for every sensor behind it), and which
 * live shelves and out-of-service periods it lists (docs/kpis.md#sensor-availability).
 */
import { describe, expect, it } from 'vitest';
import type { Alarm, Sensor, SensorLiveState } from '../../../contract/index.ts';
import { makeSensor } from '../../../test/support/alarm.fixtures.ts';
import { makeAlarm } from '../../../test/support/contract.fixtures.ts';
import type { KpiAlarm, KpiPeriod } from '../domain/kpi/index.ts';
import { KpiService, offlinePeriods, presenceBucket } from './kpi.service.ts';

const H = 3_600_000;
const DAY = 24 * H;
const T = Date.UTC(2026, 10, 27, 0, 0, 0);

describe('presenceBucket', () => {
  const sensors = [{ heartbeatS: 60 }, { heartbeatS: 300 }];
  it('whole hours, at least 3 heartbeats of the slowest sensor, at most 720 buckets a period', () => {
    expect(presenceBucket(sensors, { from: T, to: T + DAY })).toBe(H); // 900 s → 1 h
    expect(presenceBucket([{ heartbeatS: 3600 }], { from: T, to: T + DAY })).toBe(3 * H);
    expect(presenceBucket(sensors, { from: T, to: T + 60 * DAY })).toBe(2 * H); // 1440 h / 720
    expect(presenceBucket(sensors, { from: T, to: T + 366 * DAY })).toBe(13 * H); // 12.2 h → 13
  });
});

describe('offlinePeriods', () => {
  const behind = (gw: string) => (gw === 'GW' ? [makeSensor('smoke', { id: 'S1' }), makeSensor('smoke', { id: 'S2' })] : []);
  it('from the raise to the return, else the close, else the end; a gateway’s for each sensor behind it; other alarms not at all', () => {
    const alarms: KpiAlarm[] = [
      makeAlarm({ id: 'a', sensorId: 'G1', condition: 'offline', raisedAt: T, activatedAt: T, clearedAt: T + H }),
      // re-activated after clearing, then closed: from the raise to the close
      makeAlarm({ id: 'b', sensorId: 'G2', condition: 'offline', raisedAt: T, activatedAt: T + 2 * H, clearedAt: T + H, closedAt: T + 3 * H }),
      makeAlarm({ id: 'c', sensorId: 'GW', condition: 'gateway_offline', raisedAt: T + H, activatedAt: T + H }),
      makeAlarm({ id: 'd', sensorId: 'G3', condition: 'gas', raisedAt: T }),
    ];
    expect(Object.fromEntries(offlinePeriods(alarms, { sensorsBehind: behind }, T + 5 * H))).toEqual({
      G1: [[T, T + H]],
      G2: [[T, T + 3 * H]],
      S1: [[T + H, T + 5 * H]],
      S2: [[T + H, T + 5 * H]],
    });
  });
});

describe('KpiService.compute', () => {
  const sensors: Sensor[] = [
    makeSensor('gas', { id: 'HQ-1', siteId: 'hq', heartbeatS: 60 }),
    makeSensor('gas', { id: 'LAB-1', siteId: 'lab', heartbeatS: 60 }),
  ];
  const registry = {
    facility: { sites: [{ id: 'hq' }, { id: 'lab' }] },
    allSensors: () => sensors,
    sensor: (id: string) => sensors.find((s) => s.id === id),
    sensorsBehind: () => [],
  };
  const shelf = { at: T, until: T + 2 * H, by: 'li', reason: 'cleaning' };
  const live: { alarms: Alarm[]; sensors: SensorLiveState[] } = {
    alarms: [
      makeAlarm({ id: 'sh', siteId: 'hq', sensorId: 'HQ-1', shelved: shelf }),
      makeAlarm({ id: 'drill', siteId: 'hq', sensorId: 'HQ-1', shelved: shelf, drill: 'd-1' }),
      makeAlarm({ id: 'other', siteId: 'lab', sensorId: 'LAB-1', shelved: shelf }),
    ],
    sensors: [
      {
        sensorId: 'LAB-1',
        lastSeen: null,
        lastValue: null,
        lastEvent: null,
        online: null,
        battery: null,
        rssi: null,
        outOfService: { since: T, until: T + H, by: 'zhao', reason: 'calibration' },
      },
      { sensorId: 'HQ-1', lastSeen: null, lastValue: null, lastEvent: null, online: null, battery: null, rssi: null, outOfService: null },
    ],
  };
  function service(now: number, retentionDays: number) {
    const asked: { period: KpiPeriod; bucketMs: number; siteId: string | null }[] = [];
    const kpis = new KpiService({
      alarms: { alarmsOverlapping: async () => [], annunciations: async () => [] },
      presence: {
        presence: async (period, bucketMs, siteId) => {
          asked.push({ period, bucketMs, siteId });
          const all: number[] = [];
          for (let t = period.from; t < period.to; t += bucketMs) all.push(t);
          return new Map([['HQ-1', all]]);
        },
      },
      live: { snapshot: async () => live },
      registry,
      clock: { now: () => now },
      rawRetentionMs: retentionDays * DAY,
    });
    return { kpis, asked };
  }

  it('asks InfluxDB up to now, not the future end; lists this site’s real shelves and out-of-service sensors only', async () => {
    const { kpis, asked } = service(T + 5 * H, 90);
    const k = await kpis.compute({ siteId: 'hq', from: T, to: T + DAY });
    expect(asked).toEqual([{ period: { from: T, to: T + 5 * H }, bucketMs: H, siteId: 'hq' }]);
    expect(k.positions).toBe(1);
    expect(k.shelved.map((s) => s.alarmId)).toEqual(['sh']);
    expect(k.outOfService).toEqual([]);
    expect(k.availability).toEqual([{ siteId: 'hq', sensorId: 'HQ-1', sensorName: sensors[0]!.name, available: 1, unavailableS: 0 }]);
    const all = await kpis.compute({ siteId: null, from: T, to: T + DAY });
    expect(all.shelved.map((s) => s.alarmId)).toEqual(['sh', 'other']);
    expect(all.outOfService).toEqual([
      { siteId: 'lab', sensorId: 'LAB-1', sensorName: sensors[1]!.name, by: 'zhao', reason: 'calibration', since: T, until: T + H },
    ]);
  });

  it('before raw retention began presence is not judged: those buckets count as present, InfluxDB is asked only after', async () => {
    // Now is 10 days after T with 7 days of raw history: [T, T + 3 d] cannot be judged.
    const { kpis, asked } = service(T + 10 * DAY, 7);
    const k = await kpis.compute({ siteId: null, from: T, to: T + 5 * DAY });
    const kept = T + 3 * DAY + H; // the first whole bucket inside retention
    expect(asked).toEqual([{ period: { from: kept, to: T + 5 * DAY }, bucketMs: H, siteId: null }]);
    const lab = k.availability.find((a) => a.sensorId === 'LAB-1')!;
    // LAB-1 stored nothing where it is judged: unavailable from `kept` to the end.
    expect(lab.unavailableS).toBe((T + 5 * DAY - kept) / 1000);
    expect(k.availability.find((a) => a.sensorId === 'HQ-1')!.available).toBe(1);
  });

  it('a period wholly before retention asks InfluxDB nothing', async () => {
    const { kpis, asked } = service(T + 100 * DAY, 7);
    const k = await kpis.compute({ siteId: null, from: T, to: T + DAY });
    expect(asked).toEqual([]);
    expect(k.availability.every((a) => a.available === 1)).toBe(true);
  });
});
