// Sprinkler settings in the facility file (docs/contracts.md#sprinkler-supervision):
// waterflowRetardS (0-90 s: NFPA 72 keeps a discharge's alarm within 90 s) resolved on flow
// switches, 0 when set nowhere; pressureLimits on pressure sensors, which need no gas-style
// thresholds; both refused on other kinds.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacilityError, loadFacility } from './facility.loader.ts';

const DEMO = fileURLToPath(new URL('../../../config/facility.yaml', import.meta.url));

const file = (sensors: string) => `facility: { name: Sprinkler test }
defaults:
  door: { heartbeatS: 300, heldOpenS: 60 }
  waterflow: { heartbeatS: 300 }
  pressure: { heartbeatS: 60 }
sites:
  - id: hq
    name: HQ
    timezone: Asia/Shanghai
    floors:
      - id: b1
        name: Basement
        plan: plans/b1.svg
        zones:
          - id: riser
            name: Riser room
            sensors:
${sensors}`;

describe('sprinkler settings', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-sprinkler-'));
    mkdirSync(path.join(dir, 'plans'));
    writeFileSync(path.join(dir, 'plans', 'b1.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 600"></svg>\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const f = path.join(dir, `facility-${++n}.yaml`);
    writeFileSync(f, text);
    return f;
  };

  it('resolves the demo riser: the 20 s retard, the kitchen discharge switch at 0, the pressure limits in bar', () => {
    const byId = new Map(loadFacility(DEMO).facility.sensors.map((s) => [s.id, s]));
    expect(byId.get('GH-1F-SPR-FLOW')).toMatchObject({ kind: 'waterflow', waterflowRetardS: 20, unit: null });
    expect(byId.get('CAN-SUP-FLOW')).toMatchObject({ kind: 'waterflow', waterflowRetardS: 0 });
    expect(byId.get('GH-RISER-PRS')).toMatchObject({ kind: 'pressure', unit: 'bar', thresholds: null, pressureLimits: { low: 5, high: 12 } });
    expect(byId.get('GH-1F-SPR-VALVE')).not.toHaveProperty('waterflowRetardS');
  });

  it('takes no retard when set nowhere', () => {
    const f = write(file('              - { id: FL-1, name: Flow, kind: waterflow, x: 10, y: 10 }\n'));
    expect(loadFacility(f).facility.sensors[0]).toMatchObject({ waterflowRetardS: 0 });
  });

  it('refuses a retard over 90 s', () => {
    const f = write(file('              - { id: FL-1, name: Flow, kind: waterflow, waterflowRetardS: 120, x: 10, y: 10 }\n'));
    expect(() => loadFacility(f)).toThrow(FacilityError);
  });

  it('refuses the settings on sensors of other kinds, naming where', () => {
    const f = write(
      file(
        [
          '              - { id: DR-1, name: Door, kind: door, waterflowRetardS: 10, x: 10, y: 10 }',
          '              - { id: FL-1, name: Flow, kind: waterflow, pressureLimits: { low: 5, high: 12 }, x: 20, y: 10 }',
        ].join('\n') + '\n',
      ),
    );
    expect(() => loadFacility(f)).toThrow(/sensors\[0\]\.waterflowRetardS: waterflowRetardS applies to waterflow sensors, not door/);
    expect(() => loadFacility(f)).toThrow(/sensors\[1\]\.pressureLimits: pressureLimits applies to pressure sensors, not waterflow/);
  });
});
