// The basement-flood scenario played on top of normal traffic: the leak detectors send wet then
// dry in the order the water spreads, and normal operations never send a leak of their own.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFacility } from '../facility/facility.read.ts';
import { normalOperations } from '../generate/normal.operations.ts';
import { compileScenario } from './scenario.compile.ts';
import { loadScenario } from './scenario.library.ts';
import { playScenario } from './scenario.play.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const facility = readFacility(path.join(ROOT, 'config/facility.yaml'));
const START = Date.parse('2026-11-29T06:00:00+08:00');
const LEAKS = ['TWR-B1-LEAK-SUMP', 'TWR-B1-LEAK-BOIL', 'TWR-B1-LEAK-TANK'];

describe('the basement-flood scenario', () => {
  it('wets the sump, then the boilers, then the tank room, and dries them all before it ends', () => {
    const loaded = loadScenario('basement-flood', facility);
    const compiled = compileScenario(loaded, facility, { seed: 3, start: START + 10_000 });
    const stream = [...playScenario(compiled, normalOperations(facility, { seed: 3, start: START, siteId: 'hq' }))];
    const events = (id: string) => stream.filter((e) => e.sensorId === id && e.channel === 'event').map((e) => ({ type: e.payload.type, at: e.at }));
    const wetAt = LEAKS.map((id) => events(id).find((e) => e.type === 'leak')!.at);
    expect(wetAt).toEqual([...wetAt].sort((a, b) => a - b));
    for (const id of LEAKS) expect(events(id).map((e) => e.type)).toEqual(['leak', 'leak_clear']);
    // The detectors keep reporting that they are alive throughout.
    expect(stream.some((e) => e.sensorId === 'TWR-B1-LEAK-TANK' && e.channel === 'status')).toBe(true);
  });

  it('leaves a dry floor dry in normal operations: leak detectors only send status', () => {
    const leakIds = new Set(facility.sensors.filter((s) => s.kind === 'leak').map((s) => s.id));
    expect(leakIds.size).toBe(6);
    const day = [...take(normalOperations(facility, { seed: 11, start: START }), 20_000)];
    const fromLeaks = day.filter((e) => leakIds.has(e.sensorId));
    expect(fromLeaks.length).toBeGreaterThan(0);
    expect(fromLeaks.every((e) => e.channel === 'status')).toBe(true);
  });
});

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  let i = 0;
  for (const v of it) {
    if (i++ >= n) return;
    yield v;
  }
}
