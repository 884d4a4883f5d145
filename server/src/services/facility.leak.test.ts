// leakOnDelayS in the facility file: resolved like the other settings (kind defaults ← zone ←
// sensor), 0 when set nowhere, null on other kinds, and refused on a sensor that is no leak detector.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacilityError, loadFacility } from './facility.loader.ts';

const DEMO = fileURLToPath(new URL('../../../config/facility.yaml', import.meta.url));

const file = (sensors: string, defaults = '') => `facility: { name: Leak test }
defaults:
  door: { heartbeatS: 300, heldOpenS: 60 }
  leak: { heartbeatS: 300${defaults} }
sites:
  - id: hq
    name: HQ
    timezone: Asia/Shanghai
    floors:
      - id: b1
        name: Basement
        plan: plans/b1.svg
        zones:
          - id: plant
            name: Plant room
            sensors:
${sensors}`;

describe('leak detector settings', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-leak-'));
    mkdirSync(path.join(dir, 'plans'));
    writeFileSync(path.join(dir, 'plans', 'b1.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 600"></svg>\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const f = path.join(dir, `facility-${++n}.yaml`);
    writeFileSync(f, text);
    return f;
  };

  it('resolves the demo facility: 0 unless set, the kitchen mop delay where set, null for other kinds', () => {
    const { sensors } = loadFacility(DEMO).facility;
    const leaks = sensors.filter((s) => s.kind === 'leak');
    expect(leaks.map((s) => s.id).sort()).toEqual([
      'CAN-LEAK-DISH',
      'DRM-LEAK-LAUNDRY',
      'TWR-3F-LEAK-SRV',
      'TWR-B1-LEAK-BOIL',
      'TWR-B1-LEAK-SUMP',
      'TWR-B1-LEAK-TANK',
    ]);
    expect(Object.fromEntries(leaks.map((s) => [s.id, s.leakOnDelayS]))).toMatchObject({ 'CAN-LEAK-DISH': 20, 'TWR-B1-LEAK-SUMP': 0 });
    expect(leaks.every((s) => s.unit === null && s.thresholds === null)).toBe(true);
    expect(sensors.filter((s) => s.kind !== 'leak').every((s) => s.leakOnDelayS === null)).toBe(true);
  });

  it('takes the kind default, and a sensor setting over it', () => {
    const f = write(
      file(
        [
          '              - { id: LK-1, name: Sump, kind: leak, x: 10, y: 10 }',
          '              - { id: LK-2, name: Boiler, kind: leak, leakOnDelayS: 2, x: 20, y: 10 }',
        ].join('\n') + '\n',
        ', leakOnDelayS: 5',
      ),
    );
    const { sensors } = loadFacility(f).facility;
    expect(sensors.map((s) => [s.id, s.leakOnDelayS])).toEqual([
      ['LK-1', 5],
      ['LK-2', 2],
    ]);
  });

  it('refuses leakOnDelayS on a sensor of another kind, naming where', () => {
    const f = write(file('              - { id: DR-1, name: Door, kind: door, leakOnDelayS: 5, x: 10, y: 10 }\n'));
    expect(() => loadFacility(f)).toThrow(FacilityError);
    expect(() => loadFacility(f)).toThrow(/sensors\[0\]\.leakOnDelayS: leakOnDelayS applies to leak sensors, not door/);
  });
});
