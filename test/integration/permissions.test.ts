// Each role × each alarm, maintenance, drill, report, audit, user, session, API key, device, gateway and
// gateway-credential action on REST —
// allowed (the request gets past the permission check) or 403; and 401 without a session.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, can, type Permission, type Role } from '../../contract/index.ts';
import { startInflux, stopAllServices } from '../support/services.ts';
import { startVigil, type VigilHandle } from '../support/vigil.ts';

let vigil: VigilHandle;
const cookies = {} as Record<Role, string>;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  permission: Permission;
}

// Targets that do not exist: an allowed role gets past the permission check to a 404/400,
// a refused one stops at 403 — so the check itself is what is tested, with nothing changed.
const ROUTES: Route[] = [
  { method: 'GET', path: '/api/alarms', permission: 'alarm.view' },
  { method: 'POST', path: '/api/alarms/al_none/ack', body: {}, permission: 'alarm.ack' },
  { method: 'POST', path: '/api/alarms/al_none/comment', body: { text: 'x' }, permission: 'alarm.comment' },
  { method: 'POST', path: '/api/alarms/al_none/assign', body: { to: 'someone' }, permission: 'alarm.assign' },
  { method: 'POST', path: '/api/alarms/al_none/shelve', body: { durationS: 60, reason: 'x' }, permission: 'alarm.shelve' },
  { method: 'POST', path: '/api/alarms/al_none/unshelve', body: {}, permission: 'alarm.shelve' },
  { method: 'POST', path: '/api/alarms/al_none/reset', body: {}, permission: 'alarm.reset' },
  { method: 'POST', path: '/api/alarms/al_none/resolve', body: { causeCategory: 'other', cause: 'x', correctiveAction: 'y' }, permission: 'alarm.resolve' },
  { method: 'POST', path: '/api/alarms/al_none/sop_step', body: { step: 0, done: true }, permission: 'alarm.comment' },
  { method: 'GET', path: '/api/users/assignable', permission: 'alarm.assign' },
  { method: 'GET', path: '/api/sensors/NO-SUCH-SENSOR/events', permission: 'alarm.view' },
  { method: 'GET', path: '/api/alarms/al_none/snapshots', permission: 'alarm.view' },
  { method: 'GET', path: '/api/camera-snapshots/snap_none', permission: 'alarm.view' },
  { method: 'GET', path: '/api/cameras/NO-SUCH-CAMERA/still', permission: 'alarm.view' },
  { method: 'GET', path: '/api/cameras/NO-SUCH-CAMERA/live', permission: 'alarm.view' },
  { method: 'POST', path: '/api/incidents/in_none/ack', body: {}, permission: 'alarm.ack' },
  {
    method: 'POST',
    path: '/api/sensors/NO-SUCH-SENSOR/out-of-service',
    body: { reason: 'x', until: Date.now() + 3_600_000 },
    permission: 'sensor.out_of_service',
  },
  { method: 'DELETE', path: '/api/sensors/NO-SUCH-SENSOR/out-of-service', permission: 'sensor.out_of_service' },
  { method: 'POST', path: '/api/drills', body: { scenario: 'no-such-scenario', siteId: 't1', run: true }, permission: 'drill.run' },
  { method: 'POST', path: '/api/drills/drill-none/end', body: {}, permission: 'drill.run' },
  { method: 'GET', path: '/api/drills/drill-none/report', permission: 'report.view' },
  { method: 'GET', path: '/api/presence?site=t1', permission: 'alarm.view' },
  { method: 'GET', path: '/api/presence/alarms/al_none', permission: 'alarm.view' },
  { method: 'GET', path: '/api/muster/al_none', permission: 'alarm.view' },
  { method: 'POST', path: '/api/muster/al_none/accounted', body: { key: 'person:x' }, permission: 'alarm.comment' },
  { method: 'GET', path: '/api/handovers', permission: 'alarm.view' },
  { method: 'POST', path: '/api/handovers', body: { siteId: 'no-such-site' }, permission: 'shift.handover' },
  { method: 'POST', path: '/api/handovers/ho_none/sign', body: {}, permission: 'shift.handover' },
  { method: 'POST', path: '/api/handovers/ho_none/accept', body: {}, permission: 'shift.handover' },
  { method: 'GET', path: '/api/reports/alarms', permission: 'report.view' },
  { method: 'GET', path: '/api/reports/kpis?site=no-such-site', permission: 'report.view' },
  { method: 'GET', path: '/api/audit', permission: 'audit.view' },
  { method: 'GET', path: '/api/audit/verify', permission: 'audit.view' },
  { method: 'GET', path: '/api/audit?user=nobody&action=user.*&alarm=al_none&before=5&limit=10', permission: 'audit.view' },
  { method: 'GET', path: '/api/users', permission: 'admin.users' },
  { method: 'POST', path: '/api/users', body: {}, permission: 'admin.users' },
  { method: 'POST', path: '/api/users/no-such-user/disable', body: {}, permission: 'admin.users' },
  { method: 'POST', path: '/api/users/no-such-user/enable', body: {}, permission: 'admin.users' },
  { method: 'POST', path: '/api/users/no-such-user/unlock', body: {}, permission: 'admin.users' },
  { method: 'POST', path: '/api/users/no-such-user/reset-password', body: { password: 'not-used-password-1' }, permission: 'admin.users' },
  { method: 'GET', path: '/api/sessions', permission: 'admin.users' },
  { method: 'DELETE', path: '/api/sessions/999999', permission: 'admin.users' },
  { method: 'GET', path: '/api/apikeys', permission: 'admin.devices' },
  { method: 'POST', path: '/api/apikeys', body: {}, permission: 'admin.devices' },
  { method: 'DELETE', path: '/api/apikeys/vk_none', permission: 'admin.devices' },
  { method: 'GET', path: '/api/devices', permission: 'admin.devices' },
  { method: 'POST', path: '/api/devices', body: {}, permission: 'admin.devices' },
  { method: 'DELETE', path: '/api/devices/NO-SUCH-SENSOR', permission: 'admin.devices' },
  { method: 'GET', path: '/api/gateways', permission: 'report.view' },
  { method: 'GET', path: '/api/gateway-credentials', permission: 'admin.devices' },
  { method: 'POST', path: '/api/gateway-credentials', body: { gatewayId: 'NO-SUCH-GATEWAY' }, permission: 'admin.devices' },
  { method: 'DELETE', path: '/api/gateway-credentials/NO-SUCH-GATEWAY', permission: 'admin.devices' },
];

const call = (r: Route, cookie?: string) =>
  vigil.api(r.path, {
    method: r.method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
  });

beforeAll(async () => {
  const influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: 'vigil_permissions_test', env: { FACILITY_FILE: path.resolve('test/fixtures/facility.yaml') } });
  for (const role of ROLES) {
    await vigil.addUser(`${role}1`, role);
    cookies[role] = await vigil.login(`${role}1`);
  }
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('role × action', () => {
  const cases = ROUTES.flatMap((r) => ROLES.map((role) => [`${role} ${r.method} ${r.path}`, role, r] as const));
  it.each(cases)('%s', async (_name, role, route) => {
    const res = await call(route, cookies[role]);
    if (can(role, route.permission)) {
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500); // past the check, answered (404, 409, 400, 200), not crashed
    } else {
      expect(res.status).toBe(403);
    }
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('without a session: %s → 401', async (_name, route) => {
    expect((await call(route)).status).toBe(401);
  });
});
