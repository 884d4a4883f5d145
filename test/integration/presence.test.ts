// Presence in hazard zones through the real stack (docs/contracts.md#presence-in-hazard-zones): badge reads
// published over real Mosquitto, stored in real InfluxDB; a gas alarm in the zone lists the person
// who badged in (its detail and its escalation message), someone who badged out is not listed, a
// badge nobody holds shows masked, a restart rebuilds presence from InfluxDB, and a fire alarm's
// muster ticks people off in the audit trail, and a drill's staged badge reads stay in the drill.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, AlarmPresence, AlarmPresenceResponse, AuditEntry, MusterResponse, PresenceResponse } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

const DB = 'vigil_presence_test';
const LI_NA = 'BADGE-7001';
const ZHANG = 'BADGE-7002';
const STRANGER = 'CAFE0099';
let broker: MosquittoHandle;
let vigil: VigilHandle;
let cookie: string;
let manager: string;
// Other messages (a safety report's announcement, say) may reach the same contact: only alarms' have `alarm`.
let hook: { received: { presence?: AlarmPresence; alarm?: { id: string } }[]; close: () => Promise<void> };
let dir: string;

/** The test fixture's facility, plus a kitchen door with readers on both sides, its badge holders and a webhook contact. */
function facilityFile(hookUrl: string): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-presence-it-'));
  fs.mkdirSync(path.join(dir, 'plans'));
  fs.copyFileSync('test/fixtures/plans/test-1f.svg', path.join(dir, 'plans/test-1f.svg'));
  let yaml = fs.readFileSync('test/fixtures/facility.yaml', 'utf8');
  const kitchen = '              - { id: T-SMK-01, name: Kitchen smoke, kind: smoke, x: 100, y: 50 }\n';
  if (!yaml.includes(kitchen)) throw new Error('test/fixtures/facility.yaml changed: update this test');
  yaml = yaml.replace(
    kitchen,
    `${kitchen}              - { id: T-DOOR-K, name: Kitchen back door, kind: door, x: 20, y: 20, readers: { in: kitchen, out: outside } }\n`,
  );
  yaml = yaml.replace(
    'sites:\n',
    [
      'people:',
      `  - { id: li-na, name: Li Na, nameZh: 李娜, credentials: [${LI_NA}] }`,
      `  - { id: zhang-wei, name: Zhang Wei, credentials: [${ZHANG}] }`,
      'presenceWindowHours: 8',
      'escalation:',
      `  contacts: [{ id: it-hook, name: Test hook, channel: webhook, url: "${hookUrl}" }]`,
      'sites:\n',
    ].join('\n'),
  );
  const file = path.join(dir, 'facility.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

async function webhookReceiver(): Promise<typeof hook & { url: string }> {
  const received: typeof hook.received = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(text) as (typeof received)[number]);
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  const h = await webhookReceiver();
  hook = h;
  ({ broker, vigil } = await startVigilStack({
    db: DB,
    facility: facilityFile(h.url),
    // Critical alarms escalate after 1 s: the escalation message is what is checked.
    env: { FLUSH_INTERVAL_MS: '100', ESCALATION_S: 'critical=1,high=300,medium=1800,low=off' },
  }));
  [cookie, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);
});

