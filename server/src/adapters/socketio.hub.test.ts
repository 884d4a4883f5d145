import http from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmSnapshot } from '../../../contract/index.ts';
import { createLogger } from '../logger.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { RESYNC_LIMIT, RESYNC_WINDOW_MS, SocketHub } from './socketio.hub.ts';

let server: http.Server;
let hub: SocketHub;
let url = '';
const clients: Socket[] = [];

beforeEach(async () => {
  server = http.createServer();
  hub = new SocketHub(server, {
    snapshot: (): AlarmSnapshot => ({ seq: 0, at: 0, alarms: [], incidents: [], sensors: [] }),
    // Stands in for socketAuth: the test says which user and session a socket belongs to.
    authorize: (socket, next) => {
      const { username, sessionId } = socket.handshake.auth as { username: string; sessionId: number };
      socket.data.user = { username, displayName: username, role: 'officer', disabled: false };
      socket.data.sessionId = sessionId;
      next();
    },
    logger: createLogger('silent'),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await hub.close();
});

/** A connected client of `username` on session `sessionId`, and the reason it was disconnected. */
async function client(username: string, sessionId: number): Promise<{ socket: Socket; reason: () => string | null }> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, auth: { username, sessionId } });
  clients.push(socket);
  let reason: string | null = null;
  socket.on('disconnect', (r) => (reason = r));
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, reason: () => reason };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

// A live connection does not outlive its session.
describe('SocketHub.dropEndedSessions', () => {
  it('closes the sockets of ended sessions only, asking about each session once', async () => {
    const [a1, a2, b, c] = [await client('ann', 1), await client('ann', 1), await client('bob', 2), await client('cat', 3)];
    const asked: number[] = [];
    const dropped = await hub.dropEndedSessions((id) => {
      asked.push(id);
      return id !== 1;
    });
    expect(dropped).toBe(2);
    expect(asked.sort()).toEqual([1, 2, 3]);
    await until(() => a1.reason() !== null && a2.reason() !== null);
    expect([a1.reason(), a2.reason()]).toEqual(['io server disconnect', 'io server disconnect']);
    expect([b.socket.connected, c.socket.connected]).toEqual([true, true]);
  });

  it("with a username, checks only that user's sockets", async () => {
    const [ann, bob] = [await client('ann', 1), await client('bob', 2)];
    const asked: number[] = [];
    const ended = (id: number): boolean => {
      asked.push(id);
      return false;
    };
    expect(await hub.dropEndedSessions(ended, 'ann')).toBe(1);
    expect(asked).toEqual([1]);
    await until(() => ann.reason() !== null);
    expect(ann.reason()).toBe('io server disconnect');
    expect(bob.socket.connected).toBe(true);
  });
});

// A snapshot is the whole alarm state: one socket asking for it in a loop (200 resyncs returned
// 36.8 MB in 1.5 s) must not turn the server into an amplifier.
describe('SocketHub resync limit', () => {
  it(`answers ${RESYNC_LIMIT} resyncs per ${RESYNC_WINDOW_MS / 1000} s at once; beyond that resync_limited, and one fresh snapshot when the window allows`, async () => {
    const scheduler = new FakeScheduler();
    const limited = new SocketHub(http.createServer(), {
      snapshot: (): AlarmSnapshot => ({ seq: 7, at: 0, alarms: [], incidents: [], sensors: [] }),
      logger: createLogger('silent'),
      scheduler,
    });
    const srv = limited.io.httpServer as http.Server;
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    try {
      const socket = connect(`http://127.0.0.1:${(srv.address() as { port: number }).port}`, { transports: ['websocket'], reconnection: false });
      clients.push(socket);
      let snapshots = 0;
      const notices: { retryAfterMs: number; snapshotsBefore: number }[] = [];
      socket.on('snapshot', () => snapshots++);
      socket.on('resync_limited', (n: { retryAfterMs: number }) => notices.push({ retryAfterMs: n.retryAfterMs, snapshotsBefore: snapshots }));
      await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));

      await scheduler.advance(1000);
      for (let i = 0; i < RESYNC_LIMIT + 3; i++) socket.emit('resync', 7);
      await until(() => notices.length === 3);
      // Events on one socket arrive in order: every answer within the limit came before the first refusal.
      expect(notices.map((n) => n.snapshotsBefore)).toEqual([1 + RESYNC_LIMIT, 1 + RESYNC_LIMIT, 1 + RESYNC_LIMIT]);
      expect(notices.map((n) => n.retryAfterMs)).toEqual([RESYNC_WINDOW_MS, RESYNC_WINDOW_MS, RESYNC_WINDOW_MS]);
      expect(scheduler.pendingCount).toBe(1);

      await scheduler.advance(RESYNC_WINDOW_MS);
      await until(() => snapshots === 2 + RESYNC_LIMIT);
      expect(snapshots).toBe(2 + RESYNC_LIMIT);
    } finally {
      await limited.close();
    }
  });
});
