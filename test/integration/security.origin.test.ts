// Cross-site request forgery and small denials of service, through the real server. The session
// cookie is SameSite=Strict, but "same site" still includes every other port of this host: a page
// there could post a form as the signed-in officer. So a state-changing request must come from an
// allowed origin (PUBLIC_URL, else the addresses the server listens on), a signed-in one must name
// its origin, JSON routes refuse form-style bodies (415), and the Socket.IO handshake refuses a
// foreign Origin. A body nested absurdly deep is refused fast (400), not after seconds of
// recursion ending in a 500.
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListResponse } from '../../contract/index.ts';
import { startInflux, stopAllServices } from '../support/services.ts';
import { TEST_API_KEY, eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
/** Another port of the same host: same site, so SameSite=Strict alone lets its requests carry the cookie. */
const FOREIGN = 'http://127.0.0.1:1';

let vigil: VigilHandle;
let officer = '';
let admin = '';
let alarmId = '';

/** A request as any client may send it: the headers given and nothing else (no Origin unless given). */
async function raw(method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<number> {
  const res = await fetch(`${vigil.url}${pathname}`, { method, headers, ...(body !== undefined && { body }) });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  const influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: 'vigil_security_origin_test', env: { FACILITY_FILE: FACILITY } });
  await Promise.all([vigil.addUser('officer1', 'officer'), vigil.addUser('admin1', 'admin')]);
  officer = await vigil.login('officer1');
  admin = await vigil.login('admin1');
  const ingest = await vigil.api('/api/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
    body: JSON.stringify({ observations: [{ sensorId: 'T-GAS-01', channel: 'reading', value: 80, unit: '%LEL' }] }),
  });
  expect(ingest.status).toBe(202);
  const listed = await eventually(
    async () => {
      const res = await vigil.api<AlarmListResponse>('/api/alarms', { headers: { cookie: officer } });
      return res.body.alarms.find((a) => a.sensorId === 'T-GAS-01' && a.state === 'active_unacked');
    },
    10_000,
    'the gas alarm',
  );
  alarmId = listed.id;
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('state changes only from an allowed origin', () => {
  it('refuses an acknowledgement with a valid cookie from a foreign Origin, or a foreign Referer, or naming no origin (403); the alarm stays unacknowledged', async () => {
    const ack = (headers: Record<string, string>) =>
      raw('POST', `/api/alarms/${alarmId}/ack`, { cookie: officer, 'content-type': 'application/json', ...headers }, JSON.stringify({ note: 'forged' }));
    expect(await ack({ origin: FOREIGN })).toBe(403);
    expect(await ack({ origin: 'null' })).toBe(403);
    expect(await ack({ referer: `${FOREIGN}/attack.html` })).toBe(403);
    expect(await ack({})).toBe(403);
    const detail = await vigil.api<{ alarm: { state: string } }>(`/api/alarms/${alarmId}`, { headers: { cookie: officer } });
    expect(detail.body.alarm.state).toBe('active_unacked');
  });

  it("refuses an admin's unlock from a foreign Origin (403), and accepts it from the server's own origin", async () => {
    await vigil.addUser('locky', 'officer');
    expect(await raw('POST', '/api/users/locky/unlock', { cookie: admin, origin: FOREIGN })).toBe(403);
    expect(await raw('POST', '/api/users/locky/unlock', { cookie: admin, origin: vigil.url })).toBe(200);
    // Referer alone (a browser whose Origin was stripped by a proxy) counts too.
    expect(await raw('POST', '/api/users/locky/unlock', { cookie: admin, referer: `${vigil.url}/admin/users` })).toBe(200);
  });

  it('refuses a form-style body on a JSON route (415) even from the own origin: the bodies a foreign page can post without a preflight', async () => {
    const form = (type: string, body: string) => raw('POST', '/api/users/locky/unlock', { cookie: admin, origin: vigil.url, 'content-type': type }, body);
    expect(await form('application/x-www-form-urlencoded', 'a=1')).toBe(415);
    expect(await form('text/plain;charset=UTF-8', '{"note":"x"}')).toBe(415);
    expect(await form('multipart/form-data; boundary=x', '--x--')).toBe(415);
  });

  it('the own origin works: the ack from the dashboard origin goes through', async () => {
    const res = await vigil.api<{ alarm: { state: string } }>(`/api/alarms/${alarmId}/ack`, {
      method: 'POST',
      headers: { cookie: officer, 'content-type': 'application/json', origin: vigil.url },
      body: JSON.stringify({ note: 'on my way' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.alarm.state).toBe('active_acked');
  });

  it('a request without the session cookie and without Origin (a device with its bearer key, curl signing in) passes', async () => {
    const status = await raw(
      'POST',
      '/api/ingest',
      { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      JSON.stringify({ observations: [{ sensorId: 'T-GAS-02', channel: 'reading', value: 1, unit: '%LEL' }] }),
    );
    expect(status).toBe(202);
  });
});

describe('the live connection only from an allowed origin', () => {
  const handshake = (headers: Record<string, string>, transport: 'websocket' | 'polling') =>
    new Promise<string>((resolve) => {
      const socket = io(vigil.url, { transports: [transport], reconnection: false, extraHeaders: { cookie: officer, ...headers } });
      socket.once('snapshot', () => {
        socket.close();
        resolve('snapshot');
      });
      socket.once('connect_error', (err) => {
        socket.close();
        resolve(`refused: ${err.message}`);
      });
    });

  it('refuses a handshake with a foreign Origin over WebSocket and long-polling, and accepts the own origin', async () => {
    expect(await handshake({ origin: FOREIGN }, 'websocket')).toMatch(/^refused/);
    expect(await handshake({ origin: FOREIGN }, 'polling')).toMatch(/^refused/);
    expect(await handshake({ origin: vigil.url }, 'websocket')).toBe('snapshot');
  });
});

describe('small denials of service', () => {
  it('answers a body nested 100 000 deep with 400 at once instead of 500 after a stack overflow', async () => {
    const deep = `{"observations":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
    const started = performance.now();
    const res = await vigil.api<{ error: { code: string } }>('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: deep,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_JSON');
    // Generous for a loaded test machine; the overflow took 1.7 s on an idle one.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
