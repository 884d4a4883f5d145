/**
 * The ingest MQTT client: a persistent session (fixed client id, clean=false) subscribed at
 * QoS 1, acknowledging each message only once what it carried is durable.
 *
 * Why not mqtt.js: its client reads the next packet from the broker only after the PUBACK for the
 * previous one has been sent (MQTT.js #691). Vigil holds a PUBACK until the message's batch is in
 * InfluxDB or the outbox — up to a flush interval later — so with mqtt.js ingest would store one
 * message per batch. This client reads on while acknowledgements are pending, and the broker's
 * in-flight window (`max_inflight_messages` in config/mosquitto.conf) bounds how many are. Less CPU
 * per message (frames read in place, one write for a whole batch's PUBACKs) came with it. The
 * decision and what the client must therefore get right: docs/decisions/0001-own-mqtt-ingest-client.md.
 *
 * - PUBACKs go out in the order the PUBLISHes arrived [MQTT-4.6.0-2], whatever order messages
 *   become durable or are rejected in: a message's PUBACK waits for every earlier one
 *   (`mqtt.ack-queue.ts`).
 * - An acknowledgement from an earlier connection is dropped: packet ids belong to one network
 *   connection's exchange, and the broker redelivers that message on the new one anyway.
 * - Unacknowledged messages stay with the broker, which redelivers them on the next connection, so
 *   `kill -9` at any moment loses nothing. While the history writer is saturated the socket is
 *   paused: the broker holds the rest (backpressure).
 * - No frame over `maxFrameBytes` is held in memory (`mqtt.frame-reader.ts`); such a PUBLISH is
 *   skipped, counted and acknowledged in its turn, so the broker does not redeliver it forever.
 * - Keepalive, the CONNACK deadline and reconnection run on a `Scheduler` (fake time in tests);
 *   reconnection backs off exponentially with jitter (`Backoff`), reset by an accepted CONNACK
 *   (`mqtt.reconnect.ts`).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../logger.ts';
import { systemScheduler, type Scheduler, type TimerHandle } from '../services/clock.ts';
import type { BackoffOptions } from '../services/retry.ts';
import { BROKER_DROPPED_TOPIC } from '../services/device-credentials.broker.ts';
import { AckQueue } from './mqtt.ack-queue.ts';
import { FrameReader } from './mqtt.frame-reader.ts';
import { DEFAULT_RECONNECT, Reconnection } from './mqtt.reconnect.ts';
import { tlsFromFiles, type MqttTlsOptions } from './mqtt.tls.ts';
import {
  CONNACK_REFUSALS,
  DISCONNECT,
  MqttProtocolError,
  PACKET,
  PINGREQ,
  decodeConnack,
  decodePublishHead,
  decodeSuback,
  decodeUnsuback,
  encodeConnect,
  encodePubacks,
  encodeSubscribe,
  encodeUnsubscribe,
  type FrameHeader,
  type PublishHead,
} from './mqtt.wire.ts';

export { DEFAULT_RECONNECT, tlsFromFiles, type MqttTlsOptions };

/** Why a message was acknowledged without being handled. */
export type RejectedFrameReason = 'too_large' | 'handler_failed';

