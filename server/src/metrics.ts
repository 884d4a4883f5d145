/** Prometheus metrics (`GET /metrics`). */
import client from 'prom-client';
import type { AlarmEvent } from '../../contract/index.ts';

/** Cluster mode: the sites this node holds and those nobody holds, read when scraped. */
export interface ClusterGaugeSource {
  held(): { site: string; ageMs: number }[];
  unheld(): string[];
}

/** The history writer's state, read when scraped. */
export interface HistoryGaugeSource {
  outboxDepth(): { batches: number; points: number };
  readonly queuedPoints: number;
  readonly isSinkUp: boolean;
}

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  // Bumped for every observation: a plain tally by source and channel, moved into the counter
  // when scraped (no label hashing on the ingest path).
  const ingestedTally: Record<string, Record<string, number>> = {};
  new client.Counter({
    name: 'vigil_observations_ingested_total',
    help: 'Observations accepted, by source and channel',
    labelNames: ['source', 'channel'] as const,
    registers: [registry],
    collect() {
      for (const [source, byChannel] of Object.entries(ingestedTally)) {
        for (const [channel, n] of Object.entries(byChannel)) {
          if (n > 0) this.inc({ source, channel }, n);
          byChannel[channel] = 0;
        }
      }
    },
  });
  const countIngested = (source: string, channel: string): void => {
    const byChannel = (ingestedTally[source] ??= {});
    byChannel[channel] = (byChannel[channel] ?? 0) + 1;
  };
  const rejected = new client.Counter({
    name: 'vigil_observations_rejected_total',
    help: 'Inputs rejected, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Not rejections: a retained copy of what Vigil already holds is not bad input, and thousands of
  // them after every reconnect would push the rejections an operator must see out of the log.
  const retainedIgnored = new client.Counter({
    name: 'vigil_retained_ignored_total',
    help: 'Retained MQTT deliveries of what Vigil already holds, not taken as observations (acknowledged), by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const batchWrite = new client.Histogram({
    name: 'vigil_history_batch_write_seconds',
    help: 'Time to write one batch of points to InfluxDB',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const ingestToStored = new client.Histogram({
    name: 'vigil_ingest_to_durable_seconds',
    help: 'From receipt of an MQTT message to its points being stored in InfluxDB or the outbox and the alarm changes it caused committed (then it is acknowledged)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
    registers: [registry],
  });
  const pointsWritten = new client.Counter({
    name: 'vigil_history_points_written_total',
    help: 'Points stored in InfluxDB (direct and replayed)',
    registers: [registry],
  });
  const pointsOutboxed = new client.Counter({
    name: 'vigil_outbox_points_added_total',
    help: 'Points put in the outbox while InfluxDB was unreachable',
    registers: [registry],
  });
  const pointsDead = new client.Counter({
    name: 'vigil_history_points_dead_lettered_total',
    help: 'Points InfluxDB refused outright (kept in SQLite dead_batch)',
    registers: [registry],
  });
  const deadLettersEvicted = new client.Counter({
    name: 'vigil_history_dead_letters_evicted_total',
    help: 'Dead-lettered points dropped, oldest first, to keep dead_batch within its cap',
    registers: [registry],
  });
  let history: HistoryGaugeSource | null = null;
  const historyGauge = (name: string, help: string, read: (h: HistoryGaugeSource) => number) =>
    new client.Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (history) this.set(read(history));
      },
    });
  historyGauge('vigil_outbox_points', 'Points waiting in the durable outbox', (h) => h.outboxDepth().points);
  historyGauge('vigil_outbox_batches', 'Batches waiting in the durable outbox', (h) => h.outboxDepth().batches);
  historyGauge('vigil_ingest_queue_points', 'Points accepted but not yet durable', (h) => h.queuedPoints);
  historyGauge('vigil_influx_up', '1 while InfluxDB accepts writes', (h) => (h.isSinkUp ? 1 : 0));
  const brokerDropped = new client.Gauge({
    name: 'vigil_broker_messages_dropped',
    help: 'Broker-reported dropped messages ($SYS/broker/publish/messages/dropped), Mosquitto only',
    registers: [registry],
  });
  const mqttConnected = new client.Gauge({ name: 'vigil_mqtt_connected', help: '1 while the ingest MQTT client is connected', registers: [registry] });
  const mqttRejectedFrames = new client.Counter({
    name: 'vigil_mqtt_rejected_frames_total',
    help: 'MQTT messages acknowledged without being handled, by reason: too_large (over MQTT_MAX_FRAME_BYTES), handler_failed',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const alarmsRaised = new client.Counter({
    name: 'vigil_alarms_raised_total',
    help: 'Alarms raised, by priority and drill',
    labelNames: ['priority', 'drill'] as const,
    registers: [registry],
  });
  const webhooks = new client.Counter({
    name: 'vigil_escalation_webhooks_total',
    help: 'Escalation webhook deliveries, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Gateway traffic no sensor is bound to: a tally moved into the counter when scraped, like
  // ingested observations (kind: unbound message, evicted topic, unattributed discovery).
  const gatewayTally = new Map<string, number>();
  new client.Counter({
    name: 'vigil_gateway_messages_total',
    help: 'Gateway traffic outside bound sensors: unbound messages and evicted topics per gateway; shared discovery messages no gateway claims',
    labelNames: ['gateway', 'kind'] as const,
    registers: [registry],
    collect() {
      for (const [key, n] of gatewayTally) {
        const [gateway = '', kind = ''] = key.split('\n');
        if (n > 0) this.inc({ gateway, kind }, n);
      }
      gatewayTally.clear();
    },
  });
  const countGateway = (gateway: string, kind: 'unbound' | 'evicted' | 'unattributed'): void => {
    const key = `${gateway}\n${kind}`;
    gatewayTally.set(key, (gatewayTally.get(key) ?? 0) + 1);
  };
  // Hot path (one per reading of a site held elsewhere): a plain number moved in when scraped.
  let foreignTally = 0;
  new client.Counter({
    name: 'vigil_observations_foreign_total',
    help: 'Cluster mode: observations of sites another node holds, heard here and left to that node',
    registers: [registry],
    collect() {
      if (foreignTally > 0) this.inc(foreignTally);
      foreignTally = 0;
    },
  });
  // Registered by a node of several only: a single node has no leases to report.
  const watchCluster = (cluster: ClusterGaugeSource): void => {
    new client.Gauge({
      name: 'vigil_cluster_sites_held',
      help: 'Cluster mode: sites whose alarms and ingest this node runs',
      registers: [registry],
      collect() {
        this.set(cluster.held().length);
      },
    });
    new client.Gauge({
      name: 'vigil_cluster_sites_unheld',
      help: 'Cluster mode: sites no node holds (nothing runs their alarms or ingest), as this node sees the leases',
      registers: [registry],
      collect() {
        this.set(cluster.unheld().length);
      },
    });
    new client.Gauge({
      name: 'vigil_cluster_lease_age_seconds',
      help: 'Cluster mode: per site held here, time since its lease was last renewed (near the TTL: renewals are failing)',
      labelNames: ['site'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { site, ageMs } of cluster.held()) this.set({ site }, ageMs / 1000);
      },
    });
  };
  const countAlarmEvent = (e: AlarmEvent): void => {
    if (e.subject === 'alarm' && e.kind === 'raised') alarmsRaised.inc({ priority: e.alarm.priority, drill: e.drill === null ? 'no' : 'yes' });
  };
  return {
    registry,
    /** Where the outbox, queue and InfluxDB gauges are read from, once the writer exists. */
    watchHistory(source: HistoryGaugeSource): void {
      history = source;
    },
    /** Cluster mode: registers the site gauges, read from `source` when scraped (once, when the leases exist). */
    watchCluster,
    countForeign(): void {
      foreignTally++;
    },
    countAlarmEvent,
    countGateway,
    webhooks,
    ingestToStored,
    countIngested,
    rejected,
    retainedIgnored,
    batchWrite,
    pointsWritten,
    pointsOutboxed,
    pointsDead,
    deadLettersEvicted,
    brokerDropped,
    mqttConnected,
    mqttRejectedFrames,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
