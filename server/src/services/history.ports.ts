/**
 * Ports of the history writer: what history keeps (points), where points go, and where they wait
 * when that is down. No storage format appears here: the InfluxDB adapter turns points into line
 * protocol, the SQLite outbox keeps them as JSON.
 */
import type { Alarm, AlarmEventKind, Observation } from '../../../contract/index.ts';

type WithoutSource<T> = T extends unknown ? Omit<T, 'source'> : never;

/** An observation as history keeps it: everything but how it arrived (MQTT or HTTP). */
export type HistoryObservation = WithoutSource<Observation>;

export interface ObservationPoint {
  type: 'observation';
  observation: HistoryObservation;
}

/** One step of an alarm's lifecycle, for charts of alarm periods next to the readings. */
export interface AlarmEventPoint {
  type: 'alarm_event';
  at: number;
  seq: number;
  kind: AlarmEventKind;
  actor: string;
  alarm: Pick<Alarm, 'id' | 'state' | 'condition' | 'priority' | 'sensorKind' | 'sensorId' | 'siteId' | 'zoneId' | 'drill'>;
}

export type HistoryPoint = ObservationPoint | AlarmEventPoint;

/** Where producers (ingest, alarm events) hand points in; the history writer. */
export interface HistoryQueue {
  /**
   * Queues one message's points (never split across batches); `onDurable` runs once all of them
   * are stored or in the outbox.
   */
  add(points: HistoryPoint | readonly HistoryPoint[], minTs: number, maxTs: number, onDurable?: () => void): void;
}

export interface HistorySink {
  /**
   * Stores points; rejects with `{ retryable: boolean }` when it cannot (false: the data itself was
   * refused — some points may be stored all the same, and writing them again must be harmless),
   * and `refused`, how many of the points were refused, when the sink knows.
   */
  write(points: readonly HistoryPoint[]): Promise<void>;
  /** Recompute long-range roll-ups over a time range (after replaying old points). */
  backfill(fromMs: number, toMs: number): Promise<void>;
}

export interface OutboxBatch {
  id: number;
  points: readonly HistoryPoint[];
  minTs: number;
  maxTs: number;
}

/** Durable FIFO of batches (SQLite). Synchronous: once `append` returns, the batch is on disk. */
export interface Outbox {
  append(batch: Omit<OutboxBatch, 'id'>): void;
  oldest(): OutboxBatch | undefined;
  remove(batch: OutboxBatch): void;
  depth(): { batches: number; points: number };
  /**
   * Keeps points the sink refused (4xx), with its reason, for inspection. Capped: beyond the cap
   * the oldest dead letters go, and `evicted` says how many points went (so they are counted).
   */
  deadLetter(points: readonly HistoryPoint[], reason: string): { evicted: number };
}