export interface MqttSubscriberOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  topics: string[];
  /**
   * Leave `topics` instead of subscribing to them (each connection unsubscribes): the session
   * then receives only what the broker had already queued for it. Draining a session nobody
   * will read again (compose/legacy-session.ts).
   */
  unsubscribe?: boolean;
  /** Start every connection without the broker's session (MQTT clean session), which then ends with it. Default false. */
  clean?: boolean;
  /** The broker answered the (un)subscription of `topics` on a connection (SUBACK / UNSUBACK); `refused`: the filters it refused. */
  onSubscribed?(refused: readonly string[]): void;
  /**
   * Handle one message; call `done` once it is durable or rejected (then it is acknowledged, in order).
   * `retain`: the broker sent it as a retained message because of a (re)subscription.
   */
  onMessage(topic: string, payload: Buffer, done: () => void, info: { retain: boolean }): void;
  /** Backpressure: while true, no further message is read from the broker. */
  isSaturated(): boolean;
  whenDrained(): Promise<void>;
  onBrokerDropped?(dropped: number): void;
  /** `sessionPresent` (on connecting): whether the broker still had this client id's session. */
  onConnection?(connected: boolean, sessionPresent?: boolean): void;
  /** A message acknowledged without reaching `onMessage` intact (counted: a metric). */
  onRejectedFrame?(reason: RejectedFrameReason, bytes: number): void;
  logger: Logger;
  /** Seconds (default 30); a PINGREQ goes out every half of it. */
  keepaliveS?: number;
  /** Largest frame read into memory (default `DEFAULT_MAX_FRAME_BYTES`). */
  maxFrameBytes?: number;
  /** Delays between connection attempts (default `DEFAULT_RECONNECT`). */
  reconnect?: BackoffOptions;
  tls?: MqttTlsOptions;
  /** Time for keepalive, the CONNACK deadline and reconnection (default: the system's). */
  scheduler?: Scheduler;
}

/**
 * 256 KiB: sixteen times the 16 KiB a reading's payload may have (MAX_PAYLOAD_BYTES), so an
 * oversized reading still reaches the decoder and is rejected there with its topic and a sample
 * (GET /api/ingest/rejections), while a frame of up to 256 MiB, which the protocol allows, cannot
 * take the process's memory. config/mosquitto.conf's `message_size_limit` stops larger messages at
 * the broker already; this is the second line.
 */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024;

/** Broker-side drop counter (Mosquitto); a site session's broker role allows exactly this of `$SYS`. */
const DROPPED_TOPIC = BROKER_DROPPED_TOPIC;
const CONNACK_TIMEOUT_MS = 10_000;
/** How long `stop` waits for the broker to close after DISCONNECT. */
const STOP_TIMEOUT_MS = 2000;
const SUBSCRIBE_ID = 1;
const SYS_SUBSCRIBE_ID = 2;
const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'tcp:': 1883, 'mqtts:': 8883, 'ssl:': 8883 };

/** One network connection and everything that belongs to it alone. */
interface Connection {
  readonly socket: net.Socket;
  readonly reader: FrameReader;
  readonly acks: AckQueue;
  /** CONNACK accepted. */
  accepted: boolean;
  lastReceived: number;
  flushQueued: boolean;
  connackTimer: TimerHandle | null;
  pingTimer: TimerHandle | null;
  /** Why it failed, when it did before a CONNACK. */
  failure: string | null;
}

export class MqttSubscriber {
  private conn: Connection | null = null;
  private stopped = false;
  private reconnectTimer: TimerHandle | null = null;
  private firstConnect: (() => void) | null = null;
  private tooLargeLogged = false;
  private readonly scheduler: Scheduler;
  private readonly reconnection: Reconnection;
  private readonly maxFrameBytes: number;
  private readonly endpoint: { host: string; port: number; secure: boolean };
  private readonly credentials: { username?: string; password?: string };

