/**
 * Publishing to the broker like real devices do (QoS 1). Two shapes:
 * - `DevicePublisher`: one MQTT connection per simulated device, each with its last will
 *   `{"online": false}` on `vigil/<site>/<sensor>/status`, so a killed simulator (or a scenario's
 *   `disconnect`) shows those devices offline — a will belongs to a connection, hence one each;
 * - `SharedPublisher`: a few connections without wills, for load generation.
 *
 * `{sensor}` in the user name gives each device its own credential, the filled-in name also being
 * its client id: a broker that binds each client id to one credential (Vigil's does, so that no
 * client can take over another's session) accepts nothing else.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { topicOf, stamp, type DeviceRef, type Emission, type Payload } from '../generate/emission.ts';
import { SimulatorError, errorText } from '../simulator.errors.ts';
import type { Publisher, PublishStats } from './publisher.ts';

export interface BrokerOptions {
  url: string;
  /** May contain `{sensor}` (DevicePublisher only). */
  username?: string;
  password?: string;
  /** Give up connecting after this long (the broker may still be starting). */
  connectTimeoutMs: number;
  warn: (message: string) => void;
}

/** Unacknowledged messages allowed before publishing waits (back-pressure instead of an unbounded queue). */
const MAX_PENDING = 5000;

const SENSOR_PLACEHOLDER = '{sensor}';

/** The user name and client id a device connects with: its own when the user name names it. */
export function deviceIdentity(opts: Pick<BrokerOptions, 'username'>, clientIdPrefix: string, deviceId: string): { clientId: string; username?: string } {
  if (opts.username?.includes(SENSOR_PLACEHOLDER)) {
    const username = opts.username.replaceAll(SENSOR_PLACEHOLDER, deviceId);
    return { clientId: username, username };
  }
  return { clientId: `${clientIdPrefix}-${deviceId}` };
}

/** Connects one client; retries until `connectTimeoutMs`, fails at once on refused credentials. */
export function connectClient(opts: BrokerOptions, clientOptions: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(opts.url, {
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(opts.username !== undefined && { username: opts.username }),
      ...(opts.password !== undefined && { password: opts.password }),
      ...clientOptions,
    });
    let lastError = 'no answer';
    const fail = (message: string): void => {
      clearTimeout(timer);
      client.removeAllListeners('connect');
      client.end(true);
      reject(new SimulatorError('BROKER_UNREACHABLE', message));
    };
    const timer = setTimeout(() => fail(`cannot connect to ${opts.url} within ${opts.connectTimeoutMs / 1000} s: ${lastError}`), opts.connectTimeoutMs);
    client.on('error', (err) => {
      lastError = errorText(err);
      const code = (err as { code?: number }).code;
      // CONNACK 4/5 (v3.1.1), 134/135 (v5): bad user name or password, not authorised.
      if (code === 4 || code === 5 || code === 134 || code === 135) fail(`the broker ${opts.url} refused the credentials: ${lastError}`);
    });
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(client);
    });
  });
}

/** Counts sent and acknowledged messages; lets callers wait for fewer pending ones. */
class Tally {
  readonly stats: PublishStats = { sent: 0, acked: 0, failed: 0 };
  private waiters: (() => void)[] = [];

  get pending(): number {
    return this.stats.sent - this.stats.acked - this.stats.failed;
  }

  send(client: MqttClient, topic: string, body: string): void {
    this.stats.sent++;
    client.publish(topic, body, { qos: 1 }, (err) => {
      if (err) this.stats.failed++;
      else this.stats.acked++;
      if (this.waiters.length > 0) this.wake();
    });
  }

  /** Resolves when at most `limit` messages are pending, or after `timeoutMs`. */
  async until(limit: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > limit && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(200, Math.max(1, deadline - Date.now())));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function endClean(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(false, {}, () => resolve()));
}

const runId = (): string => randomBytes(3).toString('hex');

/** A gateway publishing its own topics: a device of its own, whose last will is its own availability. */
export interface GatewayDevice extends DeviceRef {
  will: { topic: string; payload: string; retain: boolean };
}

/** One connection per device, each with its last will. */
export class DevicePublisher implements Publisher {
  private readonly tally = new Tally();
  private readonly clients = new Map<string, MqttClient | null>();
  private readonly gatewayWills = new Map<string, GatewayDevice['will']>();
  /** Gateways the broker would not let in: their own topics are not published. */
  private readonly refused = new Set<string>();

  private constructor(
    private readonly opts: BrokerOptions,
    private readonly devices: Map<string, DeviceRef>,
    private readonly will: Payload,
    private readonly prefix: string,
  ) {}

