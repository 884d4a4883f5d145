// A scripted fake MQTT broker for the ingest client's unit tests: a local TCP server speaking just
// enough MQTT 3.1.1, with hooks a test waits on instead of sleeping. Used by
// server/src/adapters/mqtt.subscriber.test.ts; against real Mosquitto see test/integration.
import net from 'node:net';
import { PACKET, encodePublish, newFrameHeader, readFrame } from '../../server/src/adapters/mqtt.wire.ts';
import type { TimerHandle } from '../../server/src/services/clock.ts';
import { FakeScheduler } from './fake.scheduler.ts';

/** Wakes the waiting test whenever something observable happened; `until` re-checks its condition then. */
export class Signals {
  private readonly waiters = new Set<() => void>();

  poke = (): void => {
    for (const waiter of [...this.waiters]) waiter();
  };

  /** Resolves once `check()` holds; fails after `ms` of real time (a hang, not a wait). */
  until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }
}

/** A FakeScheduler that signals every timer set, so a test can wait for the client to schedule one. */
export class ObservedScheduler extends FakeScheduler {
  constructor(signals: Signals) {
    super();
    const set = this.setTimeout;
    this.setTimeout = (fn: () => void, ms: number): TimerHandle => {
      const handle = set(fn, ms);
      signals.poke();
      return handle;
    };
  }
}

export interface BrokerConnection {
  socket: net.Socket;
  /** Packet types received, in order. */
  types: number[];
  /** Packet ids of the PUBACKs received, in order. */
  pubacks: number[];
  pingreqs: number;
  closed: boolean;
  /** Sends bytes to the client. */
  send(bytes: Buffer): void;
}

export interface FakeBroker {
  port: number;
  connections: BrokerConnection[];
  /** CONNACK return code for the n-th connection (0-based); null = never answer the CONNECT. */
  connackFor: (n: number) => number | null;
  /** When false, PINGREQs go unanswered (a half-open connection). */
  answerPings: boolean;
  pingsAnswered: number;
  /** The SUBACK return code for every filter of the ingest subscription (0x80 = refused). */
  grantIngest: number;
  close(): Promise<void>;
}

const DROPPED = '$SYS/broker/publish/messages/dropped';

/**
 * Answers CONNECT and SUBSCRIBE; a PINGREQ with PINGRESP and then a QoS 0 `$SYS` drop counter
 * carrying the number of PINGREQs so far, which the client reports through `onBrokerDropped`: a
 * test that sees it knows the broker has read everything the client wrote before that PINGREQ,
 * and the client everything the broker wrote before the answer.
 */
export async function fakeBroker(signals: Signals): Promise<FakeBroker> {
  const broker: FakeBroker = { port: 0, connections: [], connackFor: () => 0, answerPings: true, pingsAnswered: 0, grantIngest: 1, close: async () => {} };
  const server = net.createServer((socket) => {
    const n = broker.connections.length;
    const c: BrokerConnection = {
      socket,
      types: [],
      pubacks: [],
      pingreqs: 0,
      closed: false,
      send: (bytes) => void socket.write(bytes),
    };
    broker.connections.push(c);
    let rest = Buffer.alloc(0);
    const h = newFrameHeader();
    socket.on('data', (chunk) => {
      rest = Buffer.concat([rest, chunk]);
      let offset = 0;
      while (readFrame(rest, offset, h)) {
        c.types.push(h.type);
        if (h.type === PACKET.puback) c.pubacks.push(rest.readUInt16BE(h.start));
        if (h.type === PACKET.connect) {
          const code = broker.connackFor(n);
          if (code !== null) socket.write(Buffer.from([0x20, 2, 0, code]));
        }
        if (h.type === PACKET.subscribe) {
          // The client subscribes with packet id 1 for ingest, 2 for the $SYS drop counter.
          const ingest = rest.readUInt16BE(h.start) === 1;
          socket.write(Buffer.from([0x90, 3, rest[h.start]!, rest[h.start + 1]!, ingest ? broker.grantIngest : 0]));
        }
        if (h.type === PACKET.pingreq) {
          c.pingreqs++;
          if (broker.answerPings) socket.write(Buffer.concat([Buffer.from([0xd0, 0]), encodePublish(DROPPED, String(++broker.pingsAnswered), 0)]));
        }
        offset = h.end;
      }
      rest = rest.subarray(offset);
      signals.poke();
    });
    socket.on('close', () => {
      c.closed = true;
      signals.poke();
    });
    socket.on('error', () => {});
    signals.poke();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  broker.port = (server.address() as net.AddressInfo).port;
  broker.close = () =>
    new Promise((resolve) => {
      for (const c of broker.connections) c.socket.destroy();
      server.close(() => resolve());
    });
  return broker;
}