  constructor(private readonly options: MqttSubscriberOptions) {
    const url = new URL(options.url);
    const defaultPort = DEFAULT_PORTS[url.protocol];
    const port = Number(url.port) || defaultPort;
    if (!defaultPort || !port) throw new Error(`MQTT URL scheme ${url.protocol} is not supported by the ingest client (use mqtt:// or mqtts://)`);
    this.endpoint = { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure: url.protocol === 'mqtts:' || url.protocol === 'ssl:' };
    // A CA or client certificate given for a plain connection would silently not be used.
    if (options.tls && !this.endpoint.secure) throw new Error(`TLS options given for ${url.protocol}// (use mqtts://)`);
    // Credentials in the URL (mqtt://user:password@host) count when none are given separately.
    this.credentials = options.username
      ? { username: options.username, password: options.password ?? '' }
      : url.username
        ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : {};
    this.scheduler = options.scheduler ?? systemScheduler;
    this.reconnection = new Reconnection(options.logger, options.reconnect ?? DEFAULT_RECONNECT);
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  private get keepaliveS(): number {
    return this.options.keepaliveS ?? 30;
  }

  get connected(): boolean {
    return this.conn?.accepted ?? false;
  }

  /** Connects (and keeps reconnecting); resolves on the first accepted connection. */
  start(): Promise<void> {
    this.stopped = false;
    const first = new Promise<void>((resolve) => (this.firstConnect = resolve));
    this.connect();
    return first;
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) return;
    const { host, port, secure } = this.endpoint;
    const t = this.options.tls;
    const socket = secure
      ? tls.connect({
          host,
          port,
          servername: net.isIP(host) ? undefined : host,
          ca: t?.ca,
          cert: t?.cert,
          key: t?.key,
          rejectUnauthorized: t?.rejectUnauthorized ?? true,
        })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    const conn: Connection = {
      socket,
      reader: new FrameReader(this.maxFrameBytes, {
        frame: (buf, h) => this.onFrame(conn, buf, h),
        oversizedPublish: (head, bytes) => this.onOversized(conn, head, bytes),
      }),
      acks: new AckQueue(),
      accepted: false,
      lastReceived: this.scheduler.now(),
      flushQueued: false,
      connackTimer: null,
      pingTimer: null,
      failure: null,
    };
    this.conn = conn;
    conn.connackTimer = this.scheduler.setTimeout(() => this.drop(conn, `no CONNACK within ${CONNACK_TIMEOUT_MS} ms`), CONNACK_TIMEOUT_MS);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.write(encodeConnect({ clientId: this.options.clientId, clean: this.options.clean ?? false, keepaliveS: this.keepaliveS, ...this.credentials }));
    });
    socket.on('data', (chunk: Buffer) => {
      if (conn !== this.conn) return;
      conn.lastReceived = this.scheduler.now();
      try {
        conn.reader.push(chunk);
      } catch (err) {
        this.protocolError(conn, err);
      }
    });
    socket.on('error', (err) => {
      conn.failure ??= err.message;
    });
    socket.on('close', () => this.onClose(conn));
  }

  /** Ends a connection for `reason` (logged as its failure unless it was accepted). */
  private drop(conn: Connection, reason: string): void {
    conn.failure ??= reason;
    conn.socket.destroy();
  }

  /** A malformed stream (or a bug in reading it): the connection cannot go on; a new one starts clean. */
  private protocolError(conn: Connection, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof MqttProtocolError) this.options.logger.error({ err: message }, 'MQTT protocol error; reconnecting');
    else this.options.logger.error({ err }, 'MQTT client failed reading from the broker; reconnecting');
    this.drop(conn, `protocol error: ${message}`);
  }

  private onClose(conn: Connection): void {
    this.clearTimers(conn);
    if (conn !== this.conn) return;
    this.conn = null;
    const o = this.options;
    if (conn.accepted) {
      o.onConnection?.(false);
      if (!this.stopped) o.logger.warn({ unacknowledged: conn.acks.pending }, 'MQTT connection lost, reconnecting');
    } else if (!this.stopped) {
      this.reconnection.failed(conn.failure ?? 'connection closed before CONNACK');
    }
    if (this.stopped) return;
    const delayMs = this.reconnection.nextDelayMs();
    this.reconnectTimer = this.scheduler.setTimeout(() => this.connect(), delayMs);
    o.logger.debug({ delayMs, failedAttempts: this.reconnection.failures }, 'MQTT reconnect scheduled');
  }

  private clearTimers(conn: Connection): void {
    if (conn.connackTimer) this.scheduler.clearTimeout(conn.connackTimer);
    if (conn.pingTimer) this.scheduler.clearTimeout(conn.pingTimer);
    conn.connackTimer = conn.pingTimer = null;
  }

  private onFrame(conn: Connection, buf: Buffer, h: FrameHeader): void {
    if (h.type === PACKET.publish) this.onPublish(conn, buf, h);
    else if (h.type === PACKET.connack) this.onConnack(conn, buf, h);
    else if (h.type === PACKET.suback) this.onSuback(buf, h);
    else if (h.type === PACKET.unsuback && decodeUnsuback(buf, h) === SUBSCRIBE_ID) this.options.onSubscribed?.([]);
    else if (h.type !== PACKET.pingresp) throw new MqttProtocolError(`unexpected packet type ${h.type} from the broker`);
  }

  private onConnack(conn: Connection, buf: Buffer, h: FrameHeader): void {
    if (conn.accepted) throw new MqttProtocolError('a second CONNACK');
    if (conn.connackTimer) this.scheduler.clearTimeout(conn.connackTimer);
    conn.connackTimer = null;
    const { sessionPresent, returnCode } = decodeConnack(buf, h);
    const o = this.options;
    if (returnCode !== 0) {
      this.drop(conn, `connection refused: ${CONNACK_REFUSALS[returnCode] ?? `return code ${returnCode}`}`);
      return;
    }
    conn.accepted = true;
    const afterAttempts = this.reconnection.accepted();
    o.logger.info({ sessionPresent, ...(afterAttempts > 1 ? { afterAttempts } : {}) }, 'connected to MQTT broker');
    o.onConnection?.(true, sessionPresent);
    if (o.unsubscribe) conn.socket.write(encodeUnsubscribe(SUBSCRIBE_ID, o.topics));
    else {
      // Subscribe every time: a broker that lost the session (no persistence) forgot it.
      conn.socket.write(
        encodeSubscribe(
          SUBSCRIBE_ID,
          o.topics.map((filter) => ({ filter, qos: 1 as const })),
        ),
      );
      conn.socket.write(encodeSubscribe(SYS_SUBSCRIBE_ID, [{ filter: DROPPED_TOPIC, qos: 0 }]));
    }
    this.schedulePing(conn);
    this.firstConnect?.();
    this.firstConnect = null;
  }

  /**
   * A PINGREQ every half keepalive (the broker ends a session silent for 1.5 keepalives
   * [MQTT-3.1.2-24]); a broker silent that long in turn is gone (half-open TCP).
   */
  private schedulePing(conn: Connection): void {
    const periodMs = this.keepaliveS * 500;
    conn.pingTimer = this.scheduler.setTimeout(() => {
      conn.pingTimer = null;
      if (conn !== this.conn) return;
      // While paused for backpressure nothing is read, so silence then proves nothing.
      if (!conn.reader.isPaused && this.scheduler.now() - conn.lastReceived > this.keepaliveS * 1500) {
        this.options.logger.warn({ keepaliveS: this.keepaliveS }, 'no answer from the MQTT broker within 1.5 keepalive periods; reconnecting');
        this.drop(conn, 'no answer from the broker within 1.5 keepalive periods');
        return;
      }
      conn.socket.write(PINGREQ);
      this.schedulePing(conn);
    }, periodMs);
  }

  private onSuback(buf: Buffer, h: FrameHeader): void {
    const { packetId, granted } = decodeSuback(buf, h);
    if (packetId !== SUBSCRIBE_ID) return; // $SYS is optional: not every broker has the drop counter
    const refused = this.options.topics.filter((_, i) => granted[i] === 0x80);
    if (refused.length) this.options.logger.error({ refused }, 'the broker refused the ingest subscription; readings on these topics will not arrive');
    this.options.onSubscribed?.(refused);
  }

  private onPublish(conn: Connection, buf: Buffer, h: FrameHeader): void {
    const o = this.options;
    const p = decodePublishHead(buf, h)!;
    // Subscriptions are QoS 1, so the broker never sends QoS 2 [MQTT-3.8.4-6].
    if (p.qos === 2) throw new MqttProtocolError('QoS 2 PUBLISH on a QoS 1 subscription');
    const payload = buf.subarray(p.payloadStart, h.end);
    if (p.topic === DROPPED_TOPIC) {
      const n = Number(payload.toString());
      if (Number.isFinite(n)) o.onBrokerDropped?.(n);
      return;
    }
    // A device publishing at QoS 0 is delivered at QoS 0 (no packet id, nothing to acknowledge).
    const seq = p.packetId === undefined ? null : conn.acks.push(p.packetId);
    try {
      o.onMessage(p.topic, payload, seq === null ? noop : () => this.acknowledge(conn, seq), { retain: p.retain });
    } catch (err) {
      // A throwing handler is a bug, not a bad message; leaving the message unacknowledged would
      // hold every later PUBACK behind it (they go in order) until the connection ends, and a
      // redelivery would meet the same bug. So it is acknowledged in its turn, logged and counted.
      o.logger.error({ err, topic: p.topic }, 'message handler failed; the message is acknowledged without being stored');
      o.onRejectedFrame?.('handler_failed', h.end - h.offset);
      if (seq !== null) this.acknowledge(conn, seq);
    }
    if (o.isSaturated()) this.pauseUntilDrained(conn);
  }

  /** A PUBLISH over the frame limit: acknowledged in its turn (so never redelivered), counted, logged once. */
  private onOversized(conn: Connection, head: PublishHead, bytes: number): void {
    if (head.qos === 2) throw new MqttProtocolError('QoS 2 PUBLISH on a QoS 1 subscription');
    const o = this.options;
    o.onRejectedFrame?.('too_large', bytes);
    if (!this.tooLargeLogged) {
      this.tooLargeLogged = true;
      o.logger.error(
        { topic: head.topic, bytes, maxFrameBytes: this.maxFrameBytes },
        'MQTT message over the frame limit skipped and acknowledged (logged once; counted in vigil_mqtt_rejected_frames_total); the broker should stop these (message_size_limit)',
      );
    }
    if (head.packetId !== undefined) this.acknowledge(conn, conn.acks.push(head.packetId, true));
  }

  private pauseUntilDrained(conn: Connection): void {
    if (conn.reader.isPaused) return;
    conn.reader.pause();
    conn.socket.pause();
    const resume = () => {
      if (conn !== this.conn) return;
      conn.lastReceived = this.scheduler.now();
      try {
        conn.reader.resume();
      } catch (err) {
        this.protocolError(conn, err);
        return;
      }
      if (!conn.reader.isPaused) conn.socket.resume();
    };
    this.options.whenDrained().then(resume, resume);
  }

  /** Marks a message acknowledgeable; its PUBACK goes out once every earlier one has. */
  private acknowledge(conn: Connection, seq: number): void {
    // Packet ids are per connection, and the broker may already have given this id to another
    // message on the current one: an acknowledgement only ever reaches the queue and the socket of
    // the connection its message came on (`conn`, never `this.conn`), and one whose connection
    // ended is void — the broker redelivers that message on the new connection.
    if (conn !== this.conn) return;
    conn.acks.markReady(seq);
    if (conn.flushQueued) return;
    conn.flushQueued = true;
    // Every message of a stored batch is marked in one synchronous run: one write for all of them.
    queueMicrotask(() => this.flushAcks(conn));
  }

  private flushAcks(conn: Connection): void {
    conn.flushQueued = false;
    if (conn !== this.conn || !conn.accepted || conn.socket.destroyed) return;
    const ids = conn.acks.takeReady();
    if (ids.length) conn.socket.write(encodePubacks(ids));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) this.scheduler.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const conn = this.conn;
    if (!conn) return;
    // Acknowledge what is durable; the rest stays with the broker's session for the next start.
    this.flushAcks(conn);
    const { socket } = conn;
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = this.scheduler.setTimeout(() => {
        socket.destroy();
        resolve();
      }, STOP_TIMEOUT_MS);
      socket.once('close', () => {
        this.scheduler.clearTimeout(timer);
        resolve();
      });
      if (conn.accepted) socket.end(DISCONNECT);
      else socket.destroy();
    });
  }
}

function noop(): void {}
