/**
 * The composition root: reads the configuration, wires adapters to services, starts listening.
 * Nothing else constructs adapters (STYLE.md "A composition root, ports and adapters").
 */
import fs from 'node:fs';
import http from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { Registry } from './domain/registry.ts';
import { nativeDecoder } from './domain/observation.decode.ts';
import { adapterPublishFilters, createDeviceDecoders } from './domain/decoders/index.ts';
import { FacilityError, loadFacility } from './services/facility.loader.ts';
import { openDatabase } from './adapters/sqlite.database.ts';
import { MIGRATIONS } from './adapters/sqlite.migrations.ts';
import { SqliteOutbox } from './adapters/sqlite.outbox.ts';
import { InfluxClient } from './adapters/influx.client.ts';
import { ensureSchema } from './adapters/influx.schema.ts';
import { InfluxHistory } from './adapters/influx.history.ts';
import { MqttSubscriber } from './adapters/mqtt.subscriber.ts';
import { loadBrokerSecrets } from './adapters/broker.secrets.ts';
import { MosquittoDynsec } from './adapters/mosquitto.dynsec.ts';
import { HistoryWriter } from './services/history.writer.ts';
import { IngestService } from './services/ingest.service.ts';
import { RejectionLog } from './services/rejection.log.ts';
import { AlarmService } from './services/alarm.service.ts';
import { DEFAULT_ENGINE_SETTINGS } from './domain/alarm/index.ts';
import { alarmEventLine } from './domain/line-protocol.ts';
import { SqliteAlarmStore } from './adapters/sqlite.alarms.ts';
import { SqliteAuditLog } from './adapters/sqlite.audit.ts';
import { SocketHub } from './adapters/socketio.hub.ts';
import { WebhookNotifier } from './adapters/webhook.notifier.ts';
import { alarmsRouter } from './http/alarms.router.ts';
import { sessionAccess } from './http/access.ts';
import { SqliteSessionStore, SqliteUserStore } from './adapters/sqlite.users.ts';
import { SqliteApiKeyStore, SqliteDeviceStore } from './adapters/sqlite.devices.ts';
import { AuthService } from './services/auth.service.ts';
import { RateLimiter } from './services/auth.rate-limit.ts';
import { UsersService } from './services/users.service.ts';
import { ApiKeyService, BROKER_ADMIN_USERNAME, DEFAULT_INGEST_MQTT_USERNAME, DeviceCredentialService } from './services/device-credentials.service.ts';
import { DeviceTopics } from './services/device-credentials.topics.ts';
import { DRILL_USERNAME_TEMPLATE, brokerPlan } from './services/device-credentials.broker.ts';
import { sessionMiddleware, socketAuth } from './http/auth.middleware.ts';
import { authRouter } from './http/auth.router.ts';
import { usersRouter } from './http/users.router.ts';
import { devicesRouter } from './http/devices.router.ts';
import { securityHeaders } from './http/security.ts';
import { DEMO_ACCOUNTS } from '../../contract/index.ts';
import express from 'express';
import path from 'node:path';
import { DrillService } from './services/drill.service.ts';
import { SqliteDrillStore } from './adapters/sqlite.drills.ts';
import { ScenarioFiles } from './adapters/scenario.files.ts';
import { SimulatorRunner } from './adapters/simulator.runner.ts';
import { drillsRouter } from './http/drills.router.ts';
import { reportsRouter } from './http/reports.router.ts';
import { ReportService } from './services/report.service.ts';
import { ReadingsService } from './services/readings.service.ts';
import { systemClock } from './services/clock.ts';
import { createApp } from './http/app.ts';
import { healthRouter } from './http/health.router.ts';
import { facilityRouter } from './http/facility.router.ts';
import { ingestRouter } from './http/ingest.router.ts';
import { createLogLimiter } from './log-limiter.ts';

