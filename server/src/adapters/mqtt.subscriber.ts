/**
 * The ingest MQTT client: a persistent session (fixed client id, clean=false) subscribed at
 * QoS 1, acknowledging each message only once what it carried is durable.
 *
 * It speaks MQTT 3.1.1 itself (`mqtt.wire.ts`) over TCP or TLS rather than through mqtt.js:
 * every observation passes through this one JS thread, and reading PUBLISH frames in place and
 * sending the PUBACKs of a whole stored batch in one write costs a fraction of what mqtt.js spent
 * per message (see the foundation issue's benchmark note). The PUBACK for a message is sent only
 * once its points are in InfluxDB or the outbox; unacknowledged messages stay with the broker,
 * which redelivers them on the next connection, so `kill -9` at any moment loses nothing. While
 * the history writer is saturated the socket is paused: the broker holds the rest (backpressure).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../logger.ts';
import {
  CONNACK_REFUSALS,
  DISCONNECT,
  MqttProtocolError,
  PACKET,
  PINGREQ,
  decodeConnack,
  decodePublish,
  decodeSuback,
  encodeConnect,
  encodePubacks,
  encodeSubscribe,
  frameLength,
  newFrameHeader,
  readFrame,
} from './mqtt.wire.ts';

export interface MqttSubscriberOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  topics: string[];
  /** Handle one message; call `done` once it is durable (then it is acknowledged). */
  onMessage(topic: string, payload: Buffer, done: () => void): void;
  /** Backpressure: while true, no further message is read from the broker. */
  isSaturated(): boolean;
  whenDrained(): Promise<void>;
  onBrokerDropped?(dropped: number): void;
  onConnection?(connected: boolean): void;
  logger: Logger;
  /** Seconds (default 30); a PINGREQ goes out every half of it. */
  keepaliveS?: number;
  reconnectMs?: number;
}

/** Broker-side drop counter (Mosquitto); Aedes does not publish it. */
const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';
const CONNECT_TIMEOUT_MS = 10_000;
const SUBSCRIBE_ID = 1;
const SYS_SUBSCRIBE_ID = 2;
const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'tcp:': 1883, 'mqtts:': 8883, 'ssl:': 8883 };

export class MqttSubscriber {
  private socket: net.Socket | null = null;
  private isConnected = false;
  private stopped = false;
  /** Incremented for every connection: a message acknowledged after its connection ended is void. */
  private generation = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Drops a connection that gets no CONNACK; cleared by the CONNACK. */
  private connackTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | null = null;
  /** Bytes of an incomplete frame, or of frames not read yet while paused. */
  private rest: Buffer | null = null;
  /** Chunks of one large frame still arriving, and the length it needs in all. */
  private gathering: { chunks: Buffer[]; bytes: number; needed: number } | null = null;
  private paused = false;
  private readonly header = newFrameHeader();
  /** Packet ids durable since the last write, acknowledged together. */
  private acks: number[] = [];
  private ackFlushScheduled = false;
  private lastRefusal = '';
  private firstConnect: (() => void) | null = null;
  private lastReceived = 0;
  private readonly endpoint: { host: string; port: number; secure: boolean };
  private readonly credentials: { username?: string; password?: string };

  constructor(private readonly options: MqttSubscriberOptions) {
    const url = new URL(options.url);
    const defaultPort = DEFAULT_PORTS[url.protocol];
    const port = Number(url.port) || defaultPort;
    if (!defaultPort || !port) throw new Error(`MQTT URL scheme ${url.protocol} is not supported by the ingest client (use mqtt:// or mqtts://)`);
    this.endpoint = { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure: url.protocol === 'mqtts:' || url.protocol === 'ssl:' };
    // Credentials in the URL (mqtt://user:password@host) count when none are given separately.
    this.credentials = options.username
      ? { username: options.username, password: options.password ?? '' }
      : url.username
        ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : {};
  }

