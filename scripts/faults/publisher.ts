/**
 * The fault suite's devices: one raw MQTT 3.1.1 connection per device, each signing in with its
 * own credential (the broker binds a credential to one client id, so devices cannot share a
 * connection), publishing QoS 1 and keeping a ledger of every message it made.
 *
 * A device behaves like a well-written field device: a message made while the broker is away is
 * queued; on reconnecting, every message the broker had not acknowledged is sent again (with DUP
 * set), in order. Only a PUBACK counts as "published".
 *
 * Identity of a message, so that InfluxDB can be checked point by point: each device's messages
 * carry strictly increasing millisecond timestamps (the wall clock, or one more than the previous
 * one), and a load reading's value is derived from its index. One message is therefore one
 * (sensor, millisecond) slot; a point in a slot no message used, or a second point in a slot, is a
 * message stored twice.
 */
import net from 'node:net';
import { Backoff } from '../../server/src/services/retry.ts';
import { connectFrame, DISCONNECT, mqttString, PINGREQ, writeLength } from '../bench/mqtt.frames.mjs';

export interface DeviceSpec {
  sensorId: string;
  username: string;
  password: string;
  /** Carries the paced load (round robin over the load devices). */
  load: boolean;
}

/** The value of a device's k-th load reading: steady, below every threshold, never a rise. */
export const loadValue = (k: number): number => 1 + (k % 1000) / 1000;

const KEEPALIVE_S = 60;
/** Unacknowledged messages per connection at most (packet ids are 16-bit). */
const WINDOW = 4_000;
/** Reconnection after the broker went away: quick, spread out, capped (the one retry policy). */
const RECONNECT = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 } as const;
const CONNACK_CODES = ['accepted', 'unacceptable protocol version', 'identifier rejected', 'server unavailable', 'bad user name or password', 'not authorized'];

const SENT = 1;
const ACKED = 2;

/** An append-only record of one device's messages: timestamp and state (made, sent, acknowledged). */
class Ledger {
  ts = new Float64Array(1024);
  state = new Uint8Array(1024);
  n = 0;
  /** Every message below this index is acknowledged. */
  ackedBelow = 0;
  /** Messages that are not load readings (alarm readings, events, retained state). */
  readonly extras = new Map<number, { channel: string; payload: string; retain: boolean }>();

  push(ts: number): number {
    if (this.n === this.ts.length) {
      const ts2 = new Float64Array(this.n * 2);
      ts2.set(this.ts);
      const st2 = new Uint8Array(this.n * 2);
      st2.set(this.state);
      this.ts = ts2;
      this.state = st2;
    }
    this.ts[this.n] = ts;
    return this.n++;
  }

  ack(k: number): void {
    this.state[k] = ACKED;
    while (this.ackedBelow < this.n && this.state[this.ackedBelow] === ACKED) this.ackedBelow++;
  }

  /** First index in [from, to) whose timestamp is >= ts (timestamps increase strictly). */
  lowerBound(ts: number, from = 0, to = this.n): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

class Device {
  readonly ledger = new Ledger();
  readonly topicPrefix: string;
  private readonly readingTopic: Buffer;
  private socket: net.Socket | null = null;
  connected = false;
  private closed = false;
  private readonly backoff = new Backoff(RECONNECT);
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Messages to send, oldest first (indices into the ledger). */
  private queue: number[] = [];
  private qHead = 0;
  private readonly inflight = new Int32Array(65536).fill(-1);
  private outstanding = 0;
  private nextId = 0;
  private lastTs = 0;
  private pending: Buffer | null = null;
  private onConnected: (() => void) | null = null;
  connections = 0;
  /** PUBACKs received in all. */
  acks = 0;
  lastRefusal: string | null = null;

  constructor(
    readonly spec: DeviceSpec,
    private readonly host: string,
    private readonly port: number,
    site: string,
  ) {
    this.topicPrefix = `vigil/${site}/${spec.sensorId}/`;
    this.readingTopic = mqttString(`${this.topicPrefix}reading`);
  }

  /** Connects; resolves on the first accepted connection. */
  connect(): Promise<void> {
    return new Promise((resolve) => {
      this.onConnected = resolve;
      this.open();
    });
  }