const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const DAY_MS = 86_400_000;
/** A socket outlives an idle-expired session (SESSION_IDLE_MIN, minutes) by at most this; revocations close sockets at once. */
const SESSION_SWEEP_MS = 5_000;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Keeps creating the InfluxDB schema until it works: Vigil starts (and buffers) without InfluxDB. */
async function ensureSchemaInBackground(influx: InfluxClient, config: Config, logger: Logger): Promise<void> {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      await ensureSchema(influx, config.RAW_RETENTION_DAYS);
      logger.info({ db: config.INFLUX_DB }, 'InfluxDB database, retention policies and roll-ups ready');
      return;
    } catch (err) {
      logger.warn({ err: (err as Error).message, retryInMs: delay }, 'InfluxDB schema setup failed; readings go to the outbox meanwhile');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function watchOutbox(writer: HistoryWriter, metrics: Metrics): NodeJS.Timeout {
  return setInterval(() => {
    const d = writer.outboxDepth();
    metrics.outboxPoints.set(d.points);
    metrics.outboxBatches.set(d.batches);
    metrics.queuePoints.set(writer.queuedPoints);
    metrics.influxUp.set(writer.isSinkUp ? 1 : 0);
  }, 1000).unref();
}

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vigil: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let loaded: ReturnType<typeof loadFacility>;
  try {
    loaded = loadFacility(config.FACILITY_FILE);
  } catch (err) {
    if (err instanceof FacilityError) {
      process.stderr.write(`vigil: the facility file is invalid:\n${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const registry = new Registry(loaded.facility);
  logger.info({ file: config.FACILITY_FILE, sites: registry.facility.sites.length, sensors: registry.allSensors().length }, 'facility loaded');

  const metrics = createMetrics();
  const db = openDatabase(config.DATA_DIR, MIGRATIONS);
  const influx = new InfluxClient({ url: config.INFLUX_URL, db: config.INFLUX_DB, username: config.INFLUX_USERNAME, password: config.INFLUX_PASSWORD });
  void ensureSchemaInBackground(influx, config, logger.child({ component: 'influx' }));
  // One InfluxDB history: the writer's sink, and the source of sensor readings and drill trigger times.
  const history = new InfluxHistory(influx);

  const writerLog = logger.child({ component: 'history' });
  const writer = new HistoryWriter(
    history,
    new SqliteOutbox(db),
    { maxBatchPoints: config.BATCH_MAX_POINTS, flushIntervalMs: config.FLUSH_INTERVAL_MS, maxInFlight: 2, maxQueuedPoints: config.INGEST_QUEUE_MAX },
    {
      written: (points, seconds) => {
        metrics.pointsWritten.inc(points);
        metrics.batchWrite.observe(seconds);
      },
      replayed: (points) => metrics.pointsWritten.inc(points),
      outboxed: (points) => metrics.pointsOutboxed.inc(points),
      deadLettered: (points, reason) => {
        metrics.pointsDead.inc(points);
        writerLog.error({ points, reason }, 'InfluxDB refused a batch; kept in dead_batch');
      },
      sinkState: (up, error) =>
        up
          ? writerLog.info('InfluxDB writes succeed again; replaying the outbox')
          : writerLog.warn({ err: error?.message }, 'InfluxDB write failed; buffering to the outbox'),
      backfillFailed: (error) => writerLog.warn({ err: error.message }, 'roll-up backfill after replay failed'),
    },
  );
  writer.start();
  const outboxTimer = watchOutbox(writer, metrics);

  const ingestLog = logger.child({ component: 'ingest' });
  const logRejection = createLogLimiter(60_000);
  const rejections = new RejectionLog(config.REJECTIONS_KEPT, (r) => {
    metrics.rejected.inc({ reason: r.reason });
    if (logRejection(`${r.origin}|${r.reason}`)) ingestLog.warn({ origin: r.origin, reason: r.reason, detail: r.detail }, 'input rejected');
  });
  const ingest = new IngestService(
    registry,
    writer,
    rejections,
    systemClock,
    { maxAgeMs: config.RAW_RETENTION_DAYS * DAY_MS, decoders: [nativeDecoder, ...createDeviceDecoders()] },
    (o) => metrics.countIngested(o.source, o.channel),
    (err, o) => ingestLog.error({ err, sensorId: o.sensorId, channel: o.channel }, 'observation listener failed'),
  );

  // Alarms: the engine behind the service, state in SQLite, changes pushed over Socket.IO.
  const alarmLog = logger.child({ component: 'alarms' });
  const audit = new SqliteAuditLog(db);

  // People, sessions and device credentials (issue 4).
  const authLog = logger.child({ component: 'auth' });
  const userStore = new SqliteUserStore(db);
  const sessionStore = new SqliteSessionStore(db);
  // Live connections do not outlive their session: a revocation here closes that user's sockets at
  // once; a sweep catches idle expiry and revocations by the CLI (another process). The hub is made
  // below, where this is bound to it.
  let closeEndedSockets: (username?: string) => void = () => {};
  const auth = new AuthService(userStore, sessionStore, audit, systemClock, {
    idleMs: config.SESSION_IDLE_MIN * 60_000,
    addressLimiter: new RateLimiter({ burst: config.LOGIN_RATE_PER_MIN, perSecond: config.LOGIN_RATE_PER_MIN / 60 }, systemClock),
    onSessionsEnded: (u) => closeEndedSockets(u),
  });
  const users = new UsersService(userStore, sessionStore, audit, systemClock, undefined, {
    onUnlock: (u) => auth.forgetFailures(u),
    onSessionsEnded: (u) => closeEndedSockets(u),
  });
  const deviceTopics = new DeviceTopics(registry, adapterPublishFilters);
  const apiKeys = new ApiKeyService(new SqliteApiKeyStore(db), registry, audit, systemClock, config.ingestApiKey);
  // The broker's access rules: administered here (dynamic security) when `vigil broker init` left
  // the administrator's credential in DATA_DIR; otherwise the operator keeps them (mosquitto-config).
  const brokerLog = logger.child({ component: 'broker' });
  const brokerSecrets = loadBrokerSecrets(config.DATA_DIR);
  const dynsec =
    brokerSecrets.admin === null
      ? null
      : new MosquittoDynsec({ url: config.mqttUrl, username: BROKER_ADMIN_USERNAME, password: brokerSecrets.admin, logger: brokerLog });
  const deviceCredentials = new DeviceCredentialService(new SqliteDeviceStore(db), registry, deviceTopics, audit, systemClock, dynsec);
  if (config.VIGIL_DEMO) {
    const created = await users.ensureDemoAccounts();
    authLog.info(
      { created, accounts: DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password} (${a.role})`) },
      'demo mode: sign in with a demo account (production creates none)',
    );
  }
  const sessionPurge = setInterval(() => auth.purgeSessions(), 3_600_000).unref();
  const access = sessionAccess;
  const server = http.createServer();
  const alarmsRef: { service?: AlarmService } = {};
  const hub = new SocketHub(server, {
    snapshot: () => alarmsRef.service!.snapshot(),
    authorize: socketAuth(auth),
    logger: logger.child({ component: 'realtime' }),
  });
  closeEndedSockets = (username) => {
    hub.dropEndedSessions((id) => auth.sessionAlive(id), username);
  };
  const sessionSweep = setInterval(() => closeEndedSockets(), SESSION_SWEEP_MS).unref();
  const alarms = new AlarmService({
    registry,
    settings: { ...DEFAULT_ENGINE_SETTINGS, escalationS: config.ESCALATION_S },
    store: new SqliteAlarmStore(db),
    audit,
    hub,
    notifier: new WebhookNotifier(config.WEBHOOK_URLS, alarmLog, (ok) => metrics.webhooks.inc({ result: ok ? 'delivered' : 'failed' })),
    clock: systemClock,
    transaction: (fn) => db.transaction(fn)(),
    onEvent: (e) => {
      const line = alarmEventLine(e);
      if (line) writer.add(line, e.at, e.at);
      if (e.subject === 'alarm' && e.kind === 'raised') metrics.alarmsRaised.inc({ priority: e.alarm.priority, drill: e.drill === null ? 'no' : 'yes' });
    },
    onCommitError: (err) => alarmLog.fatal({ err }, 'could not store an alarm change; it is still pushed live'),
  });
  alarmsRef.service = alarms;
  ingest.subscribe((o) => alarms.onObservation(o));
  const alarmTimers = [
    setInterval(() => alarms.tick(), 1000),
    setInterval(() => alarms.flushSensorUpdates(), 500),
    setInterval(() => alarms.persistRuleStates(), 10_000),
  ];
  alarmLog.info({ open: alarms.snapshot().alarms.length, seq: alarms.currentSeq }, 'alarm state restored');

  const mqttUrl = config.mqttUrl;
  const ingestUsername = config.MQTT_USERNAME || DEFAULT_INGEST_MQTT_USERNAME;
  // On an administered broker the ingest signs in with its own credential (bound to its client id); elsewhere with MQTT_USERNAME/MQTT_PASSWORD.
  const mqttCredential = dynsec
    ? { username: ingestUsername, password: brokerSecrets.ingest }
    : { username: config.MQTT_USERNAME, password: config.MQTT_PASSWORD };
  const brokerReady = dynsec
    ? dynsec.keepReconciled(
        () =>
          brokerPlan({
            sensors: registry.allSensors(),
            topics: deviceTopics,
            devices: deviceCredentials.all(),
            ingest: { username: ingestUsername, clientId: config.MQTT_CLIENT_ID, password: brokerSecrets.ingest },
            drillPassword: brokerSecrets.drill,
            simulatorPassword: config.VIGIL_DEMO ? brokerSecrets.simulator : null,
          }),
        (r) => {
          if (r instanceof Error) return brokerLog.warn({ err: r.message, url: mqttUrl }, 'cannot administer the broker yet; retrying');
          brokerLog.info({ url: mqttUrl, changes: r.commands.length }, 'broker access matches the device credentials');
          if (r.missing.length)
            brokerLog.error(
              { devices: r.missing },
              'device credentials missing on the broker (issued while it was down?): they reach it when it next starts through npm start or Docker Compose, or re-issue them',
            );
        },
      )
    : Promise.resolve();
  const mqttLog = logger.child({ component: 'mqtt' });
  const subscriber = new MqttSubscriber({
    url: mqttUrl,
    clientId: config.MQTT_CLIENT_ID,
    username: mqttCredential.username,
    password: mqttCredential.password,
    topics: ingest.subscriptions(),
    onMessage: (topic, payload, done) => {
      const received = performance.now();
      ingest.handleMqttMessage(topic, payload, () => {
        metrics.ingestToStored.observe((performance.now() - received) / 1000);
        done();
      });
    },
    isSaturated: () => writer.saturated,
    whenDrained: () => writer.whenDrained(),
    onBrokerDropped: (n) => metrics.brokerDropped.set(n),
    onConnection: (up) => metrics.mqttConnected.set(up ? 1 : 0),
    logger: mqttLog,
  });
  const scenarios = new ScenarioFiles(path.join(ROOT, 'simulator/scenarios'));
  const simulator = new SimulatorRunner({
    root: ROOT,
    brokerUrl: mqttUrl,
    facilityFile: config.FACILITY_FILE,
    // One credential per drill device, each bound to its client id (services/device-credentials.broker.ts).
    username: DRILL_USERNAME_TEMPLATE,
    passwordFile: brokerSecrets.file('drill'),
    logger: logger.child({ component: 'drills' }),
  });
  const drills = new DrillService(
    new SqliteDrillStore(db),
    scenarios,
    simulator,
    {
      drillAlarms: (id) => alarms.drillAlarms(id),
      endDrill: (id) => alarms.endDrill(id),
      triggerTime: (id, sensorId, at) => history.lastDrillObservation(id, sensorId, at),
    },
    audit,
    (notice) => hub.drill(notice),
    systemClock,
  );
  const startedAt = Date.now();
  const app = createApp({
    middleware: [securityHeaders(), sessionMiddleware(auth)],
    routers: [
      healthRouter({
        brokerConnected: () => subscriber.connected,
        brokerDescription: new URL(mqttUrl).host,
        influxReachable: () => influx.ping(),
        influxAcceptingWrites: () => writer.isSinkUp,
        outboxDepth: () => writer.outboxDepth(),
        startedAt,
        version: VERSION,
      }),
      facilityRouter(
        registry,
        () => alarms.sensorStates(),
        (id) => alarms.sensorState(id),
        new ReadingsService(history),
        loaded.planFiles,
        access,
      ),
      reportsRouter(new ReportService(alarms), access),
      drillsRouter(drills, access, express.json({ limit: '256kb' }), () => scenarios.list()),
      alarmsRouter(alarms, audit, access, express.json({ limit: '64kb' })),
      ingestRouter(
        ingest,
        registry,
        rejections,
        apiKeys,
        access,
        new RateLimiter({ burst: 2 * config.INGEST_RATE_PER_S, perSecond: config.INGEST_RATE_PER_S }, systemClock),
      ),
      authRouter(auth, { demo: config.VIGIL_DEMO }),
      usersRouter(users, access),
      devicesRouter(apiKeys, deviceCredentials, access),
    ],
    metrics: metrics.registry,
    clientDist: config.CLIENT_DIST,
    logger: logger.child({ component: 'http' }),
  });
  // Socket.IO attached its own request handler above and passes on only listeners that existed
  // then; one added now sees its long-polling requests too, and Express's 404 for them would
  // collide with engine.io's answer (ERR_HTTP_HEADERS_SENT crashes the process).
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/socket.io/')) app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const port = (server.address() as { port: number }).port;
  logger.info({ port, url: `http://127.0.0.1:${port}/` }, 'Vigil HTTP listening');

  // Start consuming only once everything downstream is ready, and the broker knows the ingest credential.
  void brokerReady.then(() => subscriber.start());

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(outboxTimer);
    clearInterval(sessionPurge);
    clearInterval(sessionSweep);
    for (const t of alarmTimers) clearInterval(t);
    simulator.stopAll();
    alarms.persistRuleStates();
    await hub.close();
    // Store what is queued while still connected, so its acknowledgements reach the broker.
    await Promise.race([writer.flushAll(), new Promise((r) => setTimeout(r, 5000))]);
    await subscriber.stop().catch(() => {});
    await writer.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await dynsec?.close();
    db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
