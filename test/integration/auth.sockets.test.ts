// A live connection must not outlive its session. When a session ends — logout,
// an admin revoking it, a password change or reset, the account disabled — the Socket.IO
// connections opened with it are closed, and they cannot come back with the dead cookie. Sockets
// of sessions that are still live stay connected.
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../contract/index.ts';
import { startInflux, stopAllServices } from '../support/services.ts';
import { TEST_PASSWORD, eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
/** Revocations through the server close sockets at once: well under the 5 s sweep, so several of these would not all pass by the sweep alone (main.ts SESSION_SWEEP_MS). */
const AT_ONCE_MS = 1_000;
/** Revocations by the CLI (another process) are found by the sweep. */
const SWEEP_MS = 5_000;

let vigil: VigilHandle;
let admin = '';
const opened: Socket[] = [];

interface Live {
  socket: Socket;
  /** Resolves with the client's disconnect reason ("io server disconnect" when the server closed it). */
  closed: Promise<string>;
}

/** A signed-in live connection that has received its snapshot. */
async function connectLive(cookie: string): Promise<Live> {
  const socket = io(vigil.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  opened.push(socket);
  const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, closed };
}

/** What a new connection with this cookie gets: "snapshot", or the refusal's message. */
function attempt(cookie: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = io(vigil.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
    opened.push(socket);
    socket.once('snapshot', () => resolve('snapshot'));
    socket.once('connect_error', (err) => resolve(err.message));
  });
}

function within<T>(p: Promise<T>, ms: number): Promise<T | 'still open'> {
  return Promise.race([p, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms))]);
}

async function call(method: string, pathname: string, cookie: string, body?: unknown): Promise<number> {
  const headers: Record<string, string> = { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  return (await vigil.api(pathname, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })).status;
}

/** The officers the tests sign in as: made together before them (each `vigil user add` is a process start). */
const OFFICERS = ['leaver', 'revokee', 'watcher', 'changer', 'forgetful', 'leaving', 'remote'];

beforeAll(async () => {
  const influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: 'vigil_auth_sockets_test', env: { FACILITY_FILE: FACILITY, LOGIN_RATE_PER_MIN: '300' } });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  await Promise.all([vigil.addUser('admin1', 'admin'), ...OFFICERS.map((username) => vigil.addUser(username, 'officer'))]);
  admin = await vigil.login('admin1');
});

afterAll(async () => {
  for (const s of opened) s.close();
  await vigil?.stop();
  await stopAllServices();
});

describe('Socket.IO connections end with their session', () => {
  it('logout closes the sockets of that session at once; another session of the same user keeps its socket', async () => {
    const cookie = await vigil.login('leaver');
    const other = await connectLive(await vigil.login('leaver'));
    const tabs = [await connectLive(cookie), await connectLive(cookie)];
    expect(await call('POST', '/api/auth/logout', cookie)).toBe(204);
    for (const tab of tabs) expect(await within(tab.closed, AT_ONCE_MS)).toBe('io server disconnect');
    expect(other.socket.connected).toBe(true);
    expect(await attempt(cookie)).toBe('unauthorized');
  });

  it('an admin revoking a session closes its socket at once', async () => {
    const cookie = await vigil.login('revokee');
    const live = await connectLive(cookie);
    const watcher = await connectLive(await vigil.login('watcher'));
    const session = (await vigil.api<SessionView[]>('/api/sessions', { headers: { cookie: admin } })).body.find((s) => s.username === 'revokee')!;
    expect(await call('DELETE', `/api/sessions/${session.id}`, admin)).toBe(204);
    expect(await within(live.closed, AT_ONCE_MS)).toBe('io server disconnect');
    expect(watcher.socket.connected).toBe(true);
    expect(await attempt(cookie)).toBe('unauthorized');
  });

  it('a password change closes the sockets of the other sessions, not of the one that changed it', async () => {
    const here = await vigil.login('changer');
    const elsewhere = await vigil.login('changer');
    const [keep, drop] = [await connectLive(here), await connectLive(elsewhere)];
    expect(await call('POST', '/api/auth/password', here, { current: TEST_PASSWORD, next: 'changed-password-1' })).toBe(204);
    expect(await within(drop.closed, AT_ONCE_MS)).toBe('io server disconnect');
    expect(keep.socket.connected).toBe(true);
  });

  it('an admin password reset or disabling the account closes every socket of the user at once', async () => {
    const reset = await connectLive(await vigil.login('forgetful'));
    expect(await call('POST', '/api/users/forgetful/reset-password', admin, { password: TEST_PASSWORD })).toBe(200);
    expect(await within(reset.closed, AT_ONCE_MS)).toBe('io server disconnect');

    const sockets = [await connectLive(await vigil.login('leaving')), await connectLive(await vigil.login('leaving'))];
    expect(await call('POST', '/api/users/leaving/disable', admin)).toBe(200);
    for (const s of sockets) expect(await within(s.closed, AT_ONCE_MS)).toBe('io server disconnect');
  });

  it('disabling the account with the CLI (another process) closes its sockets within the sweep', async () => {
    const cookie = await vigil.login('remote');
    const live = await connectLive(cookie);
    const r = await vigil.cli(['user', 'disable', 'remote']);
    expect(r.code, r.stderr).toBe(0);
    expect(await within(live.closed, SWEEP_MS + 2_000)).toBe('io server disconnect');
    expect(await attempt(cookie)).toBe('unauthorized');
  });
});
