/**
 * Storage: the operational store (SQLite in DATA_DIR, or PostgreSQL at DATABASE_URL, shared by
 * every node), InfluxDB, and the history writer between ingest and InfluxDB.
 */
import { InfluxClient } from '../adapters/influx.client.ts';
import { InfluxHistory } from '../adapters/influx.history.ts';
import { keyedOffset } from '../adapters/influx.line-protocol.ts';
import { loadOffsetKey } from '../adapters/influx.offset-key.ts';
import { ensureSchema } from '../adapters/influx.schema.ts';
import { SqlAuditLog } from '../adapters/sql.audit.ts';
import { SqlOutbox } from '../adapters/sql.outbox.ts';
import type { Sql } from '../adapters/sql.ts';
import { collationWarning, openStore } from '../adapters/sql.open.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { systemScheduler } from '../services/clock.ts';
import { HistoryWriter, type WriterObserver } from '../services/history.writer.ts';
import { retry, type BackoffOptions } from '../services/retry.ts';
import type { Part } from './parts.ts';

/** Two writes in flight keep InfluxDB busy while the next batch fills, without piling up behind a slow one. */
const MAX_WRITES_IN_FLIGHT = 2;
/** InfluxDB may come up long after Vigil (readings wait in the outbox meanwhile). */
const SCHEMA_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000 };

export interface Storage {
  /** The operational store, for every adapter written over {@link Sql}; one connection, so their transactions compose. */
  sql: Sql;
  audit: SqlAuditLog;
  influx: InfluxClient;
  /** One InfluxDB history: the writer's sink, and the source of sensor readings and drill trigger times. */
  history: InfluxHistory;
  writer: HistoryWriter;
  /**
   * What a health report should say about the store: null when well, else a warning (a PostgreSQL
   * database that sorts text differently from SQLite).
   */
  storeWarning: string | null;
  /** Closes the database: the last part to stop. */
  database: Part;
  /** Replays what an earlier run left in the outbox, sets up the InfluxDB schema; stops the writer. */
  historyWriter: Part;
}

export async function composeStorage(config: Config, logger: Logger, metrics: Metrics): Promise<Storage> {
  const sql = await openStore(config, logger);
  const storeWarning = sql.dialect === 'postgres' ? await collationWarning(sql) : null;
  if (storeWarning) logger.warn({ store: 'postgres' }, storeWarning);
  const influx = new InfluxClient({ url: config.INFLUX_URL, db: config.INFLUX_DB, username: config.INFLUX_USERNAME, password: config.INFLUX_PASSWORD });
  // The secret behind the points' timestamps: a device cannot aim a message at a stored point
  // (docs/decisions/0006-keyed-timestamp-offsets.md).
  const history = new InfluxHistory(influx, keyedOffset(loadOffsetKey(config.DATA_DIR)));
  const writer = new HistoryWriter(
    history,
    new SqlOutbox(sql),
    systemScheduler,
    {
      maxBatchPoints: config.BATCH_MAX_POINTS,
      flushIntervalMs: config.FLUSH_INTERVAL_MS,
      maxInFlight: MAX_WRITES_IN_FLIGHT,
      maxQueuedPoints: config.INGEST_QUEUE_MAX,
    },
    writerObserver(metrics, logger.child({ component: 'history' })),
  );
  metrics.watchHistory(writer);
  const influxLog = logger.child({ component: 'influx' });
  let stopping = false;
  return {
    sql,
    audit: new SqlAuditLog(sql),
    influx,
    history,
    writer,
    storeWarning,
    database: {
      name: 'database',
      stop: () => sql.close(),
    },
    historyWriter: {
      name: 'history writer',
      start: () => {
        writer.start();
        // In the background: Vigil starts, and buffers, without InfluxDB. Writes meanwhile name the
        // `raw` policy, so until it exists they fail retryable and wait in the outbox (influx.history.ts).
        void ensureSchemaUntilDone(influx, config, influxLog, () => stopping);
      },
      stop: async () => {
        stopping = true;
        await writer.stop();
      },
    },
  };
}

function writerObserver(metrics: Metrics, log: Logger): WriterObserver {
  return {
    written: (points, seconds) => {
      metrics.pointsWritten.inc(points);
      metrics.batchWrite.observe(seconds);
    },
    replayed: (points) => metrics.pointsWritten.inc(points),
    outboxed: (points) => metrics.pointsOutboxed.inc(points),
    deadLettered: (points, reason) => {
      metrics.pointsDead.inc(points);
      log.error({ points, reason }, 'InfluxDB refused points; kept in dead_batch');
    },
    deadLetterEvicted: (points) => {
      metrics.deadLettersEvicted.inc(points);
      log.warn({ points }, 'dead_batch is full; its oldest points were dropped');
    },
    sinkState: (up, error) =>
      up
        ? log.info('InfluxDB writes succeed again; replaying the outbox')
        : log.warn({ err: error?.message }, 'InfluxDB write failed; buffering to the outbox'),
    backfillFailed: (error) => log.warn({ err: error.message }, 'roll-up backfill after replay failed'),
    storeFailed: (error) => log.error({ err: error.message }, 'the outbox could not be written or read; retrying (messages are acknowledged once stored)'),
  };
}

async function ensureSchemaUntilDone(influx: InfluxClient, config: Config, log: Logger, stopped: () => boolean): Promise<void> {
  try {
    await retry(() => ensureSchema(influx, config.RAW_RETENTION_DAYS), {
      timers: systemScheduler,
      backoff: SCHEMA_BACKOFF,
      stopped,
      onRetry: (err, _attempt, delayMs) =>
        log.warn({ err: (err as Error).message, retryInMs: delayMs }, 'InfluxDB schema setup failed; readings go to the outbox meanwhile'),
    });
    log.info({ db: config.INFLUX_DB }, 'InfluxDB database, retention policies and roll-ups ready');
  } catch {
    // Stopped before InfluxDB answered: the next start sets the schema up.
  }
}
