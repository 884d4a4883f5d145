// `simulate run`: normal operations keep every sensor within its heartbeat (the server's watchdog
// raises offline after 3 × heartbeatS of silence) and raise no alarm of their own.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAccessExpected, type Sensor } from '../../../contract/index.ts';
import { readFacility } from '../facility/facility.read.ts';
import type { Emission } from './emission.ts';
import { hasReader } from './normal.door.ts';
import { normalOperations } from './normal.operations.ts';
import { MAX_HEARTBEAT_FRACTION } from './normal.status.ts';
import { takeUntil } from './stream.merge.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const facility = readFacility(path.join(ROOT, 'config/facility.yaml'));
// A Friday 06:00 in Shanghai, for 26 h: a working day, an evening, a night and a Saturday morning.
const START = Date.parse('2026-11-27T06:00:00+08:00');
const HOURS = 26;
const stream = [...takeUntil(normalOperations(facility, { seed: 42, start: START }), START + HOURS * 3_600_000)];
const bySensor = new Map<string, Emission[]>();
for (const e of stream) {
  const list = bySensor.get(e.sensorId);
  if (list) list.push(e);
  else bySensor.set(e.sensorId, [e]);
}
const sensors = new Map<string, Sensor>(facility.sensors.map((s) => [s.id, s]));

describe('normal operations', () => {
  it('is ordered in time and sends only on native topics of registered sensors', () => {
    const outOfOrder = stream.filter((e, i) => i > 0 && e.at < stream[i - 1]!.at);
    expect(outOfOrder).toEqual([]);
    const badTopics = stream.filter((e) => e.topic !== `vigil/${sensors.get(e.sensorId)?.siteId}/${e.sensorId}/${e.channel}`);
    expect(badTopics).toEqual([]);
  });

  it('keeps every sensor in the registry within its heartbeat, from the first second', () => {
    expect([...bySensor.keys()].sort()).toEqual(facility.sensors.map((s) => s.id).sort());
    for (const s of facility.sensors) {
      const times = [START, ...bySensor.get(s.id)!.map((e) => e.at), START + HOURS * 3_600_000];
      const statuses = bySensor.get(s.id)!.filter((e) => e.channel === 'status');
      expect(statuses[0]!.at - START, `${s.id} announces itself at start`).toBeLessThan(2000);
      let maxGap = 0;
      for (let i = 1; i < times.length; i++) maxGap = Math.max(maxGap, times[i]! - times[i - 1]!);
      // Never close to the watchdog's 3 × heartbeatS; not even past one heartbeat.
      expect(maxGap, `${s.id} longest silence`).toBeLessThanOrEqual(s.heartbeatS * 1000 * MAX_HEARTBEAT_FRACTION + 2000);
    }
  });

  it('keeps gas within 0-3 %LEL and CO within 0-5 ppm, below every threshold and rate of rise', () => {
    for (const s of facility.sensors.filter((x) => x.kind === 'gas' || x.kind === 'co')) {
      const readings = bySensor.get(s.id)!.filter((e) => e.channel === 'reading');
      expect(readings.length).toBeGreaterThan(HOURS * 300);
      const values = readings.map((e) => e.payload.value as number);
      expect(readings.every((e) => e.payload.unit === s.unit)).toBe(true);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(Math.min(s.kind === 'gas' ? 3 : 5, s.thresholds!.low));
      // The whole band is narrower than the rate-of-rise limit: no pre-alarm is possible.
      expect(Math.max(...values) - Math.min(...values)).toBeLessThan(s.thresholds!.riseRate);
      // It drifts: not one flat value.
      expect(new Set(values).size).toBeGreaterThan(5);
    }
  });

  it('drains batteries slowly and never below the low-battery threshold', () => {
    for (const s of facility.sensors) {
      const levels = bySensor.get(s.id)!.flatMap((e) => (e.payload.battery === undefined ? [] : [e.payload.battery as number]));
      if (s.kind === 'smoke' && !/VESDA/.test(s.model ?? '')) expect(levels.length, `${s.id} reports a battery`).toBeGreaterThan(0);
      if (levels.length === 0) continue;
      expect(Math.min(...levels)).toBeGreaterThanOrEqual(s.batteryLowPct);
      expect(levels[0]! - levels.at(-1)!).toBeLessThanOrEqual(1);
    }
  });

  it('produces door traffic only sensibly: badge, open, close; never held, forced, after hours or a denial burst', () => {
    let passages = 0;
    for (const s of facility.sensors.filter((x) => x.kind === 'door')) {
      const events = bySensor.get(s.id)!.filter((e) => e.channel === 'event');
      const timezone = facility.sites.find((x) => x.id === s.siteId)!.timezone;
      const schedule = s.schedule === null ? null : facility.schedules[s.schedule]!;
      let openSince: number | null = null;
      const denials: number[] = [];
      for (const e of events) {
        const type = e.payload.type;
        expect(['open', 'closed', 'access_granted', 'access_denied'], `${s.id} ${String(type)}`).toContain(type);
        if (!hasReader(s)) expect(['open', 'closed']).toContain(type);
        if (type === 'open') {
          expect(openSince, `${s.id} opens twice`).toBeNull();
          openSince = e.at;
          passages++;
        }
        if (type === 'closed') {
          expect(openSince, `${s.id} closes while closed`).not.toBeNull();
          // Held open longer than heldOpenS raises an alarm — normal traffic never does.
          expect(e.at - openSince!).toBeLessThan(s.heldOpenS! * 1000 * 0.5);
          openSince = null;
        }
        if (type === 'access_granted' && schedule !== null) expect(isAccessExpected(schedule, timezone, e.at), `${s.id} granted after hours`).toBe(true);
        if (type === 'access_denied') {
          denials.push(e.at);
          // 3 or more denied within 60 s raise a burst — normal traffic stays far below.
          expect(denials.filter((t) => e.at - t < 60_000).length).toBeLessThan(2);
        }
      }
    }
    expect(passages).toBeGreaterThan(500);
  });

  it('follows office hours: the finance floor is busy on a weekday and empty at night', () => {
    const lift = bySensor.get('TWR-2F-DR-LIFT')!.filter((e) => e.payload.type === 'access_granted');
    const hourOf = (t: number): number => new Date(t + 8 * 3_600_000).getUTCHours();
    expect(lift.filter((e) => hourOf(e.at) >= 9 && hourOf(e.at) < 17).length).toBeGreaterThan(50);
    expect(lift.filter((e) => hourOf(e.at) >= 20 || hourOf(e.at) < 7).length).toBe(0);
  });

  it('is reproducible: the same seed gives the same stream, another seed another one', () => {
    const take = (seed: number) => [...takeUntil(normalOperations(facility, { seed, start: START }), START + 600_000)];
    expect(take(42)).toEqual(stream.filter((e) => e.at < START + 600_000));
    expect(take(43)).not.toEqual(take(42));
  });
});
