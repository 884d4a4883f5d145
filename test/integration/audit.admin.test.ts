// The manager's audit viewer and the admin's Administration page, on the real server: every change
// made through the administration endpoints lands in the hash-chained trail with the same action,
// target and detail as the command line writes; GET /api/audit narrows by user, action (or family)
// and alarm and pages with `before`; GET /api/audit/verify says when it walked the chain.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, ApiKeyCreatedResponse, AuditEntry, AuditVerifyResponse, SessionView, UserAdminView } from '../../contract/index.ts';
import { startInflux, stopAllServices } from '../support/services.ts';
import { TEST_API_KEY, TEST_PASSWORD, eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

let vigil: VigilHandle;
let admin = '';
let manager = '';
let officer = '';

const call = <T>(method: string, pathname: string, cookie: string, body?: unknown) =>
  vigil.api<T>(pathname, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
/** The trail as a manager reads it, newest first. */
const audit = async (query: string): Promise<AuditEntry[]> => {
  const res = await call<AuditEntry[]>('GET', `/api/audit?${query}`, manager);
  expect(res.status).toBe(200);
  return res.body;
};

beforeAll(async () => {
  const influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: 'vigil_audit_admin_test', env: { FACILITY_FILE: path.resolve('test/fixtures/facility.yaml') } });
  await Promise.all([vigil.addUser('admin1', 'admin'), vigil.addUser('manager1', 'manager'), vigil.addUser('officer1', 'officer')]);
  [admin, manager, officer] = await Promise.all([vigil.login('admin1'), vigil.login('manager1'), vigil.login('officer1')]);
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('administration through the dashboard endpoints', () => {
  it('writes the same user.create entry as the command line, with the admin as actor', async () => {
    const created = await call<UserAdminView>('POST', '/api/users', admin, {
      username: 'webuser',
      role: 'officer',
      displayName: 'Web user',
      password: TEST_PASSWORD,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'webuser', role: 'officer', disabled: false });
    expect(JSON.stringify(created.body)).not.toMatch(/scrypt|hash/i);
    const cli = await vigil.cli(['user', 'add', 'cliuser', '--role', 'officer', '--display-name', 'Web user', '--password-stdin'], `${TEST_PASSWORD}\n`);
    expect(cli.code, cli.stderr).toBe(0);

    const [fromCli, fromWeb] = await audit('action=user.create&limit=2');
    expect(fromWeb).toMatchObject({ actor: 'admin1', action: 'user.create', target: 'user:webuser' });
    expect(fromCli).toMatchObject({ action: 'user.create', target: 'user:cliuser' });
    expect(fromCli!.actor).toMatch(/^cli:/);
    expect(fromWeb!.detail).toEqual(fromCli!.detail);
  });

  it('resets a password, disables, enables and unlocks, each one audited with the admin as actor', async () => {
    await call('POST', '/api/users', admin, { username: 'target2', role: 'officer', password: TEST_PASSWORD });
    const target = await vigil.login('target2');
    const since = Date.now();
    const next = 'a-brand-new-password-42';
    expect((await call<UserAdminView>('POST', '/api/users/target2/reset-password', admin, { password: next })).status).toBe(200);
    // The reset signs the user out and the new password works, the old one not.
    expect((await call('GET', '/api/auth/me', target)).status).toBe(401);
    await expect(vigil.login('target2', TEST_PASSWORD)).rejects.toThrow(/401/);
    await vigil.login('target2', next);
    expect((await call<UserAdminView>('POST', '/api/users/target2/disable', admin, {})).body.disabled).toBe(true);
    expect((await call<UserAdminView>('POST', '/api/users/target2/enable', admin, {})).body.disabled).toBe(false);
    expect((await call<UserAdminView>('POST', '/api/users/target2/unlock', admin, {})).body.failedLogins).toBe(0);

    const entries = await audit(`user=admin1&action=user.*&from=${since}`);
    expect(entries.map((e) => [e.action, e.target])).toEqual([
      ['user.unlock', 'user:target2'],
      ['user.enable', 'user:target2'],
      ['user.disable', 'user:target2'],
      ['user.reset_password', 'user:target2'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(next);
  });

  it('signs a session out', async () => {
    await vigil.login('officer1');
    const sessions = (await call<SessionView[]>('GET', '/api/sessions', admin)).body.filter((s) => s.username === 'officer1');
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    const victim = sessions.reduce((a, b) => (a.id > b.id ? a : b));
    expect((await call('DELETE', `/api/sessions/${victim.id}`, admin)).status).toBe(204);
    expect((await call<SessionView[]>('GET', '/api/sessions', admin)).body.map((s) => s.id)).not.toContain(victim.id);
    const [entry] = await audit('action=session.revoke&limit=1');
    expect(entry).toMatchObject({ actor: 'admin1', target: 'user:officer1', detail: { session: victim.id } });
  });

  it('creates an API key whose secret is in the creation answer only, and revokes it', async () => {
    const created = await call<ApiKeyCreatedResponse>('POST', '/api/apikeys', admin, { name: 'web key', sites: ['t1'] });
    expect(created.status).toBe(201);
    const { apiKey, key } = created.body;
    expect(key.startsWith(apiKey.id)).toBe(true);
    expect(JSON.stringify((await call('GET', '/api/apikeys', admin)).body)).not.toContain(key);
    expect((await call('DELETE', `/api/apikeys/${apiKey.id}`, admin)).status).toBe(200);
    const entries = await audit('user=admin1&action=apikey.*&limit=2');
    expect(entries.map((e) => [e.action, e.target])).toEqual([
      ['apikey.revoke', `apikey:${apiKey.id}`],
      ['apikey.create', `apikey:${apiKey.id}`],
    ]);
    expect(JSON.stringify(entries)).not.toContain(key);
  });
});

describe('the audit viewer', () => {
  it('narrows to one alarm by its id', async () => {
    const ingest = await vigil.api('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ observations: [{ sensorId: 'T-GAS-02', channel: 'reading', unit: '%LEL', value: 60, ts: Date.now() }] }),
    });
    expect(ingest.status).toBe(202);
    const alarm = await eventually(
      async () => (await call<AlarmListResponse>('GET', '/api/alarms?sensor=T-GAS-02', officer)).body.alarms[0],
      15_000,
      'the gas alarm',
    );
    expect((await call<{ alarm: Alarm }>('POST', `/api/alarms/${alarm.id}/ack`, officer, {})).status).toBe(200);
    expect((await call('POST', `/api/alarms/${alarm.id}/comment`, officer, { text: 'ventilating' })).status).toBe(200);

    const entries = await audit(`alarm=${encodeURIComponent(alarm.id)}`);
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['officer1', 'alarm.commented'],
      ['officer1', 'alarm.acked'],
      ['system', 'alarm.raised'],
    ]);
    expect(entries.every((e) => e.target === `alarm:${alarm.id}`)).toBe(true);
    expect(await audit(`alarm=${encodeURIComponent(alarm.id)}&user=admin1`)).toEqual([]);
    expect((await audit(`alarm=${encodeURIComponent(alarm.id)}&action=alarm.acked`)).map((e) => e.actor)).toEqual(['officer1']);
  });

  it('pages newest first with before, without overlap or gap', async () => {
    const all = await audit('limit=10000');
    expect(all.length).toBeGreaterThan(6);
    const first = await audit('limit=3');
    const second = await audit(`limit=3&before=${Math.min(...first.map((e) => e.id))}`);
    expect([...first, ...second].map((e) => e.id)).toEqual(all.slice(0, 6).map((e) => e.id));
  });

  it('refuses a query it cannot read rather than ignoring part of it', async () => {
    expect((await call('GET', '/api/audit?alarm=a&target=alarm:b', manager)).status).toBe(400);
    expect((await call('GET', '/api/audit?actor=admin1', manager)).status).toBe(400);
    expect((await call('GET', '/api/audit?before=0', manager)).status).toBe(400);
  });

  it('verifies the chain and says when', async () => {
    const before = Date.now();
    const res = await call<AuditVerifyResponse>('GET', '/api/audit/verify', manager);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.entries).toBeGreaterThan(6);
    expect(res.body.checkedAt).toBeGreaterThanOrEqual(before);
    expect(res.body.checkedAt).toBeLessThanOrEqual(Date.now());
  });
});
