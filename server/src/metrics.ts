/** Prometheus metrics (`GET /metrics`). */
import client from 'prom-client';

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
  const batchWrite = new client.Histogram({
    name: 'vigil_history_batch_write_seconds',
    help: 'Time to write one batch of points to InfluxDB',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const ingestToStored = new client.Histogram({
    name: 'vigil_ingest_to_durable_seconds',
    help: 'From receipt of an MQTT message to its points being stored in InfluxDB or the outbox (then it is acknowledged)',
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
  const outboxPoints = new client.Gauge({ name: 'vigil_outbox_points', help: 'Points waiting in the durable outbox', registers: [registry] });
  const outboxBatches = new client.Gauge({ name: 'vigil_outbox_batches', help: 'Batches waiting in the durable outbox', registers: [registry] });
  const queuePoints = new client.Gauge({ name: 'vigil_ingest_queue_points', help: 'Points accepted but not yet durable', registers: [registry] });
  const brokerDropped = new client.Gauge({
    name: 'vigil_broker_messages_dropped',
    help: 'Broker-reported dropped messages ($SYS/broker/publish/messages/dropped), Mosquitto only',
    registers: [registry],
  });
  const mqttConnected = new client.Gauge({ name: 'vigil_mqtt_connected', help: '1 while the ingest MQTT client is connected', registers: [registry] });
  const influxUp = new client.Gauge({ name: 'vigil_influx_up', help: '1 while InfluxDB accepts writes', registers: [registry] });
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
  return {
    registry,
    alarmsRaised,
    webhooks,
    ingestToStored,
    countIngested,
    rejected,
    batchWrite,
    pointsWritten,
    pointsOutboxed,
    pointsDead,
    outboxPoints,
    outboxBatches,
    queuePoints,
    brokerDropped,
    mqttConnected,
    influxUp,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
