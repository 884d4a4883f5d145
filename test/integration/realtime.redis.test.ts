/**
 * Dashboards on any node (docs/architecture.md#realtime): two Vigil nodes, each its own Socket.IO
 * hub on its own port, joined through one real redis-server as `REDIS_URL` joins them. A console
 * connected to node B gets the alarm events node A publishes, in order and without gaps
 * (docs/contracts.md#realtime-socketio: a gap makes the console resync); while Redis is down each
 * node still serves its own consoles at once and GET /api/health names Redis; when Redis is back,
 * events cross nodes again. A console that loses one node resumes on another with what it missed,
 * and a node started while Redis is down starts alone and joins once Redis is up.
 */
import http from 'node:http';
import express from 'express';
import client from 'prom-client';
import { createClient } from 'redis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent, AlarmSnapshot, PublicHealthResponse } from '../../contract/index.ts';
import { SocketHub } from '../../server/src/adapters/socketio.hub.ts';
import { CONNECT_WAIT_MS, PUBLISH_TIMEOUT_MS, RedisFanout } from '../../server/src/adapters/socketio.redis.ts';
import { redisFanoutPart } from '../../server/src/compose/realtime.ts';
import { healthRouter } from '../../server/src/http/health.router.ts';
import { createLogger } from '../../server/src/logger.ts';
import { makeAlarm } from '../support/contract.fixtures.ts';
import { startRedis, type RedisHandle } from '../support/redis.ts';
import { stopAllServices } from '../support/services.ts';

interface Node {
  hub: SocketHub;
  fanout: RedisFanout;
  registry: client.Registry;
  url: string;
  stop(): Promise<void>;
}

/** Far longer than an event takes between two nodes on one machine (milliseconds). */
const EVENT_WAIT_MS = 5_000;
const EMPTY: AlarmSnapshot = { seq: 0, at: 0, alarms: [], incidents: [], sensors: [] };

/** One node: the hub on its own HTTP server with /api/health, joined through Redis as compose/realtime.ts joins it. */
async function startNode(redisUrl: string): Promise<Node> {
  const logger = createLogger('silent');
  const registry = new client.Registry();
  const fanout = new RedisFanout({ url: redisUrl, logger, registry });
  const app = express();
  // Only the redis part is under test here: the other parts report well.
  app.use(
    healthRouter({
      brokerConnected: () => true,
      brokerDescription: 'mqtt://127.0.0.1:1883',
      influxReachable: () => Promise.resolve(true),
      influxAcceptingWrites: () => true,
      outboxDepth: () => ({ batches: 0, points: 0 }),
      brokerDrops: () => ({ dropped: 0, recent: false }),
      brokerDropsWindowMin: 10,
      redis: () => fanout.health(),
      startedAt: Date.now(),
      version: 'test',
    }),
  );
  const server = http.createServer(app);
  const hub = new SocketHub(server, { snapshot: () => EMPTY, logger });
  const part = redisFanoutPart(hub, fanout);
  await part.start!();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    hub,
    fanout,
    registry,
    url,
    stop: async () => {
      await hub.close();
      await part.stop!();
    },
  };
}

function alarmEvent(seq: number): AlarmEvent {
  const alarm = makeAlarm({ id: `A-${seq}` });
  return { subject: 'alarm', kind: 'raised', alarmId: alarm.id, alarm, at: alarm.raisedAt, actor: 'system', note: null, drill: null, seq };
}

/** A console: connected, snapshot received, every `alarm` event kept in arrival order. */
async function openConsole(url: string): Promise<{ socket: Socket; seqs: number[]; next(n: number): Promise<number[]> }> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false });
  consoles.push(socket);
  const seqs: number[] = [];
  const waiting: { n: number; resolve: (s: number[]) => void }[] = [];
  socket.on('alarm', (e) => {
    seqs.push(e.seq);
    for (const w of waiting.splice(0)) {
      if (seqs.length >= w.n) w.resolve(seqs.slice(0, w.n));
      else waiting.push(w);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    seqs,
    /** The first n events this console received (so far and still to come); fails after EVENT_WAIT_MS. */
    next: (n) =>
      seqs.length >= n
        ? Promise.resolve(seqs.slice(0, n))
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`expected ${n} alarm events, got [${seqs.join(', ')}]`)), EVENT_WAIT_MS);
            waiting.push({ n, resolve: (got) => (clearTimeout(timer), resolve(got)) });
          }),
  };
}

/** Polls a condition every 20 ms (a state, not an event this test can subscribe to), failing after `ms`. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A client of the test's own, to look at what the nodes keep in Redis. */
async function redisProbe(url = redis.url): Promise<ReturnType<typeof createClient>> {
  const probe = createClient({ url });
  probe.on('error', () => {});
  await probe.connect();
  return probe;
}