afterAll(async () => {
  await vigil?.stop();
  await hook?.close();
  await stopAllServices();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const get = <T>(p: string, c = cookie) => vigil.api<T>(p, { headers: { cookie: c } });
const door = (body: object) => mosquittoPub(broker.port, 'vigil/t1/T-DOOR-K/event', JSON.stringify({ type: 'access_granted', ...body }));
const names = (people: { name?: string; badge: string }[]) => people.map((p) => p.name ?? p.badge).sort();

async function openAlarm(sensorId: string): Promise<Alarm> {
  return eventually(
    async () => (await get<AlarmListResponse>(`/api/alarms?sensor=${sensorId}&state=open`)).body.alarms?.[0],
    10_000,
    `an alarm of ${sensorId}`,
  );
}

describe('presence in hazard zones', () => {
  it('a badge-in followed by a gas alarm shows the person on the alarm and in its escalation message', async () => {
    const t0 = Date.now() - 30 * 60_000;
    await door({ ts: t0, credential: LI_NA });
    await door({ ts: t0 + 1000, credential: ZHANG });
    await door({ ts: t0 + 60_000, credential: ZHANG, reader: 'out' });
    await door({ ts: t0 + 2000, credential: STRANGER });
    const zone = await eventually(
      async () => {
        // The stranger's read was published last and reads are handled in order: once it shows,
        // the others have been (two people alone may be Li Na and Zhang Wei before his badge-out).
        const r = await get<PresenceResponse>('/api/presence?site=t1&zone=kitchen');
        return r.body.people?.some((p) => p.badge === '••••0099') ? r.body : undefined;
      },
      15_000,
      "the last badge read in the kitchen's presence",
    );
    // Zhang Wei badged out; the stranger's badge is never shown whole.
    expect(names(zone.people)).toEqual(['Li Na', '••••0099']);
    expect(zone.people.find((p) => p.name === 'Li Na')).toMatchObject({ nameZh: '李娜', badge: '••••7001', since: t0, doorId: 'T-DOOR-K', zoneId: 'kitchen' });
    expect(JSON.stringify(zone)).not.toContain(STRANGER);

    await mosquittoPub(broker.port, 'vigil/t1/T-GAS-01/reading', JSON.stringify({ value: 25, unit: '%LEL' }));
    const alarm = await openAlarm('T-GAS-01');
    const taken = await get<AlarmPresenceResponse>(`/api/presence/alarms/${alarm.id}`);
    expect(taken.status).toBe(200);
    expect(names(taken.body.presence?.people ?? [])).toEqual(['Li Na', '••••0099']);

    const message = await eventually(() => hook.received.find((m) => m.alarm?.id === alarm.id), 15_000, 'the escalation webhook');
    expect(message.presence).toMatchObject({ alarmId: alarm.id, zoneId: 'kitchen', windowHours: 8 });
    expect(names(message.presence?.people ?? [])).toEqual(['Li Na', '••••0099']);
    expect(JSON.stringify(message)).not.toContain(STRANGER);
    expect(JSON.stringify(message)).not.toContain('Zhang Wei');
  });

  it('refuses a bad query, an unknown zone, and anyone signed out', async () => {
    expect((await get('/api/presence?zone=kitchen')).status).toBe(400);
    expect((await get('/api/presence?site=t1&zone=nowhere')).status).toBe(404);
    expect((await vigil.api('/api/presence?site=t1')).status).toBe(401);
  });

  it('a fire alarm opens a muster of the building; ticking someone off is audited with who and when', async () => {
    await mosquittoPub(broker.port, 'vigil/t1/T-SMK-01/event', JSON.stringify({ type: 'smoke' }));
    const fire = await openAlarm('T-SMK-01');
    const muster = await get<MusterResponse>(`/api/muster/${fire.id}`);
    expect(muster.status).toBe(200);
    expect(names(muster.body.people)).toEqual(['Li Na', '••••0099']);
    expect(muster.body.allAccountedAt).toBeNull();
    const li = muster.body.people.find((p) => p.name === 'Li Na')!;
    const tick = await vigil.api<MusterResponse>(`/api/muster/${fire.id}/accounted`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ key: li.key }),
    });
    expect(tick.status).toBe(200);
    expect(tick.body.people.find((p) => p.key === li.key)).toMatchObject({ accountedBy: 'officer1' });
    const audit = await get<AuditEntry[]>(`/api/audit?action=muster.accounted&alarm=${fire.id}`, manager);
    expect(audit.body).toEqual([
      expect.objectContaining({ actor: 'officer1', action: 'muster.accounted', detail: expect.objectContaining({ person: li.key }) as unknown }),
    ]);
    // A gas alarm has no muster: it lists the zone, not the building.
    const gas = await openAlarm('T-GAS-01');
    expect((await get(`/api/muster/${gas.id}`)).status).toBe(404);
  });

  it("a drill's badge reads stage people for its own fire alarm's muster, never for real presence", async () => {
    const drill = 'drill-presence-it';
    await door({ credential: 'GUEST-0103', drill });
    await mosquittoPub(broker.port, 'vigil/t1/T-SMK-01/event', JSON.stringify({ type: 'smoke', drill }));
    const fire = await eventually(
      async () => (await get<AlarmListResponse>(`/api/alarms?sensor=T-SMK-01&state=open&drill=only`)).body.alarms?.[0],
      10_000,
      'the drill fire alarm',
    );
    const muster = await get<MusterResponse>(`/api/muster/${fire.id}`);
    expect(muster.body).toMatchObject({ drill });
    expect(names(muster.body.people)).toEqual(['Li Na', '••••0099', '••••0103']);
    expect(names((await get<PresenceResponse>('/api/presence?site=t1&zone=kitchen')).body.people)).toEqual(['Li Na', '••••0099']);
  });

  it('a restart rebuilds presence from the door events in InfluxDB', async () => {
    await vigil.stop();
    await vigil.start();
    const zone = await eventually(
      async () => {
        const r = await get<PresenceResponse>('/api/presence?site=t1&zone=kitchen');
        return r.status === 200 && r.body.people.length === 2 ? r.body : undefined;
      },
      30_000,
      'presence rebuilt after the restart',
    );
    expect(names(zone.people)).toEqual(['Li Na', '••••0099']);
  });
});
