// Closed-loop corrective actions through the real stack (Mosquitto, InfluxDB, Vigil): a gas alarm
// raised over MQTT is resolved with "corrective action required", the action goes overdue and
// escalates — owner, managers, admins, at the short intervals configured here — and each step is
// in the action's history, in the hash-chained audit trail and in the notification outbox (and
// reaches the webhook contact); then the owner fixes it and a manager verifies it. Photos are
// judged by their bytes; escalations pending at a kill -9 happen after the restart, once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActionDetailResponse,
  Alarm,
  AlarmNotificationsResponse,
  AuditEntry,
  CorrectiveAction,
  ResolveWithFollowUpResponse,
} from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

let vigil: VigilHandle;
let mqttPort: number;
let officer: string;
let owner: string;
let manager: string;
const hooks: { type?: string; level?: number; to?: string; action?: { id: number } }[] = [];
let receiver: http.Server;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hooks.push(JSON.parse(body) as (typeof hooks)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const stack = await startVigilStack({
    db: 'vigil_actions_test',
    facility: path.resolve('test/fixtures/facility.yaml'),
    // One second between steps: the test watches the whole escalation happen.
    env: { ACTION_ESCALATION_S: 'owner=0,manager=1,admin=2', WEBHOOK_URLS: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` },
  });
  vigil = stack.vigil;
  mqttPort = stack.broker.port;
  [officer, owner, manager] = await Promise.all([
    signedIn(vigil, 'officer1', 'officer'),
    signedIn(vigil, 'owner1', 'officer'),
    signedIn(vigil, 'manager1', 'manager'),
  ]);
});

afterAll(async () => {
  await vigil?.stop();
  await new Promise((r) => receiver?.close(r));
  await stopAllServices();
});

const call = <T>(method: string, url: string, cookie: string, body?: unknown) =>
  vigil.api<T & { error?: { code: string; details?: string[] } }>(url, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A real alarm ready to resolve: gas over MQTT, acknowledged, gone, reset. */
async function resolvableAlarm(sensor: string): Promise<Alarm> {
  await mosquittoPub(mqttPort, `vigil/t1/${sensor}/reading`, JSON.stringify({ value: 25, unit: '%LEL' }));
  const alarm = await eventually(
    async () => (await call<{ alarms: Alarm[] }>('GET', `/api/alarms?sensor=${sensor}&state=open`, officer)).body.alarms[0],
    10_000,
    'gas alarm',
  );
  expect((await call('POST', `/api/alarms/${alarm.id}/ack`, officer, {})).status).toBe(200);
  await mosquittoPub(mqttPort, `vigil/t1/${sensor}/reading`, JSON.stringify({ value: 1, unit: '%LEL' }));
  await eventually(
    async () => (await call<{ alarm: Alarm }>('GET', `/api/alarms/${alarm.id}`, officer)).body.alarm.conditionActive === false,
    10_000,
    'gas gone',
  );
  expect((await call('POST', `/api/alarms/${alarm.id}/reset`, officer, {})).status).toBe(200);
  return alarm;
}

describe('corrective actions end to end', () => {
  it('an alarm resolved with a corrective action that goes overdue escalates, each step recorded, audited and queued; fix → verify closes it', async () => {
    // A real alarm, resolved by the manager.
    const alarm = await resolvableAlarm('T-GAS-01');
    const resolution = { causeCategory: 'equipment_fault', cause: 'hose clamp loose', correctiveAction: 'clamp tightened' };
    expect((await call('POST', `/api/alarms/${alarm.id}/resolve`, manager, resolution)).status).toBe(200);

    // The resolve form's "corrective action required" part: validated, 400 with every reason.
    const bad = await call('POST', '/api/actions', manager, { alarmId: alarm.id, finding: '', owner: 'owner1', dueAt: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^finding:/), expect.stringMatching(/^action:/), expect.stringMatching(/^dueAt:/)]),
    );
    expect(
      (await call('POST', '/api/actions', manager, { alarmId: alarm.id, finding: 'x', action: 'y', owner: 'nobody', dueAt: Date.now() + 60_000 })).status,
    ).toBe(400);
    const dueAt = Date.now() + 1500;
    const opened = await call<ActionDetailResponse>('POST', '/api/actions', manager, {
      alarmId: alarm.id,
      finding: 'hose clamps on the wok ranges work loose',
      action: 'replace all clamps on line 2 with screw clamps',
      causeCategory: 'equipment_fault',
      owner: 'owner1',
      dueAt,
      severity: 'high',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.action.id;
    expect(opened.body.action).toMatchObject({
      alarmId: alarm.id,
      siteId: alarm.siteId,
      zoneId: alarm.zoneId,
      sensorId: 'T-GAS-01',
      status: 'open',
      owner: 'owner1',
    });

    // Only the owner works it: another officer is refused.
    expect((await call('PATCH', `/api/actions/${id}`, officer, { move: 'start' })).status).toBe(403);
    expect((await call<ActionDetailResponse>('PATCH', `/api/actions/${id}`, owner, { move: 'start' })).body.action.status).toBe('in_progress');

    // The due date passes: wait for the admins' step to reach the webhook contact, the last event of the escalation.
    await eventually(() => hooks.find((h) => h.type === 'vigil.action.escalated' && h.level === 3), 20_000, 'the third escalation step delivered');
    // Each step once; the order they reach the webhook in is the outbox's, not what this checks.
    const delivered = hooks.filter((h) => h.type === 'vigil.action.escalated').map((h) => [h.level, h.to, h.action?.id]);
    expect(delivered.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 'owner', id],
      [2, 'manager', id],
      [3, 'admin', id],
    ]);

    const detail = (await call<ActionDetailResponse>('GET', `/api/actions/${id}`, manager)).body;
    const steps = detail.history.filter((e) => e.kind === 'escalated');
    expect(steps.map((e) => [e.level, e.to, e.by])).toEqual([
      [1, 'owner', 'system'],
      [2, 'manager', 'system'],
      [3, 'admin', 'system'],
    ]);
    expect(steps[0]!.at).toBeGreaterThanOrEqual(dueAt);
    expect(detail.action).toMatchObject({ overdue: true, escalationLevel: 3, nextEscalationAt: null });

    const audit = (await call<AuditEntry[]>('GET', `/api/audit?target=action:${id}`, manager)).body;
    expect(
      audit
        .filter((e) => e.action === 'action.escalated')
        .map((e) => (e.detail as { level: number }).level)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['action.opened', 'action.started']));
    expect((await call<{ ok: boolean }>('GET', '/api/audit/verify', manager)).body.ok).toBe(true);

    const outbox = (await call<AlarmNotificationsResponse>('GET', `/api/actions/${id}/notifications`, officer)).body.notifications;
    expect(outbox.map((n) => [n.level, n.status])).toEqual([
      [1, 'delivered'],
      [2, 'delivered'],
      [3, 'delivered'],
    ]);

    // Only verified closes: the owner fixes, a manager verifies; the counts follow.
    expect((await call('PATCH', `/api/actions/${id}`, manager, { move: 'verify' })).body.error?.code).toBe('INVALID_TRANSITION');
    expect((await call<ActionDetailResponse>('PATCH', `/api/actions/${id}`, owner, { move: 'fix', note: 'clamps replaced' })).body.action.status).toBe('fixed');
    expect((await call('PATCH', `/api/actions/${id}`, owner, { move: 'verify' })).status).toBe(403);
    expect((await call('PATCH', `/api/actions/${id}`, manager, { move: 'reject' })).status).toBe(400); // a reason is required
    const verified = await call<ActionDetailResponse>('PATCH', `/api/actions/${id}`, manager, { move: 'verify' });
    expect(verified.body.action).toMatchObject({ status: 'verified', overdue: false });
    expect((await call<{ open: number; overdue: number }>('GET', '/api/actions/counts', manager)).body).toMatchObject({ open: 0, overdue: 0 });
  });

  it('resolve with followUp is one request: a bad follow-up refuses the resolve too and changes nothing; a good one resolves and opens the action', async () => {
    const alarm = await resolvableAlarm('T-GAS-02');
    const resolution = { causeCategory: 'equipment_fault', cause: 'regulator diaphragm torn', correctiveAction: 'regulator replaced' };
    const followUp = { finding: 'regulators on line 1 are past their service life', action: 'replace every regulator on line 1', owner: 'owner1' };
    const openedFor = async () =>
      (await call<{ actions: CorrectiveAction[] }>('GET', '/api/actions?filter=all', manager)).body.actions.filter((a) => a.alarmId === alarm.id);
    const resolutionOf = async () => (await call<{ alarm: Alarm }>('GET', `/api/alarms/${alarm.id}`, manager)).body.alarm.resolution;

    // Refused by the schema (no owner), and by the service's own rules (a due date in the past, an unknown owner).
    for (const bad of [
      { ...followUp, owner: undefined, dueAt: Date.now() + 86_400_000 },
      { ...followUp, dueAt: Date.now() - 60_000 },
      { ...followUp, owner: 'nobody', dueAt: Date.now() + 86_400_000 },
    ]) {
      const refused = await call('POST', `/api/alarms/${alarm.id}/resolve`, manager, { ...resolution, followUp: bad });
      expect(refused.status).toBe(400);
      expect(refused.body.error?.code).toBe('BAD_REQUEST');
    }
    expect(await resolutionOf()).toBeNull();
    expect(await openedFor()).toEqual([]);

    const resolved = await call<ResolveWithFollowUpResponse>('POST', `/api/alarms/${alarm.id}/resolve`, manager, {
      ...resolution,
      followUp: { ...followUp, dueAt: Date.now() + 86_400_000, severity: 'high' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.alarm.resolution).toMatchObject({ cause: resolution.cause });
    expect(await resolutionOf()).toMatchObject({ cause: resolution.cause });
    expect(resolved.body.action?.action).toMatchObject({
      alarmId: alarm.id,
      siteId: alarm.siteId,
      sensorId: 'T-GAS-02',
      owner: 'owner1',
      severity: 'high',
      status: 'open',
    });
    expect((await openedFor()).map((a) => a.id)).toEqual([resolved.body.action?.action.id]);
  });

  it('photos: an image judged by its bytes is kept, served with its type and nosniff; a disguised page or an oversized file is refused', async () => {
    const opened = await call<ActionDetailResponse>('POST', '/api/actions', officer, {
      siteId: 't1',
      finding: 'fire door wedged open',
      action: 'remove the wedge, brief the kitchen staff',
      owner: 'owner1',
      dueAt: Date.now() + 3_600_000,
    });
    expect(opened.status).toBe(201);
    const id = opened.body.action.id;
    const upload = (body: Buffer, type = 'image/png', name = 'door.png') =>
      vigil.api<ActionDetailResponse & { error?: { code: string } }>(`/api/actions/${id}/attachments?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { cookie: owner, 'content-type': type },
        body: new Uint8Array(body),
      });
    // A PNG header of 1 x 1 pixels: the size is read from it.
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), Buffer.alloc(64, 1)]);
    const added = await upload(png, 'application/octet-stream', 'wedge.png');
    expect(added.status).toBe(201);
    expect(added.body.attachments).toEqual([expect.objectContaining({ name: 'wedge.png', type: 'image/png', size: png.length, by: 'owner1' })]);
    // An HTML page that claims to be a PNG is not one.
    expect((await upload(Buffer.from('<html><script>alert(1)</script></html>'))).status).toBe(400);
    // Over the 5 MB limit: refused before it is read whole.
    expect((await upload(Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]))).status).toBe(413);

    const served = await fetch(`${vigil.url}/api/actions/${id}/attachments/${added.body.attachments[0]!.id}`, { headers: { cookie: officer } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
    expect((await fetch(`${vigil.url}/api/actions/${id}/attachments/999`, { headers: { cookie: officer } })).status).toBe(404);
    const audit = (await call<AuditEntry[]>('GET', `/api/audit?target=action:${id}`, manager)).body;
    expect(audit.find((e) => e.action === 'action.attached')).toMatchObject({
      actor: 'owner1',
      detail: { name: 'wedge.png', type: 'image/png', size: png.length },
    });
  });

  it('escalations survive a kill -9: planned again from the store at start, each step taken once', async () => {
    const opened = await call<ActionDetailResponse>('POST', '/api/actions', manager, {
      siteId: 't1',
      finding: 'extinguisher missing at the kitchen exit',
      action: 'replace and tag it',
      owner: 'owner1',
      // Due well after the kill below, so every step is still pending when the process dies.
      dueAt: Date.now() + 5000,
    });
    const id = opened.body.action.id;
    await vigil.kill();
    const killedAt = Date.now();
    await vigil.start();
    await eventually(
      () => hooks.find((h) => h.type === 'vigil.action.escalated' && h.action?.id === id && h.level === 3),
      30_000,
      'escalated after the restart',
    );
    const steps = (await call<ActionDetailResponse>('GET', `/api/actions/${id}`, manager)).body.history.filter((e) => e.kind === 'escalated');
    expect(steps.map((e) => e.level)).toEqual([1, 2, 3]);
    expect(steps.every((e) => e.at >= killedAt)).toBe(true);
    const outbox = (await call<AlarmNotificationsResponse>('GET', `/api/actions/${id}/notifications`, manager)).body.notifications;
    expect(outbox.map((n) => n.level)).toEqual([1, 2, 3]);
  });
});