  private open(): void {
    this.reconnectTimer = null;
    if (this.closed) return;
    const socket = net.createConnection({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.pending = null;
    socket.on('connect', () =>
      socket.write(connectFrame({ clientId: this.spec.username, username: this.spec.username, password: this.spec.password, keepaliveS: KEEPALIVE_S })),
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => this.onClose(socket));
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.connected = false;
    // Whatever the broker had not acknowledged goes out again, first, in order.
    const unacked: number[] = [];
    for (let id = 1; id < 65536; id++) {
      const k = this.inflight[id]!;
      if (k >= 0) {
        unacked.push(k);
        this.inflight[id] = -1;
      }
    }
    this.outstanding = 0;
    unacked.sort((a, b) => a - b);
    this.queue = [...unacked, ...this.queue.slice(this.qHead)];
    this.qHead = 0;
    if (!this.closed) this.reconnectTimer = setTimeout(() => this.open(), this.backoff.next());
  }

  private onData(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let p = 0;
    while (buf.length - p >= 2) {
      let len = 0;
      let mul = 1;
      let q = p + 1;
      let complete = false;
      while (q < buf.length) {
        const byte = buf[q++]!;
        len += (byte & 0x7f) * mul;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
        mul *= 128;
      }
      if (!complete || buf.length - q < len) break;
      this.onFrame(buf[p]! & 0xf0, buf, q, len);
      p = q + len;
    }
    if (p < buf.length) this.pending = buf.subarray(p);
    this.flush();
  }

  private onFrame(type: number, buf: Buffer, off: number, len: number): void {
    if (type === 0x40 && len >= 2) {
      const id = (buf[off]! << 8) | buf[off + 1]!;
      const k = this.inflight[id]!;
      if (k >= 0) {
        this.inflight[id] = -1;
        this.outstanding--;
        this.acks++;
        this.ledger.ack(k);
      }
    } else if (type === 0x20 && len >= 2) {
      const code = buf[off + 1]!;
      if (code !== 0) {
        // A refused credential is a setup error; keep trying (the broker may be reloading) but say why.
        this.lastRefusal = CONNACK_CODES[code] ?? `code ${code}`;
        this.socket?.destroy();
        return;
      }
      this.connected = true;
      this.connections++;
      this.lastRefusal = null;
      this.backoff.reset();
      this.onConnected?.();
      this.onConnected = null;
    }
  }

  /** A new load reading, queued. */
  makeReading(): void {
    const k = this.ledger.push(this.nextTs());
    this.queue.push(k);
  }

  /** A message of the device's own choosing (an alarm reading, an event, retained state), queued; returns its timestamp. */
  makeExtra(channel: string, body: Record<string, unknown>, retain: boolean): number {
    const ts = this.nextTs();
    const k = this.ledger.push(ts);
    this.ledger.extras.set(k, { channel, payload: JSON.stringify({ ts, ...body }), retain });
    this.queue.push(k);
    return ts;
  }

  private nextTs(): number {
    this.lastTs = Math.max(Date.now(), this.lastTs + 1);
    return this.lastTs;
  }

  /** Sends what is queued, as far as the window allows, in one write. */
  flush(): void {
    const socket = this.socket;
    if (!this.connected || !socket || socket.writableLength > 1 << 22) return;
    const frames: Buffer[] = [];
    while (this.qHead < this.queue.length && this.outstanding < WINDOW) {
      const k = this.queue[this.qHead++]!;
      frames.push(this.frame(k, this.allocId(k)));
    }
    if (this.qHead > 4096 && this.qHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.qHead);
      this.qHead = 0;
    }
    if (frames.length) socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  private allocId(k: number): number {
    do this.nextId = this.nextId === 65535 ? 1 : this.nextId + 1;
    while (this.inflight[this.nextId]! >= 0);
    this.inflight[this.nextId] = k;
    this.outstanding++;
    return this.nextId;
  }

  private frame(k: number, id: number): Buffer {
    const l = this.ledger;
    const extra = l.extras.get(k);
    const topic = extra ? mqttString(`${this.topicPrefix}${extra.channel}`) : this.readingTopic;
    const payload = Buffer.from(extra ? extra.payload : `{"ts":${l.ts[k]},"value":${loadValue(k)},"unit":"%LEL"}`, 'utf8');
    const dup = l.state[k] === SENT ? 0x08 : 0;
    l.state[k] = l.state[k] === ACKED ? ACKED : SENT;
    const bodyLen = topic.length + 2 + payload.length;
    const buf = Buffer.allocUnsafe(5 + bodyLen);
    buf[0] = 0x32 | dup | (extra?.retain ? 0x01 : 0);
    let off = writeLength(buf, 1, bodyLen);
    topic.copy(buf, off);
    off += topic.length;
    buf[off++] = id >> 8;
    buf[off++] = id & 0xff;
    payload.copy(buf, off);
    off += payload.length;
    return buf.subarray(0, off);
  }

  ping(): void {
    if (this.connected) this.socket?.write(PINGREQ);
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    if (socket) socket.end(DISCONNECT);
  }
}

/** Where every device's ledger stood at one moment: message counts per device. */
export type Cursor = readonly number[];

export class FaultPublisher {
  readonly devices: Device[];
  private readonly load: Device[];
  private readonly bySensor = new Map<string, Device>();
  private rate = 0;
  private anchor = 0;
  private dueBase = 0;
  private made = 0;
  private readonly ticker: NodeJS.Timeout;
  private readonly pinger: NodeJS.Timeout;

  constructor(url: string, site: string, specs: readonly DeviceSpec[], tickMs = 10) {
    const u = new URL(url);
    this.devices = specs.map((s) => new Device(s, u.hostname, Number(u.port || 1883), site));
    this.load = this.devices.filter((d) => d.spec.load);
    for (const d of this.devices) this.bySensor.set(d.spec.sensorId, d);
    this.ticker = setInterval(() => this.tick(), tickMs);
    this.pinger = setInterval(() => this.devices.forEach((d) => d.ping()), (KEEPALIVE_S * 1000) / 3);
  }

  /** Connects every device; rejects naming the refusal when one is not accepted in time. */
  async connect(timeoutMs = 20_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const bad = this.devices.filter((d) => !d.connected);
        reject(new Error(`devices not connected within ${timeoutMs} ms: ${bad.map((d) => `${d.spec.username} (${d.lastRefusal ?? 'no answer'})`).join(', ')}`));
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all(this.devices.map((d) => d.connect())), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Paced load readings per second over all load devices from now on (0 stops). */
  setRate(perSecond: number): void {
    this.dueBase = this.due();
    this.anchor = Date.now();
    this.rate = perSecond;
    this.tick();
  }

  /** `count` load readings at once (as fast as the broker takes them). */
  flood(count: number): void {
    this.dueBase = this.due() + count;
    this.anchor = Date.now();
    this.tick();
  }

  private due(): number {
    return this.dueBase + Math.floor(((Date.now() - this.anchor) / 1000) * this.rate);
  }

  private tick(): void {
    const due = this.due();
    const n = this.load.length;
    while (this.made < due) this.load[this.made++ % n]!.makeReading();
    for (const d of this.devices) d.flush();
  }

  /** One message from one device now; returns its timestamp. */
  publish(sensorId: string, channel: string, body: Record<string, unknown>, retain = false): number {
    const d = this.bySensor.get(sensorId);
    if (!d) throw new Error(`no device ${sensorId}`);
    const ts = d.makeExtra(channel, body, retain);
    d.flush();
    return ts;
  }

  cursor(): Cursor {
    return this.devices.map((d) => d.ledger.n);
  }

  /** True when every message made before `cursor` is acknowledged. */
  ackedUpTo(cursor: Cursor): boolean {
    return this.devices.every((d, i) => d.ledger.ackedBelow >= cursor[i]!);
  }

  /** Messages made before `cursor` whose timestamp is before `ts`, per device (for recovery: the backlog at a moment). */
  cursorAt(from: Cursor, to: Cursor, ts: number): Cursor {
    return this.devices.map((d, i) => d.ledger.lowerBound(ts, from[i], to[i]));
  }

  ledgerOf(sensorId: string): Ledger {
    const d = this.bySensor.get(sensorId);
    if (!d) throw new Error(`no device ${sensorId}`);
    return d.ledger;
  }

  get loadDevices(): readonly Device[] {
    return this.load;
  }

  /** PUBACKs received in all. */
  acks(): number {
    return this.devices.reduce((n, d) => n + d.acks, 0);
  }

  /** Accepted connections in all, reconnections included. */
  connections(): number {
    return this.devices.reduce((n, d) => n + d.connections, 0);
  }

  close(): void {
    clearInterval(this.ticker);
    clearInterval(this.pinger);
    for (const d of this.devices) d.close();
  }
}
