// A shift handover signed by two officers, through the real stack (Mosquitto, InfluxDB, Vigil with
// the demo facility): two leak detectors raise real alarms over MQTT, the outgoing officer shelves
// one, opens the handover, is refused the signature until the shelved alarm is explicitly carried
// over, then signs; a second officer, made through the user admin API, accepts with remarks — the
// officer who handed over may not. Both signatures are in the hash-chained audit trail and
// GET /api/handovers lists the handover as it was handed over (docs/contracts.md#shift-handover).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, AuditEntry, AuditVerifyResponse, Handover, HandoverListResponse } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, TEST_PASSWORD, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_handover_test';
const SUMP = 'TWR-B1-LEAK-SUMP';
const BOILERS = 'TWR-B1-LEAK-BOIL';
let broker: MosquittoHandle;
let vigil: VigilHandle;
let outgoing: string;
let incoming: string;
let manager: string;

type Answer<T> = T & { error?: { code: string; details?: unknown } };
const post = <T>(pathname: string, body: unknown, cookie: string) =>
  vigil.api<Answer<T>>(pathname, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
const get = <T>(pathname: string, cookie: string) => vigil.api<Answer<T>>(pathname, { headers: { cookie } });

async function leakAlarm(sensorId: string): Promise<Alarm> {
  await mosquittoPub(broker.port, `vigil/hq/${sensorId}/event`, { type: 'leak', detail: 'water on the floor' });
  return eventually(
    async () => (await get<AlarmListResponse>(`/api/alarms?sensor=${sensorId}`, outgoing)).body.alarms.find((a) => a.condition === 'leak'),
    10_000,
    `the leak alarm of ${sensorId}`,
  );
}

beforeAll(async () => {
  ({ broker, vigil } = await startVigilStack({ db: DB, facility: path.resolve('config/facility.yaml') }));
  const [admin, outgoingCookie, managerCookie] = await Promise.all([
    signedIn(vigil, 'admin1', 'admin'),
    signedIn(vigil, 'officer.li', 'officer'),
    signedIn(vigil, 'manager1', 'manager'),
  ]);
  [outgoing, manager] = [outgoingCookie, managerCookie];
  // The incoming officer is made the way an administrator makes one: through the user admin API.
  const created = await post('/api/users', { username: 'officer.wang', displayName: 'Wang Lei', role: 'officer', password: TEST_PASSWORD }, admin);
  expect(created.status).toBe(201);
  incoming = await vigil.login('officer.wang');
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('a handover signed by two officers', () => {
  it('lists the real alarms, needs the shelved one carried over, is accepted by another officer with remarks, audited and listed', async () => {
    const standing = await leakAlarm(SUMP);
    const toShelve = await leakAlarm(BOILERS);
    const shelved = await post<{ alarm: Alarm }>(`/api/alarms/${toShelve.id}/shelve`, { durationS: 3600, reason: 'boiler room being pumped out' }, outgoing);
    expect(shelved.status).toBe(200);

    const opened = await post<{ handover: Handover }>('/api/handovers', { siteId: 'hq', notes: 'plant room wet since 02:00' }, outgoing);
    expect(opened.status).toBe(201);
    const h = opened.body.handover;
    expect(h).toMatchObject({ siteId: 'hq', state: 'open', openedBy: 'officer.li' });
    expect(h.snapshot.standing.map((a) => a.alarmId)).toContain(standing.id);
    expect(h.snapshot.standing.map((a) => a.alarmId)).not.toContain(toShelve.id);
    expect(h.snapshot.shelved).toEqual([expect.objectContaining({ alarmId: toShelve.id, sensorId: BOILERS, decision: null })]);
    expect(h.snapshot.shelved[0]!.shelf).toMatchObject({ by: 'officer.li', reason: 'boiler room being pumped out' });

    // A second handover of the site waits until this one is accepted.
    expect((await post('/api/handovers', { siteId: 'hq' }, incoming)).body.error?.code).toBe('CONFLICT');

    const undecided = await post('/api/handovers/' + h.id + '/sign', { shelved: [] }, outgoing);
    expect(undecided.status).toBe(409);
    expect(undecided.body.error).toMatchObject({ code: 'SHELVED_UNDECIDED', details: { alarmIds: [toShelve.id] } });

    const signed = await post<{ handover: Handover }>(`/api/handovers/${h.id}/sign`, { shelved: [{ alarmId: toShelve.id, decision: 'carry' }] }, outgoing);
    expect(signed.status).toBe(200);
    expect(signed.body.handover).toMatchObject({ state: 'handed_over', handedOverBy: 'officer.li', notes: 'plant room wet since 02:00' });
    expect(signed.body.handover.snapshot.shelved.map((a) => [a.alarmId, a.decision])).toEqual([[toShelve.id, 'carry']]);
    // Carried over: it stays shelved into the next shift.
    expect((await get<{ alarm: Alarm }>(`/api/alarms/${toShelve.id}`, outgoing)).body.alarm.shelved).not.toBeNull();

    const own = await post(`/api/handovers/${h.id}/accept`, {}, outgoing);
    expect(own.status).toBe(403);
    expect(own.body.error?.code).toBe('SAME_OFFICER');
    // Readers read; the managers' role includes the officers', so refusing here would test nothing.
    expect((await get<HandoverListResponse>('/api/handovers?site=hq', manager)).status).toBe(200);

    const accepted = await post<{ handover: Handover }>(`/api/handovers/${h.id}/accept`, { remarks: 'pump-out contractor due at 08:00' }, incoming);
    expect(accepted.status).toBe(200);
    expect(accepted.body.handover).toMatchObject({ state: 'accepted', acceptedBy: 'officer.wang', remarks: 'pump-out contractor due at 08:00' });

    const listed = await get<HandoverListResponse>('/api/handovers?site=hq', manager);
    expect(listed.body.handovers.map((x) => [x.id, x.state, x.handedOverBy, x.acceptedBy])).toEqual([[h.id, 'accepted', 'officer.li', 'officer.wang']]);
    // What was handed over is kept as it was at the signature.
    expect(listed.body.handovers[0]!.snapshot).toEqual(signed.body.handover.snapshot);

    const audit = await get<AuditEntry[]>('/api/audit?action=handover.*', manager);
    expect(audit.body.map((e) => [e.actor, e.action, e.target]).reverse()).toEqual([
      ['officer.li', 'handover.open', `handover:${h.id}`],
      ['officer.li', 'handover.sign', `handover:${h.id}`],
      ['officer.wang', 'handover.accept', `handover:${h.id}`],
    ]);
    expect(audit.body[0]!.detail).toMatchObject({ handedOverBy: 'officer.li', remarks: 'pump-out contractor due at 08:00' });
    expect((await get<AuditVerifyResponse>('/api/audit/verify', manager)).body.ok).toBe(true);
  });
});