  /**
   * Connects every device (concurrently); fails if the broker cannot be reached. A gateway the
   * broker refuses (its credential may not exist yet) is a warning: the devices go on without it.
   */
  static async open(devices: readonly DeviceRef[], opts: BrokerOptions, will: Payload, gateways: readonly GatewayDevice[] = []): Promise<DevicePublisher> {
    const p = new DevicePublisher(opts, new Map(devices.map((d) => [d.id, d])), will, `vigil-sim-${runId()}`);
    for (const g of gateways) p.gatewayWills.set(g.id, g.will);
    const results = await Promise.allSettled(devices.map((d) => p.connect(d)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await p.close();
      throw failed.reason;
    }
    await Promise.all(
      gateways.map((g) =>
        p.connect(g).catch((err: unknown) => {
          p.refused.add(g.id);
          opts.warn(`gateway ${g.id}: ${errorText(err)}; its own topics (bridge state) are not published`);
        }),
      ),
    );
    return p;
  }

  private async connect(device: DeviceRef): Promise<MqttClient> {
    const gatewayWill = this.gatewayWills.get(device.id);
    const will = gatewayWill
      ? { topic: gatewayWill.topic, payload: Buffer.from(gatewayWill.payload), qos: 1 as const, retain: gatewayWill.retain }
      : { topic: topicOf(device.siteId, device.id, 'status'), payload: Buffer.from(JSON.stringify(this.will)), qos: 1 as const, retain: false };
    const client = await connectClient(this.opts, { ...deviceIdentity(this.opts, this.prefix, device.id), clean: true, keepalive: 30, will });
    this.clients.set(device.id, client);
    return client;
  }

  async publish(e: Emission, ts: number): Promise<void> {
    if (this.tally.pending >= MAX_PENDING) await this.tally.until(MAX_PENDING / 2, 30_000);
    if (this.refused.has(e.sensorId)) return;
    if (e.via === 'will') return this.drop(e.sensorId);
    let client = this.clients.get(e.sensorId);
    if (!client) {
      // Not connected yet, or dropped by a scenario: the device (re)joins the network.
      const device = this.devices.get(e.sensorId) ?? { id: e.sensorId, siteId: e.siteId };
      this.devices.set(device.id, device);
      client = await this.connect(device);
    }
    this.tally.send(client, e.topic, JSON.stringify(stamp(e, ts)));
  }

  /** Cuts the device's connection without a DISCONNECT: the broker publishes its will. */
  private async drop(sensorId: string): Promise<void> {
    const client = this.clients.get(sensorId);
    if (!client) return;
    // What the device sent before it died is not lost on our side: wait for those acks first.
    await this.tally.until(0, 2000);
    this.clients.set(sensorId, null);
    client.end(true);
  }

  stats(): PublishStats {
    return { ...this.tally.stats };
  }

  drain(timeoutMs: number): Promise<void> {
    return this.tally.until(0, timeoutMs);
  }

  async close(): Promise<void> {
    const open = [...this.clients.values()].filter((c): c is MqttClient => c !== null);
    this.clients.clear();
    await Promise.all(open.map(endClean));
  }
}

/** A few shared connections, no wills (`load`); a sensor always uses the same one, keeping its order. */
export class SharedPublisher implements Publisher {
  private readonly tally = new Tally();
  private readonly route = new Map<string, MqttClient>();

  private constructor(private readonly clients: MqttClient[]) {}

  static async open(count: number, opts: BrokerOptions): Promise<SharedPublisher> {
    const prefix = `vigil-sim-load-${runId()}`;
    const clients = await Promise.all(Array.from({ length: count }, (_, i) => connectClient(opts, { clientId: `${prefix}-${i}`, clean: true })));
    return new SharedPublisher(clients);
  }

  /** Synchronous unless too many messages await their acknowledgement (then it waits: back-pressure). */
  publish(e: Emission, ts: number): void | Promise<void> {
    if (this.tally.pending >= MAX_PENDING) return this.tally.until(MAX_PENDING / 2, 30_000).then(() => this.send(e, ts));
    this.send(e, ts);
  }

  private send(e: Emission, ts: number): void {
    let client = this.route.get(e.sensorId);
    if (!client) {
      client = this.clients[this.route.size % this.clients.length]!;
      this.route.set(e.sensorId, client);
    }
    this.tally.send(client, e.topic, JSON.stringify(stamp(e, ts)));
  }

  stats(): PublishStats {
    return { ...this.tally.stats };
  }

  drain(timeoutMs: number): Promise<void> {
    return this.tally.until(0, timeoutMs);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map(endClean));
  }
}
