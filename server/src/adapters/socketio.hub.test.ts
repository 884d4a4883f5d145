import http from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmSnapshot } from '../../../contract/index.ts';
import { createLogger } from '../logger.ts';
import { SocketHub } from './socketio.hub.ts';

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
    const dropped = hub.dropEndedSessions((id) => {
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
    expect(hub.dropEndedSessions(ended, 'ann')).toBe(1);
    expect(asked).toEqual([1]);
    await until(() => ann.reason() !== null);
    expect(ann.reason()).toBe('io server disconnect');
    expect(bob.socket.connected).toBe(true);
  });
});
