/**
 * Becoming a cluster (docs/architecture.md "Several nodes"): a single node reads every topic through
 * one persistent MQTT session (MQTT_CLIENT_ID, `vigil-ingest`); cluster nodes read each site
 * through its own (`vigil-<site>`). While the installation switches — the single node stopped, the
 * cluster not yet started — devices' readings are queued for the old session only, since the
 * per-site ones do not exist yet; left alone, the old session would hold them for ever (alarms
 * lost) and then queue every later reading until the broker drops them. So, once per installation,
 * one cluster node:
 *
 * 1. claims the job in the store (PostgresLegacySessions: one node at a time; the others wait
 *    for it to finish before taking any site, so the first claimant takes every site's lease);
 * 2. takes its site leases with their engines, but starts no per-site session yet (cluster.ts);
 * 3. makes every site's session exist on the broker (connects as `vigil-<site>`, persistent,
 *    subscribes, disconnects), so from then on the broker queues each reading for its site too;
 * 4. connects as the old session and UNSUBSCRIBES, so nothing new is queued for it, and receives
 *    what it held through the normal ingest (stored, then acknowledged; the held sites' engines
 *    raise the alarms). It is drained when everything received is acknowledged and nothing more
 *    came for `IDLE_MS`: after the unsubscription nothing is added to its queue, and the broker
 *    sends the next queued message as soon as an acknowledgement frees an in-flight slot, so a
 *    pause that long with nothing unacknowledged means the queue is empty;
 * 5. removes the old session (connects with a clean session, which ends with the connection),
 *    records that it is done (later starts skip all this with one statement) and only then starts
 *    the per-site sessions: every reading the old session held is processed before any reading
 *    the per-site sessions queued.
 *
 * Readings published between steps 3 and 4 are queued in both sessions: processed again by the
 * site's session afterwards, as a redelivery is (the same InfluxDB point; README "Nothing lost").
 *
 * A cluster that ran before this step existed (site leases already in the store at the first
 * claim) has had per-site sessions all along: the old session holds only readings those sessions
 * already processed, and the few of the switch, now stale. It is removed without being read.
 */
