// The sprinkler drill end to end (docs/contracts.md#sprinkler-supervision): the
// `sprinkler-activation` scenario, run from the API on the demo facility through the real
// Mosquitto and InfluxDB, raises a water-flow alarm that joins the room 103 fire alarm in one
// incident, and a valve the brigade shuts; the drill report counts both sprinkler signals and the
// signals by NFPA 72 class, so an exercise is reported as the signals it exercised.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, Drill, DrillReport } from '../../contract/index.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, postJson, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

let vigil: VigilHandle;
let officer: string;
let manager: string;

beforeAll(async () => {
  ({ vigil } = await startVigilStack({ db: 'vigil_sprinkler_drill_test', facility: path.resolve('config/facility.yaml') }));
  [officer, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

const drillAlarm = async (drill: string, sensor: string, condition: Alarm['condition']): Promise<Alarm | undefined> => {
  const r = await vigil.api<AlarmListResponse>(`/api/alarms?drill=only&sensor=${sensor}`, { headers: { cookie: officer } });
  return r.body.alarms.find((a) => a.condition === condition && a.drill === drill);
};

describe('the sprinkler-activation drill', () => {
  it('joins the water flow to the fire, and the report counts the water-flow and valve signals by class', async () => {
    // The scenario's fastest speed: the flow switch's 20 s retard runs in real time.
    const started = await postJson<{ drill: Drill }>(
      vigil,
      '/api/drills',
      { scenario: 'sprinkler-activation', siteId: 'lodging', run: true, speed: 5 },
      manager,
    );
    expect(started.status).toBe(201);
    const drill = started.body.drill.id;

    // Water flows at 80 s of scenario time (16 s at ×5), plus the retard; the valve shuts at 250 s (50 s).
    const flow = await eventually(() => drillAlarm(drill, 'GH-1F-SPR-FLOW', 'waterflow'), 90_000, 'the drill water-flow alarm');
    expect(flow).toMatchObject({ class: 'alarm', priority: 'critical', sopKey: 'sprinkler_fire' });
    const fire = await drillAlarm(drill, 'GH-1F-SMK-103', 'smoke');
    expect(fire?.incidentId).not.toBeNull();
    expect(flow.incidentId).toBe(fire!.incidentId);
    const valve = await eventually(() => drillAlarm(drill, 'GH-1F-SPR-VALVE', 'valve_closed'), 90_000, 'the drill valve-closed signal');
    expect(valve.class).toBe('supervisory');

    expect((await postJson(vigil, `/api/drills/${drill}/end`, {}, manager)).status).toBe(200);
    const report = await vigil.api<DrillReport>(`/api/drills/${drill}/report`, { headers: { cookie: manager } });
    expect(report.status).toBe(200);
    expect(report.body.signals).toMatchObject({ waterflow: 1, valve: 1 });
    // Smoke and water flow are alarm signals; the running pump and the shut valve supervisory.
    expect(report.body.signals!.byClass.alarm).toBeGreaterThanOrEqual(2);
    expect(report.body.signals!.byClass.supervisory).toBeGreaterThanOrEqual(2);
    const item = report.body.items.find((i) => i.alarm?.id === flow.id);
    expect(item).toMatchObject({ raised: true });
    // The drill runs 50 s at ×5 before the valve shuts, on top of the stack's start.
  }, 150_000);
});
