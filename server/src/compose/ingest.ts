/** Ingest: decoding and validation (IngestService), and the MQTT client that feeds it. */
import { MqttSubscriber, tlsFromFiles } from '../adapters/mqtt.subscriber.ts';
import { SqlHeldTimes } from '../adapters/sql.held-times.ts';
import type { Sql } from '../adapters/sql.ts';
import type { Config } from '../config.ts';
import { createDeviceDecoders, GatewayTraffic } from '../domain/decoders/index.ts';
import { FoundDevices } from '../domain/discovery/found-devices.ts';
import { nativeDecoder } from '../domain/observation.decode.ts';
import { HeldTimes } from '../domain/retained.ts';
import type { Registry } from '../domain/registry.ts';
import { rejectionLogger } from '../log-limiter.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { BROKER_DROPS_RECENT_MS, BrokerDrops } from '../services/broker.drops.ts';
import { systemClock, systemScheduler } from '../services/clock.ts';
import type { HistoryWriter } from '../services/history.writer.ts';
import { IngestLimits } from '../services/ingest.limits.ts';
import { IngestService } from '../services/ingest.service.ts';
import { RejectionLog } from '../services/rejection.log.ts';
import { RetainedGate } from '../services/retained.gate.ts';
import type { BrokerConnection, BrokerLogin } from './broker.ts';
import { Intervals, type Part } from './parts.ts';

const DAY_MS = 86_400_000;
/** One log line per source and reason per minute, then a count: a misconfigured device would flood the log. */
const REJECTION_LOG_EVERY_MS = 60_000;
/** On shutdown, how long queued points may take to become durable while the broker still hears the acknowledgements. */
const FLUSH_ON_STOP_MS = 5000;
/** Held times (retained messages) are saved as often as the alarm rule states, and at shutdown. */
const HELD_TIMES_SAVE_MS = 10_000;

export interface Ingest {
  service: IngestService;
  rejections: RejectionLog;
  /** What each gateway publishes that no sensor is bound to (GET /api/gateways). */
  gateways: GatewayTraffic;
  /** Devices heard on the gateways, for the "Devices found" page (GET /api/discovery). */
  found: FoundDevices;
  /** Retained MQTT deliveries against what Vigil holds; `save` writes the held times. */
  retained: RetainedGate;
  /** Logs how many rejections each reason had beyond its first line; run once a window. */
  flushRejectionLines(): void;
}

export async function composeIngest(config: Config, logger: Logger, metrics: Metrics, registry: Registry, writer: HistoryWriter, sql: Sql): Promise<Ingest> {
  const log = logger.child({ component: 'ingest' });
  // Per source and reason, never per topic, request or item: 10,000 bad items, or 5,000 topics
  // invented by one client, are one line and one count a minute (log-limiter.ts).
  const rejectionLines = rejectionLogger(log, REJECTION_LOG_EVERY_MS, systemClock);
  const rejections = new RejectionLog(config.REJECTIONS_KEPT, (r) => {
    metrics.rejected.inc({ reason: r.reason });
    rejectionLines.log(r);
  });
  const found = new FoundDevices();
  const gateways = new GatewayTraffic(undefined, (id) => metrics.countGateway(id, 'evicted'), found);
  const gatewayCounters = { unbound: (id: string) => metrics.countGateway(id, 'unbound'), unattributed: () => metrics.countGateway('', 'unattributed') };
  const retained = await RetainedGate.create(new HeldTimes((id) => registry.sensor(id) !== undefined), new SqlHeldTimes(sql), {
    ignored: (reason) => metrics.retainedIgnored.inc({ reason }),
    saveFailed: (err) => log.error({ err }, 'could not save held times; retrying at the next save'),
  });
  const service = new IngestService(
    registry,
    writer,
    rejections,
    systemClock,
    // Older than the raw retention would be dropped by InfluxDB anyway.
    {
      maxAgeMs: config.RAW_RETENTION_DAYS * DAY_MS,
      decoders: [nativeDecoder, ...createDeviceDecoders(gateways, gatewayCounters)],
      retained,
      limits: new IngestLimits(
        registry,
        {
          perKeyPerS: config.INGEST_OBS_PER_KEY_PER_S,
          perDevicePerS: config.INGEST_OBS_PER_DEVICE_PER_S,
          deviceBurst: config.INGEST_OBS_PER_DEVICE_BURST,
          unregisteredPerSitePerS: config.INGEST_UNREGISTERED_PER_SITE_PER_S,
          maxTracked: config.INGEST_LIMIT_TRACKED_IDS,
        },
        systemClock,
      ),
    },
    (o) => metrics.countIngested(o.source, o.channel),
    (err, o) => log.error({ err, sensorId: o.sensorId, channel: o.channel }, 'observation listener failed'),
  );
  return { service, rejections, gateways, found, retained, flushRejectionLines: () => rejectionLines.flush() };
}

/** One ingest MQTT session (a persistent session under its client id). */
export interface IngestSession {
  readonly connected: boolean;
  /** Connects (and reconnects) in the background. */
  start(): void;
  /** Acknowledges what is durable and disconnects; the rest stays with the broker's session. */
  stop(): Promise<void>;
}

