// Scenarios played on top of normal traffic, with fake time: the scenario's own values
// reach the thresholds it is written for, normal traffic on a channel it drives is held back,
// silence is silence, and a disconnect is the device's last will.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFacility } from '../facility/facility.read.ts';
import type { Emission } from '../generate/emission.ts';
import { normalOperations } from '../generate/normal.operations.ts';
import { compileScenario } from './scenario.compile.ts';
import { loadScenario } from './scenario.library.ts';
import { playScenario } from './scenario.play.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const facility = readFacility(path.join(ROOT, 'config/facility.yaml'));
const START = Date.parse('2026-11-27T12:00:00+08:00');
const LEAD_IN_MS = 10_000;

function play(name: string, seed = 7) {
  const loaded = loadScenario(name, facility);
  const compiled = compileScenario(loaded, facility, { seed, start: START + LEAD_IN_MS });
  const stream = [...playScenario(compiled, normalOperations(facility, { seed, start: START, siteId: loaded.scenario.site }))];
  const at = (s: number): number => compiled.start + s * 1000;
  const of = (sensorId: string, channel?: string): Emission[] =>
    stream.filter((e) => e.sensorId === sensorId && (channel === undefined || e.channel === channel));
  return { loaded, compiled, stream, at, of };
}

describe('playing a scenario', () => {
  it('canteen gas leak: the wok range rises past low then high, the meter room follows, the valve brings it down', () => {
    const { stream, at, of, compiled } = play('canteen-gas-leak');
    for (let i = 1; i < stream.length; i++) expect(stream[i]!.at).toBeGreaterThanOrEqual(stream[i - 1]!.at);
    expect(stream.at(-1)!.at).toBeLessThan(compiled.end);
    const wok = of('CAN-GAS-01', 'reading').filter((e) => e.at >= at(0));
    const value = (e: Emission) => e.payload.value as number;
    const firstAbove = (list: Emission[], v: number) => list.find((e) => value(e) >= v)!.at;
    // Scenario values only, no baseline reading interleaved (a 1 %LEL reading would clear the alarm).
    expect(wok.filter((e) => e.at > at(40) && e.at < at(200)).every((e) => value(e) >= 10)).toBe(true);
    expect(firstAbove(wok, 10)).toBeLessThan(firstAbove(wok, 20));
    expect(firstAbove(wok, 20)).toBeLessThanOrEqual(at(80));
    // Rate of rise: +5 %LEL within 30 s while still below the low threshold of 10.
    const early = wok.filter((e) => e.at <= at(30));
    expect(value(early.at(-1)!) - value(early[0]!)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...early.map(value))).toBeLessThan(10);
    // The neighbouring zone: the meter room passes its low threshold of 5.
    expect(Math.max(...of('CAN-GAS-MTR', 'reading').map(value))).toBeGreaterThan(5);
    // After the valve: back near the baseline.
    expect(value(wok.at(-1)!)).toBeLessThan(3);
    // Other detectors keep their normal traffic.
    expect(of('CAN-GAS-03', 'reading').length).toBeGreaterThan(25);
    expect(of('CAN-GAS-01', 'status').length).toBeGreaterThan(3);
  });

  it('forced door: normal door traffic stops before the scenario drives the door', () => {
    const { of, at } = play('forced-door-night');
    const events = of('TWR-3F-DR-SRV', 'event').filter((e) => e.at >= at(5) - 30_000);
    expect(events.map((e) => e.payload.type)).toEqual(['forced_open', 'closed']);
    expect(
      of('TWR-3F-DR-UPS', 'event')
        .filter((e) => e.payload.type === 'access_denied' && e.at >= at(40))
        .map((e) => e.payload.credential),
    ).toEqual(['badge-7731', 'badge-0420', 'badge-9913']);
  });

  it('sensor silent: nothing at all from the sensor between silence and resume, then it reports again', () => {
    const { of, at } = play('sensor-silent');
    const all = of('TWR-3F-SMK-SRV');
    expect(all.filter((e) => e.at >= at(10) && e.at < at(260))).toEqual([]);
    expect(all.find((e) => e.at >= at(260))).toMatchObject({ channel: 'status', payload: { online: true } });
    expect(all.some((e) => e.via === 'will')).toBe(false);
  });

  it('gateway failure: ten devices drop off (their last wills), are silent, then rejoin', () => {
    const { stream, at, of } = play('gateway-failure');
    const wills = stream.filter((e) => e.via === 'will');
    expect(wills).toHaveLength(10);
    for (const w of wills) {
      expect(w.payload).toEqual({ online: false });
      expect(w.topic).toBe(`vigil/lodging/${w.sensorId}/status`);
      expect(w.at).toBeGreaterThanOrEqual(at(10));
      const after = of(w.sensorId).filter((e) => e.at > w.at);
      expect(after[0]!.at).toBeGreaterThanOrEqual(at(250));
      expect(after[0]).toMatchObject({ channel: 'status', payload: { online: true } });
    }
  });

  it('batteries low: the scenario drives the battery, normal heartbeats do not contradict it', () => {
    const { of, at } = play('batteries-low');
    const levels = of('GH-1F-SMK-101', 'status')
      .filter((e) => e.at >= at(0) && e.at < at(300))
      .map((e) => e.payload.battery);
    expect(levels[0]).toBe(31);
    expect(Math.min(...(levels as number[]))).toBeLessThan(25);
    expect(levels.every((l, i) => i === 0 || (l as number) <= (levels[i - 1] as number))).toBe(true);
    expect(of('GH-1F-SMK-101', 'status').at(-1)!.payload.battery).toBe(100);
  });

  it('alarm flood: every door and smoke detector of the site acts within two minutes', () => {
    const { stream, at } = play('alarm-flood');
    const flood = stream.filter((e) => e.at < at(120) && (e.payload.type === 'tamper' || e.payload.type === 'fault'));
    expect(new Set(flood.map((e) => e.sensorId)).size).toBe(34);
    expect(flood.every((e) => e.siteId === 'hq')).toBe(true);
  });

  it('is reproducible from its seed, and a different seed gives a different stream', () => {
    const a = play('canteen-gas-leak', 11).stream;
    expect(play('canteen-gas-leak', 11).stream).toEqual(a);
    expect(play('canteen-gas-leak', 12).stream).not.toEqual(a);
  });
});