  private get keepaliveS(): number {
    return this.options.keepaliveS ?? 30;
  }

  get connected(): boolean {
    return this.isConnected;
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
    const o = this.options;
    const { host, port, secure } = this.endpoint;
    const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
    socket.setNoDelay(true);
    const generation = ++this.generation;
    this.socket = socket;
    this.rest = null;
    this.gathering = null;
    this.paused = false;
    this.acks = [];
    const timeout = setTimeout(() => socket.destroy(new Error(`no CONNACK within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    this.connackTimer = timeout;
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.write(encodeConnect({ clientId: o.clientId, clean: false, keepaliveS: this.keepaliveS, ...this.credentials }));
    });
    socket.on('data', (chunk: Buffer) => {
      if (generation !== this.generation) return;
      this.lastReceived = Date.now();
      const buf = this.joinPending(chunk);
      if (buf) this.readOrDrop(socket, buf);
    });
    socket.on('error', (err) => {
      if (generation === this.generation) this.noteFailure(err.message);
    });
    socket.on('close', () => {
      clearTimeout(timeout);
      if (generation !== this.generation) return;
      this.socket = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (this.isConnected) {
        this.isConnected = false;
        o.onConnection?.(false);
        if (!this.stopped) o.logger.warn('MQTT connection lost, reconnecting');
      }
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connect(), o.reconnectMs ?? 1000);
    });
  }

  /** Logs a failure once until a connection succeeds (a broker down for an hour is one line). */
  private noteFailure(reason: string): void {
    if (reason === this.lastRefusal) return;
    this.lastRefusal = reason;
    this.options.logger.warn({ err: reason }, 'MQTT broker unreachable or refused the connection, retrying');
  }

  /** The bytes to read now: `chunk` after what an earlier chunk left, or null while a large frame is still arriving. */
  private joinPending(chunk: Buffer): Buffer | null {
    const g = this.gathering;
    if (g) {
      g.chunks.push(chunk);
      g.bytes += chunk.length;
      if (g.bytes < g.needed) return null;
      this.gathering = null;
      return Buffer.concat(g.chunks, g.bytes);
    }
    const rest = this.rest;
    if (!rest) return chunk;
    this.rest = null;
    return Buffer.concat([rest, chunk]);
  }

  /** Reads the frames in `buf`; false when a protocol error dropped the connection (to reconnect afresh). */
  private readOrDrop(socket: net.Socket, buf: Buffer): boolean {
    try {
      this.readFrames(buf);
      return true;
    } catch (err) {
      this.options.logger.error({ err: (err as Error).message }, 'MQTT protocol error; reconnecting');
      socket.destroy();
      return false;
    }
  }

  private readFrames(buf: Buffer): void {
    const h = this.header;
    let offset = 0;
    while (offset < buf.length) {
      if (this.paused) {
        this.rest = buf.subarray(offset);
        return;
      }
      if (!readFrame(buf, offset, h)) {
        const needed = frameLength(buf, offset);
        const rest = buf.subarray(offset);
        // A large frame arrives in many chunks: gather them and copy once.
        if (needed !== null && needed > 65_536) this.gathering = { chunks: [rest], bytes: rest.length, needed };
        else this.rest = rest;
        return;
      }
      offset = h.end;
      if (h.type === PACKET.publish) this.onPublish(buf);
      else if (h.type === PACKET.connack) this.onConnack(buf);
      else if (h.type === PACKET.suback) this.onSuback(buf);
      else if (h.type !== PACKET.pingresp) throw new MqttProtocolError(`unexpected packet type ${h.type} from the broker`);
    }
  }

  private onConnack(buf: Buffer): void {
    clearTimeout(this.connackTimer);
    const { sessionPresent, returnCode } = decodeConnack(buf, this.header);
    const o = this.options;
    if (returnCode !== 0) {
      this.noteFailure(`connection refused: ${CONNACK_REFUSALS[returnCode] ?? `return code ${returnCode}`}`);
      this.socket?.destroy();
      return;
    }
    this.lastRefusal = '';
    this.isConnected = true;
    o.logger.info({ sessionPresent }, 'connected to MQTT broker');
    o.onConnection?.(true);
    // Subscribe every time: a broker that lost the session (no persistence) forgot it.
    this.socket!.write(
      encodeSubscribe(
        SUBSCRIBE_ID,
        o.topics.map((filter) => ({ filter, qos: 1 as const })),
      ),
    );
    this.socket!.write(encodeSubscribe(SYS_SUBSCRIBE_ID, [{ filter: DROPPED_TOPIC, qos: 0 }]));
    // A PINGREQ every half keepalive; a broker silent for 1.5 keepalives is gone (half-open TCP).
    const socket = this.socket!;
    this.pingTimer = setInterval(() => {
      // (While paused for backpressure nothing is read, so silence then proves nothing.)
      if (!this.paused && Date.now() - this.lastReceived > this.keepaliveS * 1500)
        socket.destroy(new Error('no answer from the broker within 1.5 keepalive periods'));
      else socket.write(PINGREQ);
    }, this.keepaliveS * 500);
    this.pingTimer.unref();
    this.firstConnect?.();
    this.firstConnect = null;
  }

  private onSuback(buf: Buffer): void {
    const { packetId, granted } = decodeSuback(buf, this.header);
    if (packetId !== SUBSCRIBE_ID) return; // $SYS is optional: Aedes has no drop counter
    const refused = this.options.topics.filter((_, i) => granted[i] === 0x80);
    if (refused.length) this.options.logger.error({ refused }, 'the broker refused the ingest subscription; readings on these topics will not arrive');
  }

  private onPublish(buf: Buffer): void {
    const o = this.options;
    const p = decodePublish(buf, this.header);
    // Subscriptions are QoS 1, so the broker never sends QoS 2 [MQTT-3.8.4-6].
    if (p.qos === 2) throw new MqttProtocolError('QoS 2 PUBLISH on a QoS 1 subscription');
    if (p.topic === DROPPED_TOPIC) {
      const n = Number(p.payload.toString());
      if (Number.isFinite(n)) o.onBrokerDropped?.(n);
      return;
    }
    const id = p.packetId;
    const generation = this.generation;
    try {
      o.onMessage(p.topic, p.payload, id === undefined ? noop : () => this.acknowledge(id, generation));
    } catch (err) {
      // A bug in a handler must not stop ingest; the message stays unacknowledged for now and
      // the broker redelivers it on the next session.
      o.logger.error({ err, topic: p.topic }, 'message handler failed');
    }
    if (o.isSaturated()) this.pauseUntilDrained();
  }

  private pauseUntilDrained(): void {
    const socket = this.socket;
    if (!socket || this.paused) return;
    this.paused = true;
    socket.pause();
    const resume = () => {
      if (socket !== this.socket) return;
      this.paused = false;
      this.lastReceived = Date.now();
      const rest = this.rest;
      this.rest = null;
      if (rest && !this.readOrDrop(socket, rest)) return;
      if (!this.paused) socket.resume();
    };
    this.options.whenDrained().then(resume, resume);
  }

  private acknowledge(id: number, generation: number): void {
    if (generation !== this.generation || !this.isConnected) return;
    this.acks.push(id);
    if (!this.ackFlushScheduled) {
      this.ackFlushScheduled = true;
      setImmediate(() => this.flushAcks());
    }
  }

  private flushAcks(): void {
    this.ackFlushScheduled = false;
    if (this.acks.length === 0) return;
    const ids = this.acks;
    this.acks = [];
    if (this.isConnected) this.socket?.write(encodePubacks(ids));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    if (!socket) return;
    // Acknowledge what is durable; the rest stays with the broker's session for the next start.
    this.flushAcks();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.isConnected) socket.end(DISCONNECT);
      else socket.destroy();
    });
  }
}

function noop(): void {}