/**
 * The adapter reads the stream from "now" on (XREAD $): an event published before a node's reader
 * is blocked in XREAD never reaches that node. Waits until `count` readers are.
 */
async function readersBlocked(count: number, url = redis.url): Promise<void> {
  const probe = await redisProbe(url);
  try {
    await until(`${count} adapters read the stream`, async () => {
      const list = await probe.sendCommand<string>(['CLIENT', 'LIST']);
      return list.split('\n').filter((line) => /\bcmd=xread\b/.test(line) && /\bflags=b\b/.test(line)).length >= count;
    });
  } finally {
    probe.destroy();
  }
}

async function health(node: Node): Promise<{ status: number; body: PublicHealthResponse }> {
  const response = await fetch(`${node.url}/api/health`);
  return { status: response.status, body: (await response.json()) as PublicHealthResponse };
}

async function metric(node: Node, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await node.registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return found?.value ?? 0;
}

let redis: RedisHandle;
let a: Node;
let b: Node;
const consoles: Socket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  [a, b] = await Promise.all([startNode(redis.url), startNode(redis.url)]);
  await readersBlocked(2);
});

afterAll(async () => {
  for (const socket of consoles.splice(0)) socket.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await stopAllServices();
});

describe('realtime across nodes through Redis', () => {
  it('a console on node B receives the alarm events published on node A, in sequence order, none missing', async () => {
    const onB = await openConsole(b.url);
    const onA = await openConsole(a.url);
    // A node's view of which sites have no node is its own: its `cluster` notice stays with its
    // own consoles. Sent before the events, so through the stream it would reach B before them.
    const clusterOnB: unknown[] = [];
    onB.socket.on('cluster', (notice) => clusterOnB.push(notice));
    const clusterOnA = new Promise((resolve) => onA.socket.once('cluster', resolve));
    a.hub.clusterChanged({ node: 'a', unheld: ['north'], at: 1 });
    for (let seq = 1; seq <= 20; seq++) a.hub.publish(alarmEvent(seq));
    const expected = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(await onB.next(20)).toEqual(expected);
    expect(await clusterOnA).toEqual({ node: 'a', unheld: ['north'], at: 1 });
    expect(clusterOnB).toEqual([]);
    // Node A's own console once each: the adapter does not echo A's events back to it.
    expect(await onA.next(20)).toEqual(expected);

    // Only broadcasts go through the shared stream. Beats say that this link is alive: each node's
    // stay with its own sockets, as its cluster notices; a snapshot (hundreds of KB) goes to its one
    // socket from its node.
    await new Promise<void>((resolve) => onB.socket.once('heartbeat', () => resolve()));
    const probe = await redisProbe();
    try {
      const kept = (await probe.xRange('socket.io', '-', '+')).map((entry) => String(entry.message.data));
      expect(kept.filter((data) => data.includes('"alarm"'))).toHaveLength(20);
      expect(kept.filter((data) => data.includes('"heartbeat"') || data.includes('"snapshot"') || data.includes('"cluster"'))).toEqual([]);
    } finally {
      probe.destroy();
    }
    expect(await health(b)).toMatchObject({ status: 200, body: { ok: true, parts: { redis: { ok: true } } } });
  });

  it('while Redis is down, node B still delivers its own events at once, and its health names Redis', async () => {
    const onB = await openConsole(b.url);
    await redis.kill();
    await until('node B sees Redis gone', () => !b.fanout.health().ok);

    const started = Date.now();
    for (let seq = 101; seq <= 105; seq++) b.hub.publish(alarmEvent(seq));
    expect(await onB.next(5)).toEqual([101, 102, 103, 104, 105]);
    // Not held until a write to Redis timed out: the publish failed at once.
    expect(Date.now() - started).toBeLessThan(PUBLISH_TIMEOUT_MS);
    expect(onB.socket.connected).toBe(true);

    // A console whose link drops: its session is written to Redis, which fails, and must not end
    // the process (the adapter drops that promise; an unhandled rejection fails this file).
    const failedSets = await metric(b, 'vigil_redis_fanout_failures_total', { op: 'set' });
    onB.socket.io.engine.close();
    await until('node B has noted the failed session write', async () => (await metric(b, 'vigil_redis_fanout_failures_total', { op: 'set' })) > failedSets);

    const { status, body } = await health(b);
    expect(status).toBe(503);
    expect(body.parts.redis).toEqual({ ok: false, detail: expect.stringContaining('only this node') });
    expect(await metric(b, 'vigil_redis_outages_total')).toBe(1);
    expect(await metric(b, 'vigil_redis_fanout_failures_total', { op: 'xAdd' })).toBeGreaterThanOrEqual(5);
    expect(await metric(b, 'vigil_redis_up')).toBe(0);
  });

  it('when Redis is back, events cross nodes again', async () => {
    await redis.start();
    await until('both nodes are connected again', () => a.fanout.health().ok && b.fanout.health().ok);
    await readersBlocked(2);
    const onB = await openConsole(b.url);
    for (let seq = 21; seq <= 25; seq++) a.hub.publish(alarmEvent(seq));
    expect(await onB.next(5)).toEqual([21, 22, 23, 24, 25]);
    expect(await health(b)).toMatchObject({ status: 200, body: { ok: true, parts: { redis: { ok: true } } } });
    expect(await metric(b, 'vigil_redis_up')).toBe(1);
  });

  it('a console that loses its link to node A and comes back on node B gets the events it missed, without a snapshot', async () => {
    const onA = await openConsole(a.url);
    a.hub.publish(alarmEvent(31));
    expect(await onA.next(1)).toEqual([31]);
    const { _pid: pid, _lastOffset: offset } = onA.socket as unknown as { _pid: string; _lastOffset: string };
    const probe = await redisProbe();
    try {
      onA.socket.io.engine.close();
      await until('node A has kept the session in Redis', async () => (await probe.exists(`sio:session:${pid}`)) === 1);
    } finally {
      probe.destroy();
    }
    for (let seq = 32; seq <= 34; seq++) a.hub.publish(alarmEvent(seq));

    // As socket.io-client reconnects (it sends the session id and the last offset it holds), but to the other node.
    const back = connect(b.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
    Object.assign(back, { _pid: pid, _lastOffset: offset });
    consoles.push(back);
    const replayed: number[] = [];
    let snapshots = 0;
    back.on('alarm', (e) => replayed.push(e.seq));
    back.on('snapshot', () => snapshots++);
    await new Promise<void>((resolve, reject) => {
      back.once('connect', () => resolve());
      back.once('connect_error', reject);
      back.connect();
    });
    expect(back.recovered).toBe(true);
    await until('the missed events are replayed', () => replayed.length >= 3, EVENT_WAIT_MS);
    expect(replayed).toEqual([32, 33, 34]);
    expect(snapshots).toBe(0);
  });

  it('while Redis answers nothing (frozen, or a connection dead without a word), node B waits for it once, then not at all', async () => {
    const probe = await redisProbe();
    const info = await probe.info('server');
    probe.destroy();
    const pid = Number(/process_id:(\d+)/.exec(info)![1]);
    const onB = await openConsole(b.url);
    process.kill(pid, 'SIGSTOP');
    try {
      const first = Date.now();
      for (let seq = 51; seq <= 53; seq++) b.hub.publish(alarmEvent(seq));
      expect(await onB.next(3)).toEqual([51, 52, 53]);
      expect(Date.now() - first).toBeLessThan(PUBLISH_TIMEOUT_MS + 1_000);
      expect(b.fanout.health()).toEqual({ ok: false, detail: expect.stringContaining('not answering') });

      const then = Date.now();
      for (let seq = 54; seq <= 56; seq++) b.hub.publish(alarmEvent(seq));
      expect(await onB.next(6)).toEqual([51, 52, 53, 54, 55, 56]);
      expect(Date.now() - then).toBeLessThan(PUBLISH_TIMEOUT_MS / 2);
      expect((await health(b)).status).toBe(503);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The writes still pending are answered now: Redis is known to answer again.
    await until('node B hears from Redis again', () => b.fanout.health().ok);
    const again = await openConsole(b.url);
    a.hub.publish(alarmEvent(61));
    expect(await again.next(1)).toEqual([61]);
  });

  it('a node started while Redis is down serves its own consoles, and joins the others once Redis is up', async () => {
    const later = await startRedis();
    await later.stop();
    const started = Date.now();
    const c = await startNode(later.url);
    try {
      // It waits a little for Redis at start, then starts alone.
      expect(Date.now() - started).toBeLessThan(CONNECT_WAIT_MS + 2_000);
      expect(await health(c)).toMatchObject({ status: 503, body: { parts: { redis: { ok: false } } } });
      const onC = await openConsole(c.url);
      c.hub.publish(alarmEvent(41));
      expect(await onC.next(1)).toEqual([41]);

      await later.start();
      await until('node C is connected', () => c.fanout.health().ok);
      const d = await startNode(later.url);
      try {
        await readersBlocked(2, later.url);
        const onD = await openConsole(d.url);
        c.hub.publish(alarmEvent(42));
        expect(await onD.next(1)).toEqual([42]);
      } finally {
        await d.stop();
      }
    } finally {
      await c.stop();
    }
  });
});
