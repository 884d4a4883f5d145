// The evacuation drill exercises the muster (docs/contracts.md#presence-in-hazard-zones): the
// guesthouse-fire scenario, run from the API through the real Mosquitto and InfluxDB on the demo
// facility, badges the night staff and a guest in before its fire; the first fire alarm's muster
// lists them in the Guesthouse, the officer ticks them off, and the drill report gives the time to
// account for everyone.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, Drill, DrillReport, MusterResponse } from '../../contract/index.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

let vigil: VigilHandle;
let officer: string;
let manager: string;

const post = <T>(pathname: string, body: unknown, cookie: string) =>
  vigil.api<T>(pathname, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });

beforeAll(async () => {
  ({ vigil } = await startVigilStack({ db: 'vigil_presence_drill_test', facility: path.resolve('config/facility.yaml') }));
  [officer, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('the guesthouse fire drill', () => {
  it('musters the guesthouse at its fire alarm, and the report times accounting for everyone', async () => {
    const started = await post<{ drill: Drill }>('/api/drills', { scenario: 'guesthouse-fire', siteId: 'lodging', run: true, speed: 10 }, manager);
    expect(started.status).toBe(201);
    const drill = started.body.drill;
    const fire = await eventually(
      async () => {
        const r = await vigil.api<AlarmListResponse>('/api/alarms?drill=only&sensor=GH-1F-SMK-103', { headers: { cookie: officer } });
        return r.body.alarms.find((a: Alarm) => a.condition === 'smoke' && a.drill === drill.id);
      },
      60_000,
      'the drill fire alarm in room 103',
    );
    const muster = await vigil.api<MusterResponse>(`/api/muster/${fire.id}`, { headers: { cookie: officer } });
    expect(muster.status).toBe(200);
    expect(muster.body).toMatchObject({ building: 'Guesthouse', buildingZh: '招待所', drill: drill.id, allAccountedAt: null });
    // config/facility.yaml: Liu Yang and Zhao Lei; the guest's badge is nobody's.
    expect(muster.body.people.map((p) => p.name ?? p.badge).sort()).toEqual(['Liu Yang', 'Zhao Lei', '••••0103']);

    for (const p of muster.body.people) expect((await post(`/api/muster/${fire.id}/accounted`, { key: p.key }, officer)).status).toBe(200);
    const report = await vigil.api<DrillReport>(`/api/drills/${drill.id}/report`, { headers: { cookie: manager } });
    const figure = report.body.musters?.find((m) => m.alarmId === fire.id);
    expect(figure).toMatchObject({ building: 'Guesthouse', buildingZh: '招待所', people: 3, accounted: 3, startedAt: fire.raisedAt });
    expect(figure?.timeToAccountS).toBeGreaterThanOrEqual(0);
    expect((await post(`/api/drills/${drill.id}/end`, {}, manager)).status).toBe(200);
    // Longer than the default: the wait for the drill's fire alone may take a minute on a loaded machine.
  }, 120_000);
});
