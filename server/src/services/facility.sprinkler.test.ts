// Sprinkler settings in the facility file (docs/contracts.md#sprinkler-supervision):
// waterflowRetardS (0-90 s: NFPA 72 keeps a discharge's alarm within 90 s) resolved on flow
// switches, 0 when set nowhere; pressureLimits on pressure sensors, which need no gas-style
// thresholds; both refused on other kinds.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { facilityFiles } from '../../../test/support/facility.files.ts';
import { loadFacility } from './facility.loader.ts';

const DEMO = fileURLToPath(new URL('../../../config/facility.yaml', import.meta.url));
const files = facilityFiles('vigil-sprinkler-');
const defaults = ['  waterflow: { heartbeatS: 300 }', '  pressure: { heartbeatS: 60 }'];

describe('sprinkler settings', () => {
  it('resolves the demo riser: the 20 s retard, the kitchen discharge switch at 0, the pressure limits in bar', () => {
    const byId = new Map(loadFacility(DEMO).facility.sensors.map((s) => [s.id, s]));
    expect(byId.get('GH-1F-SPR-FLOW')).toMatchObject({ kind: 'waterflow', waterflowRetardS: 20, unit: null });
    expect(byId.get('CAN-SUP-FLOW')).toMatchObject({ kind: 'waterflow', waterflowRetardS: 0 });
    expect(byId.get('GH-RISER-PRS')).toMatchObject({ kind: 'pressure', unit: 'bar', thresholds: null, pressureLimits: { low: 5, high: 12 } });
    expect(byId.get('GH-1F-SPR-VALVE')).not.toHaveProperty('waterflowRetardS');
  });

  it('takes no retard when set nowhere', () => {
    const f = files.write(['{ id: FL-1, name: Flow, kind: waterflow, x: 10, y: 10 }'], { defaults });
    expect(loadFacility(f).facility.sensors[0]).toMatchObject({ waterflowRetardS: 0 });
  });

  it('refuses a retard over 90 s', () => {
    expect(files.problems(['{ id: FL-1, name: Flow, kind: waterflow, waterflowRetardS: 120, x: 10, y: 10 }'], { defaults })).toEqual([
      expect.stringMatching(/sensors\[0\]\.waterflowRetardS: /),
    ]);
  });

  it('refuses the settings on sensors of other kinds, naming where', () => {
    expect(
      files.problems(
        [
          '{ id: DR-1, name: Door, kind: door, waterflowRetardS: 10, x: 10, y: 10 }',
          '{ id: FL-1, name: Flow, kind: waterflow, pressureLimits: { low: 5, high: 12 }, x: 20, y: 10 }',
        ],
        { defaults },
      ),
    ).toEqual([
      expect.stringMatching(/sensors\[0\]\.waterflowRetardS: waterflowRetardS applies to waterflow sensors, not door$/),
      expect.stringMatching(/sensors\[1\]\.pressureLimits: pressureLimits applies to pressure sensors, not waterflow$/),
    ]);
  });
});