import { MqttSubscriber, tlsFromFiles, type MqttTlsOptions } from '../adapters/mqtt.subscriber.ts';
import { PostgresLegacySessions } from '../adapters/postgres.legacy-session.ts';
import type { Sql } from '../adapters/sql.ts';
import type { ClusterConfig, Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { sleep, systemScheduler, type Scheduler } from '../services/clock.ts';
import type { IngestService } from '../services/ingest.service.ts';
import type { BrokerConnection, BrokerLogin } from './broker.ts';
import { siteSession, type ClusterDeps } from './cluster.ts';
import type { MqttIngest } from './ingest.ts';
import { Intervals } from './parts.ts';

/** A claim outlives its node by this much: another node then drains what the dead one had not acknowledged. */
const CLAIM_TTL_MS = 30_000;
const CLAIM_RENEW_MS = 5000;
/** How often a waiting node asks whether the draining one is done. */
const WAIT_POLL_MS = 1000;
/** Nothing unacknowledged and nothing received for this long: the queue is empty (see above). */
export const IDLE_MS = 1000;
/** The broker must answer a connection and its (un)subscription within this. */
const ANSWER_MS = 15_000;
/**
 * A subscription of the old session that its facility no longer lists keeps queuing live readings,
 * so the drain could never go idle; it ends after this, and the old session is removed anyway.
 */
const DRAIN_MAX_MS = 120_000;

export interface SessionSpec {
  clientId: string;
  login: BrokerLogin;
  topics: string[];
}

export interface LegacySessionDeps {
  node: string;
  /** The single node's session: MQTT_CLIENT_ID, its login, and what it subscribed to. */
  legacy: SessionSpec;
  /** Every site's session, as cluster.ts starts them. */
  sites: SessionSpec[];
  broker: { url: string; tls?: MqttTlsOptions | undefined };
  store: Pick<PostgresLegacySessions, 'claim' | 'renew' | 'removed'>;
  mqtt: Pick<MqttIngest, 'session'>;
  logger: Logger;
  scheduler?: Scheduler;
}

export class LegacySession {
  private readonly log: Logger;
  private readonly scheduler: Scheduler;

  constructor(private readonly d: LegacySessionDeps) {
    this.log = d.logger.child({ component: 'legacy-session' });
    this.scheduler = d.scheduler ?? systemScheduler;
  }

  /**
   * Before taking any site: true when this node must drain the old session (call `drain` once it
   * holds its sites); false when there is nothing (left) to do. Waits while another node drains it.
   */
  async claim(): Promise<boolean> {
    const { store, node, legacy } = this.d;
    let waiting = false;
    for (;;) {
      const c = await store.claim(legacy.clientId, node, CLAIM_TTL_MS);
      if (c.state === 'done') return false;
      if (c.state === 'mine') {
        if (!c.clusterRanBefore) return true;
        await this.remove();
        await store.removed(legacy.clientId, node, 0);
        this.log.warn(
          { clientId: legacy.clientId },
          'the former single-node MQTT session was removed unread: the cluster ran before, so its sites’ sessions have had their readings since',
        );
        return false;
      }
      if (!waiting)
        this.log.info(
          { clientId: legacy.clientId, drainer: c.node },
          'waiting for another node to drain the former single-node MQTT session before taking sites',
        );
      waiting = true;
      await sleep(this.scheduler, WAIT_POLL_MS);
    }
  }

  /** Steps 3-5 (see above); how many readings the old session held. Throws when the broker or the store fails (the caller retries). */
  async drain(): Promise<number> {
    const { store, node, legacy } = this.d;
    // A failed renewal is retried at the next. Should the claim lapse all the same (the store
    // unreachable for the whole TTL), a second node may drain too: the two take the client id from
    // each other, and each still acknowledges a message only once it is stored.
    const renewal = new Intervals([[CLAIM_RENEW_MS, () => void store.renew(legacy.clientId, node, CLAIM_TTL_MS).catch(() => undefined)]]);
    renewal.start();
    try {
      for (const site of this.d.sites) await this.once(site, { clean: false });
      const drained = await this.receiveQueued();
      await this.remove();
      await store.removed(legacy.clientId, node, drained);
      this.log.info(
        { clientId: legacy.clientId, drained },
        'drained and removed the former single-node MQTT session: its queued readings were stored and their alarms evaluated',
      );
      return drained;
    } finally {
      renewal.stop();
    }
  }

  private async receiveQueued(): Promise<number> {
    let received = 0;
    let stored = 0;
    let unsubscribed = false;
    // The broker had no such session (a cluster that never had a single node): nothing to wait for.
    let nothingQueued = false;
    let idle: ReturnType<Scheduler['setTimeout']> | undefined;
    let settle!: () => void;
    const empty = new Promise<void>((resolve) => (settle = resolve));
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const arm = () => {
      if (idle !== undefined) this.scheduler.clearTimeout(idle);
      idle = unsubscribed && stored === received ? this.scheduler.setTimeout(settle, nothingQueued ? 0 : IDLE_MS) : undefined;
    };
    const session = this.d.mqtt.session({
      ...this.d.legacy,
      unsubscribe: true,
      onConnected: (present) => (nothingQueued = !present),
      onSubscribed: () => {
        unsubscribed = true;
        answer();
        arm();
      },
      progress: {
        received: () => {
          received++;
          arm();
        },
        stored: () => {
          stored++;
          arm();
        },
      },
    });
    session.start();
    try {
      if (!(await this.within(answered, ANSWER_MS))) throw new Error(`the broker did not answer ${this.d.legacy.clientId}'s connection within ${ANSWER_MS} ms`);
      if (!(await this.within(empty, DRAIN_MAX_MS)))
        this.log.error(
          { received, stored, maxMs: DRAIN_MAX_MS },
          'the former single-node MQTT session was still receiving readings (a subscription its facility no longer lists?); removing it',
        );
      return stored;
    } finally {
      if (idle !== undefined) this.scheduler.clearTimeout(idle);
      // Acknowledges what is stored; anything not yet stored is dropped with the session next.
      await session.stop();
    }
  }

  /** Clean session: the broker discards the old session's subscriptions and queue now, and this one with the connection. */
  private remove(): Promise<void> {
    return this.once(this.d.legacy, { clean: true });
  }

  /**
   * One connection under `spec.clientId`: subscribes to its topics (a persistent session from
   * then on) or, clean, unsubscribes (nothing left behind); disconnects once the broker answered.
   * What the broker delivers meanwhile is not acknowledged: it stays queued for the session's reader.
   */
  private async once(spec: SessionSpec, o: { clean: boolean }): Promise<void> {
    let answer!: (refused: readonly string[]) => void;
    const answered = new Promise<readonly string[]>((resolve) => (answer = resolve));
    const subscriber = new MqttSubscriber({
      url: this.d.broker.url,
      tls: this.d.broker.tls,
      clientId: spec.clientId,
      username: spec.login.username,
      password: spec.login.password,
      topics: spec.topics,
      clean: o.clean,
      unsubscribe: o.clean,
      onSubscribed: answer,
      onMessage: () => undefined,
      isSaturated: () => false,
      whenDrained: () => Promise.resolve(),
      logger: this.log.child({ clientId: spec.clientId }),
      scheduler: this.scheduler,
    });
    void subscriber.start();
    try {
      if (!(await this.within(answered, ANSWER_MS))) throw new Error(`the broker did not answer ${spec.clientId}'s connection within ${ANSWER_MS} ms`);
      const refused = await answered;
      if (refused.length) throw new Error(`the broker refused ${spec.clientId}'s subscription to ${refused.join(', ')}`);
    } finally {
      await subscriber.stop();
    }
  }

  /** Whether `work` resolved within `ms`. */
  private async within(work: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: ReturnType<Scheduler['setTimeout']> | undefined;
    const late = new Promise<false>((resolve) => (timer = this.scheduler.setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([work.then(() => true), late]);
    } finally {
      this.scheduler.clearTimeout(timer!);
    }
  }
}

/** Cluster mode's drain of the single node's session (MQTT_CLIENT_ID, signed in as the single node was). */
export function composeLegacySession(
  config: Config,
  cluster: ClusterConfig,
  logger: Logger,
  sql: Sql,
  d: Pick<ClusterDeps, 'registry' | 'broker'> & {
    ingest: Pick<IngestService, 'subscriptions'>;
    broker: Pick<BrokerConnection, 'url' | 'ingestLogin'>;
    mqtt: Pick<MqttIngest, 'session'>;
  },
): LegacySession {
  return new LegacySession({
    node: cluster.nodeId,
    legacy: { clientId: config.MQTT_CLIENT_ID, login: d.broker.ingestLogin, topics: d.ingest.subscriptions() },
    sites: d.registry.facility.sites.map((s) => siteSession(d, s.id)),
    broker: { url: d.broker.url, tls: config.mqttTls ? tlsFromFiles(config.mqttTls) : undefined },
    store: new PostgresLegacySessions(sql),
    mqtt: d.mqtt,
    logger,
  });
}
