// The hub's heartbeat (docs/contracts.md#realtime-socketio): one to each socket on connect and one
// every interval after, seq counting up by one, never kept for connection-state recovery. It is
// what lets a console notice a silently dropped link within seconds.
import http from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmSnapshot, Heartbeat } from '../../../contract/index.ts';
import { createLogger } from '../logger.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { HEARTBEAT_INTERVAL_MS, SocketHub } from './socketio.hub.ts';

const hubs: SocketHub[] = [];
const clients: Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.close();
});

async function start(scheduler: FakeScheduler): Promise<string> {
  const hub = new SocketHub(http.createServer(), {
    snapshot: (): AlarmSnapshot => ({ seq: 0, at: 0, alarms: [], incidents: [], sensors: [] }),
    logger: createLogger('silent'),
    heartbeat: { scheduler },
  });
  hubs.push(hub);
  const srv = hub.io.httpServer as http.Server;
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
}

/** A console recording its beats, connected once its first beat (sent on connect) arrived. */
async function console_(url: string): Promise<{ socket: Socket; beats: Heartbeat[] }> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false });
  clients.push(socket);
  const beats: Heartbeat[] = [];
  socket.on('heartbeat', (b: Heartbeat) => beats.push(b));
  await new Promise<void>((resolve, reject) => {
    socket.once('heartbeat', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, beats };
}

/** Waits until `n` beats arrived (each is a real Socket.IO message; fake time only decides when they are sent). */
async function beatsArrived(c: { beats: Heartbeat[] }, n: number): Promise<void> {
  for (let i = 0; i < 300 && c.beats.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  expect(c.beats.length).toBe(n);
}

describe('SocketHub heartbeat', () => {
  it(`beats to each socket on connect and every ${HEARTBEAT_INTERVAL_MS} ms, seq up by one, announcing the interval`, async () => {
    const scheduler = new FakeScheduler();
    const url = await start(scheduler);
    const a = await console_(url);
    expect(a.beats[0]).toEqual({ seq: 0, at: scheduler.now(), intervalMs: HEARTBEAT_INTERVAL_MS });
    for (let i = 1; i <= 3; i++) {
      await scheduler.advance(HEARTBEAT_INTERVAL_MS);
      await beatsArrived(a, 1 + i);
    }
    expect(a.beats.map((b) => b.seq)).toEqual([0, 1, 2, 3]);
    expect(a.beats[3]!.at - a.beats[1]!.at).toBe(2 * HEARTBEAT_INTERVAL_MS);
    // A console joining later gets the current beat at once, then the same stream.
    const b = await console_(url);
    expect(b.beats[0]!.seq).toBe(3);
    await scheduler.advance(HEARTBEAT_INTERVAL_MS);
    await beatsArrived(b, 2);
    await beatsArrived(a, 5);
    expect(b.beats[1]).toEqual(a.beats[4]);
  });

  it('does not beat into the connection-state recovery buffer (a reconnect is not flooded with old beats)', async () => {
    const scheduler = new FakeScheduler();
    const url = await start(scheduler);
    const a = await console_(url);
    for (let i = 1; i <= 5; i++) {
      await scheduler.advance(HEARTBEAT_INTERVAL_MS);
      await beatsArrived(a, 1 + i);
    }
    const adapter = hubs[0]!.io.of('/').adapter as unknown as { packets: { data: unknown[] }[] };
    // What was sent on connect is kept (the snapshot and the first beat); none of the beats after it.
    expect(adapter.packets.map((p) => p.data[0])).toEqual(['snapshot', 'heartbeat']);
  });

  it('stops beating when closed', async () => {
    const scheduler = new FakeScheduler();
    await start(scheduler);
    expect(scheduler.pendingCount).toBe(1);
    await hubs.pop()!.close();
    expect(scheduler.pendingCount).toBe(0);
  });
});
