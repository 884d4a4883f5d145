// The ingest MQTT client against a scripted fake broker (test/support/mqtt.fake-broker.ts: a local
// TCP server speaking just enough MQTT), on fake time: keepalive, the CONNACK deadline and
// reconnection run on a FakeScheduler, so no test waits for a timer in real time. Socket I/O is
// real, so the tests wait for what the broker or the client observably did (a packet received, a
// callback), never for a fixed time. Against real Mosquitto: test/integration/mqtt.subscriber.test.ts.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ObservedScheduler, Signals, fakeBroker, type BrokerConnection, type FakeBroker } from '../../../test/support/mqtt.fake-broker.ts';
import type { BackoffOptions } from '../services/retry.ts';
import { MqttSubscriber, type MqttSubscriberOptions, type RejectedFrameReason } from './mqtt.subscriber.ts';
import { PACKET, encodePublish } from './mqtt.wire.ts';

interface Received {
  payload: string;
  done: () => void;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const KEEPALIVE_S = 30;
const PING_EVERY_MS = KEEPALIVE_S * 500;
/** Deterministic jitter: each delay is its base plus a quarter (jitter 0.5 × random 0.5). */
const RECONNECT: BackoffOptions = { initialMs: 1000, maxMs: 4000, factor: 2, jitter: 0.5, random: () => 0.5 };

interface Setup {
  broker: FakeBroker;
  sub: MqttSubscriber;
  sched: ObservedScheduler;
  signals: Signals;
  got: Received[];
  /** Log records (level and msg), debug and up. */
  logs: { level: number; msg: string; [k: string]: unknown }[];
  rejected: { reason: RejectedFrameReason; bytes: number }[];
  connectionEvents: boolean[];
  /** Payloads that are acknowledged as soon as they arrive (rejected at once, as invalid input is). */
  rejectAtOnce: Set<string>;
  /** Payloads the handler throws on (a bug). */
  throwOn: Set<string>;
  /** Broker and client have exchanged everything written so far (see fakeBroker); moves time by one ping period. */
  roundTrip(): Promise<void>;
  until(check: () => boolean, what: string): Promise<void>;
  /** The n-th connection (0-based), once the client has subscribed on it. */
  subscribed(n: number): Promise<BrokerConnection>;
}

async function setup(opts: { saturated?: () => boolean; start?: boolean } & Partial<MqttSubscriberOptions> = {}): Promise<Setup> {
  const signals = new Signals();
  const sched = new ObservedScheduler(signals);
  const broker = await fakeBroker(signals);
  const got: Received[] = [];
  const logs: Setup['logs'] = [];
  const rejected: Setup['rejected'] = [];
  const connectionEvents: boolean[] = [];
  const rejectAtOnce = new Set<string>();
  const throwOn = new Set<string>();
  let dropped = 0;
  const logger = pino(
    { level: 'debug', base: null, timestamp: false },
    {
      write(line: string) {
        logs.push(JSON.parse(line) as Setup['logs'][number]);
        signals.poke();
      },
    },
  );
  const { saturated, start, ...overrides } = opts;
  const sub = new MqttSubscriber({
    url: `mqtt://127.0.0.1:${broker.port}`,
    clientId: 'ingest-test',
    topics: ['vigil/+/+/+'],
    onMessage: (_topic, payload, done) => {
      const text = payload.toString();
      if (throwOn.has(text)) throw new Error('handler bug');
      got.push({ payload: text, done });
      if (rejectAtOnce.has(text)) done();
      signals.poke();
    },
    isSaturated: saturated ?? (() => false),
    whenDrained: () => new Promise(() => {}), // never: stays paused once saturated
    onBrokerDropped: (n) => {
      dropped = n;
      signals.poke();
    },
    onConnection: (up) => {
      connectionEvents.push(up);
      signals.poke();
    },
    onRejectedFrame: (reason, bytes) => {
      rejected.push({ reason, bytes });
      signals.poke();
    },
    logger,
    keepaliveS: KEEPALIVE_S,
    reconnect: RECONNECT,
    scheduler: sched,
    ...overrides,
  });
  cleanups.push(
    () => broker.close(),
    () => sub.stop(),
  );
  const until = (check: () => boolean, what: string) => signals.until(check, what);
  const s: Setup = {
    broker,
    sub,
    sched,
    signals,
    got,
    logs,
    rejected,
    connectionEvents,
    rejectAtOnce,
    throwOn,
    until,
    roundTrip: async () => {
      const answer = broker.pingsAnswered + 1;
      await sched.advance(PING_EVERY_MS);
      await until(() => dropped === answer, 'a PINGREQ answered');
    },
    subscribed: async (n) => {
      await until(() => broker.connections[n]?.types.includes(PACKET.subscribe) ?? false, `subscription on connection ${n}`);
      return broker.connections[n]!;
    },
  };
  if (start ?? true) await sub.start();
  return s;
}

const publish = (payload: string, id: number) => encodePublish('vigil/s/S-1/reading', payload, 1, id);

describe('keepalive (MQTT 3.1.1 §3.1.2.10), on fake time', () => {
  it('pings every half keepalive, and drops a connection whose broker stopped answering for 1.5 keepalives', async () => {
    const { broker, sched, until, roundTrip, subscribed } = await setup();
    const c = await subscribed(0);
    await roundTrip();
    await roundTrip();
    expect(c.pingreqs).toBe(2);
    expect(c.closed).toBe(false); // answered pings keep the connection

    broker.answerPings = false;
    // Last heard at 30 s: pings at 45, 60 and 75 s go out unanswered; at 90 s the broker has been silent for 60 s > 45 s.
    for (const pings of [3, 4, 5]) {
      await sched.advance(PING_EVERY_MS);
      await until(() => c.pingreqs === pings, `PINGREQ ${pings}`);
    }
    expect(c.closed).toBe(false);
    await sched.advance(PING_EVERY_MS);
    await until(() => c.closed, 'the silent connection dropped');
    expect(c.pingreqs).toBe(5);
  });

  it('keeps a paused connection (backpressure) even though nothing is read meanwhile', async () => {
    const { broker, sched, got, until, subscribed } = await setup({ saturated: () => true });
    const c = await subscribed(0);
    c.send(publish('one', 1));
    await until(() => got.length === 1, 'the first message');
    broker.answerPings = false; // and anything the broker sends now stays unread anyway
    for (let pings = 1; pings <= 10; pings++) {
      await sched.advance(PING_EVERY_MS);
      // Each PINGREQ arriving proves the client still had the connection when the timer fired.
      await until(() => c.pingreqs === pings || c.closed, `PINGREQ ${pings}`);
      expect(c.closed).toBe(false);
    }
    expect(broker.connections).toHaveLength(1);
  });

  it('gives up on a broker that does not answer CONNECT within 10 s, and tries again', async () => {
    const { broker, sched, until, logs, sub } = await setup({ start: false });
    broker.connackFor = (n) => (n === 0 ? null : 0);
    const started = sub.start();
    await until(() => broker.connections[0]?.types.includes(PACKET.connect) ?? false, 'the CONNECT');
    await sched.advance(9_999);
    expect(sched.pendingDelays()).toEqual([1]);
    await sched.advance(1);
    await until(() => broker.connections[0]!.closed && logs.some((l) => /unreachable or refused/.test(l.msg)), 'the timeout');
    expect(logs.find((l) => /unreachable or refused/.test(l.msg))!.err).toBe('no CONNACK within 10000 ms');
    await sched.advance(1250);
    await started;
  });
});

describe('reconnecting (exponential backoff with jitter, capped; the one retry policy), on fake time', () => {
  const scheduledLines = (logs: Setup['logs']) => logs.filter((l) => l.msg === 'MQTT reconnect scheduled');

  it('waits longer after each failed attempt up to the cap, logs each change of state once, and starts over after a CONNACK', async () => {
    const { broker, sched, until, logs, sub, connectionEvents } = await setup({ start: false });
    // Four refusals (two reasons), then accepted.
    broker.connackFor = (n) => [3, 3, 5, 5][n] ?? 0;
    const started = sub.start();
    // base 1000, 2000, 4000, 4000 (cap), each plus a quarter of jitter
    for (const [attempt, delay] of [1250, 2500, 5000, 5000].entries()) {
      await until(() => scheduledLines(logs).length === attempt + 1, `reconnect ${attempt + 1} scheduled`);
      expect(sched.pendingDelays()).toEqual([delay]);
      await sched.advance(delay - 1);
      expect(sched.pendingDelays()).toEqual([1]); // not a millisecond early
      await sched.advance(1);
      await until(() => broker.connections.length === attempt + 2, `attempt ${attempt + 2}`);
    }
    await started;
    // One line per state: refused (server unavailable), refused (not authorized), connected.
    const warnings = logs.filter((l) => l.level >= 40).map((l) => l.err);
    expect(warnings).toEqual(['connection refused: server unavailable', 'connection refused: not authorized']);
    expect(logs.filter((l) => l.msg === 'connected to MQTT broker')).toEqual([expect.objectContaining({ afterAttempts: 5 })]);

    // Connected: the next outage starts from the first delay again.
    broker.connections[4]!.socket.destroy();
    await until(() => scheduledLines(logs).length === 5, 'reconnect after the connection was lost');
    expect(sched.pendingDelays()).toEqual([1250]);
    expect(connectionEvents).toEqual([true, false]);
    expect(logs.filter((l) => l.msg === 'MQTT connection lost, reconnecting')).toHaveLength(1);
    await sched.advance(1250);
    await until(() => connectionEvents.length === 3, 'reconnected');
  });
});

describe('PUBACK order (MQTT 3.1.1 §4.6: PUBACKs in the order the PUBLISHes were received [MQTT-4.6.0-2])', () => {
  it('holds the PUBACK of a message rejected at once until every earlier message is durable', async () => {
    const { got, until, rejectAtOnce, roundTrip, subscribed } = await setup();
    const c = await subscribed(0);
    // 1, 3, 6 become durable later (out of order); 2, 4, 5 are rejected at once.
    for (const p of ['two', 'four', 'five']) rejectAtOnce.add(p);
    c.send(Buffer.concat(['one', 'two', 'three', 'four', 'five', 'six'].map((p, i) => publish(p, i + 1))));
    await until(() => got.length === 6, 'six messages');
    await roundTrip();
    expect(c.pubacks).toEqual([]); // 2, 4 and 5 wait for 1

    got[2]!.done(); // 3 durable: still behind 1
    await roundTrip();
    expect(c.pubacks).toEqual([]);

    got[0]!.done(); // 1 durable: 1 to 5 are due, 6 is not
    await roundTrip();
    expect(c.pubacks).toEqual([1, 2, 3, 4, 5]);

    got[5]!.done();
    await roundTrip();
    expect(c.pubacks).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('hands over a message a device published at QoS 0 too, and acknowledges only the QoS 1 ones', async () => {
    const { got, until, roundTrip, subscribed } = await setup();
    const c = await subscribed(0);
    c.send(Buffer.concat([publish('one', 1), encodePublish('vigil/s/S-2/reading', 'zero', 0), publish('two', 2)]));
    await until(() => got.length === 3, 'three messages');
    expect(got.map((g) => g.payload)).toEqual(['one', 'zero', 'two']);
    for (const g of got) g.done();
    await roundTrip();
    expect(c.pubacks).toEqual([1, 2]);
  });

  it('acknowledges a 300-message burst in order', async () => {
    const { got, until, subscribed } = await setup();
    const c = await subscribed(0);
    c.send(Buffer.concat(Array.from({ length: 300 }, (_, i) => publish(`m${i}`, i + 1))));
    await until(() => got.length === 300, '300 messages');
    // Durable in reverse order, as two batches in flight may complete.
    for (const g of [...got].reverse()) g.done();
    await until(() => c.pubacks.length === 300, '300 PUBACKs');
    // [MQTT-4.3.2-4]: each PUBACK carries the packet id of the PUBLISH it acknowledges.
    expect(c.pubacks).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('acknowledges a message whose handler throws, in its turn, and counts it', async () => {
    const { got, until, rejected, logs, throwOn, subscribed } = await setup();
    throwOn.add('bug');
    const c = await subscribed(0);
    c.send(Buffer.concat([publish('one', 1), publish('bug', 2), publish('three', 3)]));
    await until(() => got.length === 2 && rejected.length === 1, 'messages handled');
    got[0]!.done();
    got[1]!.done();
    await until(() => c.pubacks.length === 3, 'three PUBACKs');
    expect(c.pubacks).toEqual([1, 2, 3]);
    expect(rejected).toEqual([{ reason: 'handler_failed', bytes: publish('bug', 2).length }]);
    expect(logs.some((l) => l.level === 50 && /handler failed/.test(l.msg))).toBe(true);
  });
});

describe('an acknowledgement from an earlier connection', () => {
  it('is never sent on the new connection, where the broker may have reused its packet id', async () => {
    const { broker, sched, got, until, roundTrip, subscribed, connectionEvents } = await setup();
    const first = await subscribed(0);
    first.send(publish('A', 1));
    await until(() => got.length === 1, 'A');
    first.socket.destroy();
    await until(() => connectionEvents.length === 2, 'the connection lost');
    await sched.advance(1250);
    const second = await subscribed(1);
    // The broker's new exchange uses packet id 1 for another message.
    second.send(publish('B', 1));
    await until(() => got.length === 2, 'B');
    got[0]!.done(); // A became durable only now, after its connection ended
    await roundTrip();
    expect(second.pubacks).toEqual([]); // a PUBACK 1 now would acknowledge B, which is not stored
    got[1]!.done();
    await roundTrip();
    expect(second.pubacks).toEqual([1]);
    expect(broker.connections).toHaveLength(2);
  });
});

describe('the frame limit', () => {
  it('skips a PUBLISH larger than the limit without holding it, acknowledges it in its turn, counts it and logs once', async () => {
    const { got, until, rejected, logs, roundTrip, rejectAtOnce, subscribed } = await setup({ maxFrameBytes: 1024 });
    const c = await subscribed(0);
    rejectAtOnce.add('three');
    const big = publish('x'.repeat(100_000), 2);
    c.send(publish('one', 1));
    // The large frame in many small writes, as it would arrive from a slow link.
    for (let i = 0; i < big.length; i += 4096) c.send(big.subarray(i, i + 4096));
    c.send(Buffer.concat([publish('three', 3), publish('y'.repeat(2000), 4), publish('five', 5)]));
    await until(() => got.length === 3 && rejected.length === 2, 'the small messages and both large ones');
    expect(got.map((g) => g.payload)).toEqual(['one', 'three', 'five']);
    expect(rejected).toEqual([
      { reason: 'too_large', bytes: big.length },
      { reason: 'too_large', bytes: publish('y'.repeat(2000), 4).length },
    ]);
    expect(logs.filter((l) => /over the frame limit/.test(l.msg))).toHaveLength(1);
    await roundTrip();
    expect(c.pubacks).toEqual([]); // all behind 1
    got[0]!.done();
    got[2]!.done();
    await roundTrip();
    expect(c.pubacks).toEqual([1, 2, 3, 4, 5]);
    expect(c.closed).toBe(false);
  });
});

describe('the subscription', () => {
  it('logs the filters the broker refused (SUBACK 0x80), so a broker ACL hiding readings does not go unnoticed', async () => {
    const { broker, logs, sub, until } = await setup({ start: false });
    broker.grantIngest = 0x80;
    await sub.start();
    await until(() => logs.some((l) => /refused the ingest subscription/.test(l.msg)), 'the refusal logged');
    expect(logs.find((l) => /refused the ingest subscription/.test(l.msg))).toMatchObject({ level: 50, refused: ['vigil/+/+/+'] });
  });
});

describe('protocol errors', () => {
  it.each([
    ['a QoS 2 PUBLISH on a QoS 1 subscription', encodePublish('vigil/s/S-1/reading', 'x', 1, 1).fill(0x34, 0, 1)],
    ['a remaining length of five bytes', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a packet type a broker never sends to a client', Buffer.from([0x10, 0x00])],
    ['reserved flags on a SUBACK [MQTT-2.2.2-2]', Buffer.from([0x91, 0x03, 0x00, 0x05, 0x01])],
    ['a frame other than PUBLISH over the frame limit', Buffer.from([0x90, 0x80, 0x80, 0x20])],
  ])('reconnects after %s, and goes on receiving', async (_what, bad) => {
    const { sched, got, until, connectionEvents, subscribed } = await setup();
    const first = await subscribed(0);
    first.send(bad);
    await until(() => connectionEvents.length === 2, 'the connection dropped');
    await sched.advance(1250);
    const second = await subscribed(1);
    second.send(publish('after', 2));
    await until(() => got.some((g) => g.payload === 'after'), 'a message on the new connection');
    expect(got.map((g) => g.payload)).toEqual(['after']);
  });
});
