/**
 * Who may connect to the embedded MQTT broker and what each may do (issue 4 "MQTT, embedded
 * broker"). The Aedes adapter asks this; it knows nothing of Aedes.
 *
 * - A device signs in with its sensor id and the password `device add` printed, and may publish
 *   only under its own `vigil/<site>/<sensorId>/#` (and its adapter topic), never another
 *   device's; it may not subscribe.
 * - Vigil's ingest client signs in with a credential generated at start and kept in memory; it
 *   may subscribe to anything and publish nothing. Drills the server starts get another such
 *   credential, publishing as any registered sensor.
 * - Anonymous clients are refused, except in demo mode (the simulator publishes anonymously),
 *   where they may publish only to registered sensors' own topics.
 */
import crypto from 'node:crypto';
import { newSecret, sameSecret } from './auth.tokens.ts';
import { systemClock, type Clock } from './clock.ts';
import type { DeviceCredentialService } from './device-credentials.service.ts';
import type { DeviceTopics } from './device-credentials.topics.ts';
import { MOSQUITTO_PBKDF2_ITERATIONS, verifyMosquittoHash } from './mosquitto-config.ts';
import { topicMatches } from './mqtt-topic.ts';

export type MqttPrincipal = { kind: 'ingest' } | { kind: 'drill' } | { kind: 'device'; sensorId: string; publish: string[] } | { kind: 'anonymous' };

/** The port the embedded broker adapter calls. */
export interface BrokerAuthorizer<P = MqttPrincipal> {
  /** The principal, or null to refuse the connection (bad username or password). */
  authenticate(username: string | undefined, password: Buffer | undefined): Promise<P | null>;
  mayPublish(principal: P, topic: string): boolean;
  maySubscribe(principal: P, filter: string): boolean;
  describe(principal: P): string;
}

/** A `$7$` hash nobody knows the password of, as costly to check as a real one. */
const DUMMY_HASH = `$7$${MOSQUITTO_PBKDF2_ITERATIONS}$${Buffer.alloc(12).toString('base64')}$${Buffer.alloc(64).toString('base64')}`;

const REVOCATION_CHECK_MS = 1000;

export class BrokerPolicy implements BrokerAuthorizer<MqttPrincipal> {
  /** Vigil's own ingest client: generated at every start, never stored. */
  readonly internalCredential = { username: `vigil-internal-${crypto.randomBytes(4).toString('hex')}`, password: newSecret() };
  /** Drills the server runs (the simulator as a child process): may publish as any registered sensor. */
  readonly drillCredential = { username: `vigil-drill-${crypto.randomBytes(4).toString('hex')}`, password: newSecret() };

  /** When each connected device's credential was last seen unrevoked. */
  private readonly checked = new Map<string, number>();

  constructor(
    private readonly topics: DeviceTopics,
    private readonly devices: DeviceCredentialService,
    private readonly options: { allowAnonymous: boolean },
    private readonly clock: Clock = systemClock,
  ) {}

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<MqttPrincipal | null> {
    if (username === undefined || username === '') return this.options.allowAnonymous && password === undefined ? { kind: 'anonymous' } : null;
    const pw = password?.toString('utf8') ?? '';
    if (username === this.internalCredential.username) return sameSecret(pw, this.internalCredential.password) ? { kind: 'ingest' } : null;
    if (username === this.drillCredential.username) return sameSecret(pw, this.drillCredential.password) ? { kind: 'drill' } : null;
    const device = this.devices.activeOne(username);
    const publish = this.topics.filtersOf(username);
    if (!device || publish.length === 0) {
      // Spend the same time as a real check: whether a device id exists is not for strangers.
      await verifyMosquittoHash(pw, DUMMY_HASH);
      return null;
    }
    if (!(await verifyMosquittoHash(pw, device.passwordHash))) return null;
    return { kind: 'device', sensorId: username, publish };
  }

  mayPublish(p: MqttPrincipal, topic: string): boolean {
    switch (p.kind) {
      case 'ingest':
        return false;
      case 'device':
        return p.publish.some((f) => topicMatches(f, topic)) && this.stillActive(p.sensorId);
      case 'drill':
      case 'anonymous':
        return this.topics.ownerOf(topic) !== undefined;
    }
  }

  /** A revoked device is refused within a second, also on a connection opened before (looked up at most once a second). */
  private stillActive(sensorId: string): boolean {
    const now = this.clock.now();
    if (now - (this.checked.get(sensorId) ?? -Infinity) < REVOCATION_CHECK_MS) return true;
    if (!this.devices.activeOne(sensorId)) {
      this.checked.delete(sensorId);
      return false;
    }
    this.checked.set(sensorId, now);
    return true;
  }

  maySubscribe(p: MqttPrincipal, _filter: string): boolean {
    return p.kind === 'ingest';
  }

  describe(p: MqttPrincipal): string {
    return p.kind === 'device' ? `device ${p.sensorId}` : p.kind;
  }
}