export interface SessionOptions {
  clientId: string;
  /**
   * Cluster mode: the site whose session this is. A message whose alarm change for that site was
   * refused because the site moved to another node stays unacknowledged, so the broker redelivers
   * it to the next holder's session (IngestService.handleMqttMessage).
   */
  site?: string;
  login: BrokerLogin;
  topics: string[];
  /** Draining a session (compose/legacy-session.ts): leave `topics`, receive only what the broker had queued. */
  unsubscribe?: boolean;
  onSubscribed?(refused: readonly string[]): void;
  /** Each accepted connection: whether the broker still had the session. */
  onConnected?(sessionPresent: boolean): void;
  /** Each message as it arrives, and once it is stored (or rejected) and evaluated, and so acknowledged. */
  progress?: { received(): void; stored(): void };
}

export interface MqttIngest {
  /** Whether the ingest sessions are connected: the node's one session, or (cluster mode) every held site's. */
  connected(): boolean;
  /** What the broker's dropped-message counter said since Vigil started (GET /api/health). */
  drops: BrokerDrops;
  /**
   * A session under `clientId` reading `topics`. Cluster mode makes one per site held
   * (cluster.ts); otherwise the node's one session is made here.
   */
  session(options: SessionOptions): IngestSession;
  /** Stores what is queued (within the stop allowance), so what was read can be acknowledged before a session stops. */
  flush(): Promise<void>;
  /** Starts consuming; stops after flushing, so what was read is acknowledged. */
  part: Part;
}

/**
 * `sessions`: 'node' (one session, MQTT_CLIENT_ID, every topic), or 'per-site' (cluster mode: the
 * sessions come and go with the sites' leases, and this part keeps only what they share).
 */
export function composeMqttIngest(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  ingest: Ingest,
  writer: HistoryWriter,
  broker: BrokerConnection,
  sessions: 'node' | 'per-site' = 'node',
): MqttIngest {
  const mqttLog = logger.child({ component: 'mqtt' });
  // The counter covers every client of the broker, so the lines say "the broker", not "Vigil".
  const drops = new BrokerDrops(systemScheduler, (event, dropped) => {
    if (event === 'started') mqttLog.error({ dropped }, 'the broker is dropping messages: readings may be lost');
    else if (event === 'rising') mqttLog.error({ dropped }, 'the broker is still dropping messages: readings may be lost');
    else mqttLog.warn({ dropped, quietMs: BROKER_DROPS_RECENT_MS }, 'the broker stopped dropping messages');
  });
  const running = new Set<MqttSubscriber>();
  const session: MqttIngest['session'] = ({ clientId, site, login, topics, unsubscribe, onSubscribed, onConnected, progress }) => {
    const subscriber = new MqttSubscriber({
      url: broker.url,
      clientId,
      username: login.username,
      password: login.password,
      topics,
      unsubscribe,
      onSubscribed,
      onMessage: (topic, payload, done, info) => {
        const received = performance.now();
        progress?.received();
        try {
          ingest.service.handleMqttMessage(
            topic,
            payload,
            () => {
              metrics.ingestToStored.observe((performance.now() - received) / 1000);
              done();
              progress?.stored();
            },
            info,
            site,
          );
        } catch (err) {
          // The subscriber acknowledges a message whose handler threw (mqtt.subscriber.ts).
          progress?.stored();
          throw err;
        }
      },
      isSaturated: () => writer.saturated,
      whenDrained: () => writer.whenDrained(),
      onBrokerDropped: (n) => {
        metrics.brokerDropped.set(n);
        drops.report(n);
      },
      onConnection: (connected, sessionPresent) => {
        metrics.mqttConnected.set([...running].every((s) => s.connected) ? 1 : 0);
        if (connected) onConnected?.(sessionPresent === true);
      },
      onRejectedFrame: (reason) => metrics.mqttRejectedFrames.inc({ reason }),
      maxFrameBytes: config.MQTT_MAX_FRAME_BYTES,
      tls: config.mqttTls ? tlsFromFiles(config.mqttTls) : undefined,
      logger: sessions === 'node' ? mqttLog : mqttLog.child({ clientId }),
    });
    return {
      get connected() {
        return subscriber.connected;
      },
      start: () => {
        running.add(subscriber);
        void subscriber.start();
      },
      stop: async () => {
        running.delete(subscriber);
        await subscriber.stop().catch(() => {});
      },
    };
  };
  const node = sessions === 'node' ? session({ clientId: config.MQTT_CLIENT_ID, login: broker.ingestLogin, topics: ingest.service.subscriptions() }) : null;
  const saveHeld = new Intervals([
    [HELD_TIMES_SAVE_MS, () => void ingest.retained.save()],
    [REJECTION_LOG_EVERY_MS, () => ingest.flushRejectionLines()],
  ]);
  const flush = () => withinMs(writer.flushAll(), FLUSH_ON_STOP_MS);
  return {
    connected: () => (node ? node.connected : [...running].every((s) => s.connected)),
    drops,
    session,
    flush,
    part: {
      name: 'MQTT ingest',
      start: () => {
        saveHeld.start();
        node?.start();
      },
      stop: async () => {
        // Store what is queued while still connected, so its acknowledgements reach the broker.
        await flush();
        await node?.stop();
        saveHeld.stop();
        drops.stop();
        await ingest.retained.save();
      },
      stopWithinMs: FLUSH_ON_STOP_MS + 2000,
    },
  };
}

function withinMs(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
