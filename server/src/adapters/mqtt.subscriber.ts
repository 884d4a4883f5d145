/**
 * The ingest MQTT client: a persistent session (fixed client id, clean=false) subscribed at
 * QoS 1, acknowledging each message only once what it carried is durable.
 *
 * Why the PUBACK is held here rather than in mqtt.js' `handleMessage` hook: mqtt.js handles
 * incoming packets strictly one after another and sends the PUBACK when `handleMessage` calls
 * back, so delaying that callback until a batch is stored would let exactly one message through
 * per batch write. Instead `handleMessage` returns at once (or waits while the writer is
 * saturated: backpressure, the socket stops being read) and the PUBACK that mqtt.js then sends is
 * intercepted and released when the message is durable. Unacknowledged messages stay with the
 * broker, which redelivers them after a crash (`kill -9` loses nothing).
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../logger.ts';

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
}

interface PubackPacket {
  cmd: 'puback';
  messageId?: number;
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/** Broker-side drop counter (Mosquitto); Aedes does not publish it. */
const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';

export class MqttSubscriber {
  private client: MqttClient | null = null;
  /** Incremented on every (re)connection: acks held from an older connection are void. */
  private generation = 0;
  /** Messages handed on but not yet durable, by message id. */
  private readonly held = new Map<number, { generation: number; durable: boolean; puback: (() => void) | null }>();

  constructor(private readonly options: MqttSubscriberOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): Promise<void> {
    const o = this.options;
    const clientOptions: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: true,
      ...(o.username ? { username: o.username, password: o.password ?? '' } : {}),
    };
    const client = mqtt.connect(o.url, clientOptions);
    this.client = client;
    this.interceptPubacks(client);
    client.handleMessage = (packet, callback) => this.handleMessage(packet, callback);

    client.on('connect', (connack) => {
      this.generation++;
      for (const [id, h] of this.held) if (h.generation !== this.generation) this.held.delete(id);
      o.logger.info({ sessionPresent: connack.sessionPresent }, 'connected to MQTT broker');
      o.onConnection?.(true);
      // Subscribe every time: a broker that lost the session (no persistence) forgot it.
      client.subscribe(
        o.topics.map((t) => ({ [t]: { qos: 1 as const } })).reduce((a, b) => ({ ...a, ...b }), {}),
        (err) => {
          if (err) o.logger.error({ err }, 'subscribe failed');
        },
      );
      client.subscribe(DROPPED_TOPIC, { qos: 0 }, () => {});
    });
    client.on('close', () => o.onConnection?.(false));
    client.on('error', (err) => o.logger.warn({ err: err.message }, 'MQTT error'));
    client.on('offline', () => o.logger.warn('MQTT broker unreachable, reconnecting'));

    return new Promise((resolve) => {
      if (client.connected) resolve();
      else client.once('connect', () => resolve());
    });
  }

  private handleMessage(packet: IPublishPacket, callback: (err?: Error) => void): void {
    const topic = packet.topic;
    if (topic === DROPPED_TOPIC) {
      const n = Number(packet.payload.toString());
      if (Number.isFinite(n)) this.options.onBrokerDropped?.(n);
      callback();
      return;
    }
    const id = packet.qos > 0 ? packet.messageId : undefined;
    const generation = this.generation;
    if (id !== undefined) this.held.set(id, { generation, durable: false, puback: null });
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    try {
      this.options.onMessage(topic, payload, () => this.markDurable(id, generation));
    } catch (err) {
      // A bug in a handler must not stop ingest; the message stays unacknowledged for now and
      // the broker redelivers it on the next session.
      this.options.logger.error({ err, topic }, 'message handler failed');
    }
    if (this.options.isSaturated()) {
      this.options.whenDrained().then(() => callback(), callback);
    } else {
      callback();
    }
  }

  private markDurable(id: number | undefined, generation: number): void {
    if (id === undefined) return;
    const h = this.held.get(id);
    if (!h || h.generation !== generation) return;
    h.durable = true;
    if (h.puback) {
      this.held.delete(id);
      h.puback();
    }
  }

  private interceptPubacks(client: MqttClient): void {
    const target = client as unknown as { _sendPacket: SendPacket };
    const send = target._sendPacket.bind(client);
    target._sendPacket = (packet, cb, ...rest) => {
      const id = packet.messageId;
      const h = packet.cmd === 'puback' && id !== undefined ? this.held.get(id) : undefined;
      if (!h) return send(packet, cb, ...rest);
      if (h.durable) {
        this.held.delete(id!);
        return send(packet, cb, ...rest);
      }
      // Not durable yet: let mqtt.js move on to the next packet, send the PUBACK later.
      const generation = h.generation;
      h.puback = () => {
        if (generation === this.generation && this.client?.connected) send(packet as PubackPacket);
      };
      cb?.();
    };
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    // Unacknowledged messages stay with the broker's session and come back next start.
    await client.endAsync(false);
  }
}
