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

/** Points the sink refused, with its reason. */
export interface RefusedPoints {
  points: readonly HistoryPoint[];
  reason: string;
}

/**
 * Durable FIFO of batches (SQLite or PostgreSQL): once `append` resolves, the batch is committed.
 * On PostgreSQL every node shares it and any of them replays it, so a node that dies with batches
 * in it strands none. A replayer claims one batch at a time (`claim`): two never replay the same
 * batch at once, and a claim runs out, so a dead replayer's batch is taken over.
 */
export interface Outbox {
  append(batch: Omit<OutboxBatch, 'id'>): Promise<void>;
  /** Claims the oldest batch nobody holds a live claim on at `now`, for `owner` until `until`. */
  claim(owner: string, until: number, now: number): Promise<OutboxBatch | undefined>;
  /** Extends `owner`'s claim; false when it ran out and another replayer took the batch. */
  renew(batch: OutboxBatch, owner: string, until: number): Promise<boolean>;
  /**
   * Removes a replayed batch and dead-letters its refused points, in one transaction, if `owner`
   * still holds its claim; null (nothing done) when it does not: the replayer that took it over
   * records the batch, once.
   */
  complete(batch: OutboxBatch, owner: string, refused: readonly RefusedPoints[]): Promise<{ evicted: number } | null>;
  /** Gives the claim back (stopping), so another replayer need not wait for it to run out. */
  release(batch: OutboxBatch, owner: string): Promise<void>;
  /** What waits in it, on every node. */
  depth(): Promise<{ batches: number; points: number }>;
  /**
   * Keeps points the sink refused (4xx), with its reason, for inspection; all of `refused` or none.
   * Capped: beyond the cap the oldest dead letters go, and `evicted` says how many points went (so
   * they are counted).
   */
  deadLetter(refused: readonly RefusedPoints[]): Promise<{ evicted: number }>;
}
