/**
 * Server-side trouble worth a banner, not only a chip: the broker or InfluxDB
 * unreachable, the outbox growing, the broker dropping messages (readings may be lost), or, with
 * several servers, a site no server runs (its alarms and readings are not processed) or the shared
 * database not answering (nothing the officer does, and no new alarm, is recorded). The health
 * answer says what is wrong now; since when is remembered here, from the first poll that saw it.
 */
import type { HealthResponse } from '../../../contract/api.ts';

export type TroublePart = 'cluster' | 'store' | 'broker' | 'influx' | 'outbox' | 'drops';

export interface Trouble {
  part: TroublePart;
  since: number;
  detail: string;
  /** Readings waiting in the outbox. */
  depth: number;
  /** The sites no server runs (cluster trouble); empty otherwise. */
  sites: string[];
}

export interface TroubleMemory {
  since: Readonly<Partial<Record<TroublePart, number>>>;
  /** Null before the first poll: growth needs two answers to compare. */
  lastDepth: number | null;
}

export const NO_TROUBLE: TroubleMemory = { since: {}, lastDepth: null };

/** Which parts are in trouble in this answer. The outbox is when it says so, or when it grew since the last poll. */
function failing(health: HealthResponse, lastDepth: number | null): Set<TroublePart> {
  const parts = new Set<TroublePart>();
  if (health.parts.cluster?.ok === false) parts.add('cluster');
  // Only a failing store: an ok one with a detail is a configuration warning (collation), no outage.
  if (health.parts.store?.ok === false) parts.add('store');
  if (!health.parts.broker.ok) parts.add('broker');
  if (!health.parts.influx.ok) parts.add('influx');
  if (!health.parts.drops.ok) parts.add('drops');
  const depth = health.parts.outbox.depth;
  if (!health.parts.outbox.ok || (lastDepth !== null && depth > lastDepth)) parts.add('outbox');
  return parts;
}

export function rememberTrouble(memory: TroubleMemory, health: HealthResponse, now: number): TroubleMemory {
  const parts = failing(health, memory.lastDepth);
  const since: Partial<Record<TroublePart, number>> = {};
  for (const part of parts) since[part] = memory.since[part] ?? now;
  // A growing outbox stays in trouble while it is not empty, even on a poll where it held still.
  if (!parts.has('outbox') && memory.since.outbox !== undefined && health.parts.outbox.depth > 0) since.outbox = memory.since.outbox;
  return { since, lastDepth: health.parts.outbox.depth };
}

export function troubles(memory: TroubleMemory, health: HealthResponse): Trouble[] {
  // A site nobody runs first: nothing raises its alarms at all. Then the database: an alarm raised
  // or acknowledged now is not recorded.
  const order: TroublePart[] = ['cluster', 'store', 'influx', 'broker', 'drops', 'outbox'];
  const depth = health.parts.outbox.depth;
  return order.flatMap((part) => {
    const since = memory.since[part];
    if (since === undefined) return [];
    // While InfluxDB is down its banner already names the buffering; the outbox adds nothing.
    if (part === 'outbox' && memory.since.influx !== undefined) return [];
    const sites = part === 'cluster' ? (health.parts.cluster?.unheld ?? []) : [];
    return [{ part, since, detail: health.parts[part]?.detail ?? '', depth, sites }];
  });
}
