/** Counting and checking load points in InfluxDB against what the devices published: lost, doubled, recovered. */
import { setTimeout as delay } from 'node:timers/promises';
import { eventually } from '../../test/support/vigil.ts';
import { fmt } from '../bench/bench.support.ts';
import { DB, log, P } from './config.ts';
import { SITE } from './facility.ts';
import { loadValue, type Cursor } from './publisher.ts';
import { healthy, type Stack } from './stack.ts';

const LOAD_REGEX = '/^F-GAS-/';

/** Load devices' messages in [from, to): their count and time range. */
export function loadSpan(s: Stack, from: Cursor, to: Cursor): { count: number; lo: number; hi: number } {
  let count = 0;
  let lo = Infinity;
  let hi = -Infinity;
  s.pub.devices.forEach((d, i) => {
    if (!d.spec.load || to[i]! <= from[i]!) return;
    count += to[i]! - from[i]!;
    lo = Math.min(lo, d.ledger.ts[from[i]!]!);
    hi = Math.max(hi, d.ledger.ts[to[i]! - 1]!);
  });
  return { count, lo, hi };
}

/** InfluxQL count() of load points in [lo, hi] (ms, inclusive). */
export async function countLoadPoints(s: Stack, lo: number, hi: number): Promise<number> {
  if (!Number.isFinite(lo)) return 0;
  const rows = await s.influx.query(
    `SELECT count(value) FROM reading WHERE site = '${SITE}' AND sensor =~ ${LOAD_REGEX} AND time >= ${lo}ms AND time < ${hi + 1}ms`,
    DB,
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Polls until everything published before `tEnd` is acknowledged and stored and Vigil is healthy;
 * seconds from `tEnd`, or null after the patience ran out.
 */
export async function recovery(s: Stack, from: Cursor, tEnd: number): Promise<number | null> {
  const deadline = Date.now() + P.patienceS * 1000;
  while (Date.now() < deadline) {
    const at = s.pub.cursorAt(from, s.pub.cursor(), tEnd);
    if (s.pub.ackedUpTo(at)) {
      const span = loadSpan(s, from, at);
      const stored = await countLoadPoints(s, span.lo, tEnd - 1).catch(() => -1);
      if (stored >= span.count && (await healthy(s))) return (Date.now() - tEnd) / 1000;
    }
    await delay(200);
  }
  return null;
}

/** Waits until every message in [from, to) is acknowledged, then until InfluxDB holds them all (or stops gaining). */
export async function settle(s: Stack, from: Cursor, to: Cursor): Promise<void> {
  const deadline = Date.now() + P.patienceS * 1000;
  while (!s.pub.ackedUpTo(to) && Date.now() < deadline) await delay(100);
  const span = loadSpan(s, from, to);
  let last = -1;
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    const stored = await countLoadPoints(s, span.lo, span.hi).catch(() => -1);
    if (stored >= span.count) return;
    if (stored !== last) stillSince = Date.now();
    else if (Date.now() - stillSince > 15_000) return; // no progress for 15 s: count what is there
    last = stored;
    await delay(250);
  }
}

export interface Verdict {
  published: number;
  stored: number;
  lost: number;
  doubled: number;
  /** Stored though the broker never acknowledged them (sent before a broker stop): not a loss, not a double. */
  storedUnacked: number;
}

/** Every load message in [from, to) against InfluxDB, point by point. */
export async function verify(s: Stack, from: Cursor, to: Cursor): Promise<Verdict> {
  const span = loadSpan(s, from, to);
  const stored = await countLoadPoints(s, span.lo, span.hi);
  const v: Verdict = { published: 0, stored, lost: 0, doubled: 0, storedUnacked: 0 };
  const jobs = s.pub.devices.map((d, i) => ({ d, a: from[i]!, b: to[i]! })).filter((j) => j.d.spec.load && j.b > j.a);
  const one = async ({ d, a, b }: (typeof jobs)[number]): Promise<void> => {
    const l = d.ledger;
    const points = await s.influx.query(
      `SELECT value FROM reading WHERE site = '${SITE}' AND sensor = '${d.spec.sensorId}' AND time >= ${l.ts[a]}ms AND time < ${l.ts[b - 1]! + 1}ms`,
      DB,
    );
    const hits = new Uint32Array(b - a);
    for (const p of points) {
      const k = l.lowerBound(Number(p.time), a, b);
      if (k < b && l.ts[k] === Number(p.time) && p.value === loadValue(k)) hits[k - a]!++;
      else v.doubled++; // a point at a time (or with a value) no message had
    }
    for (let k = a; k < b; k++) {
      const h = hits[k - a]!;
      const acked = l.state[k] === 2;
      if (acked) v.published++;
      if (h > 1) v.doubled += h - 1;
      if (h === 0 && acked) v.lost++;
      if (h > 0 && !acked) v.storedUnacked++;
    }
  };
  for (let i = 0; i < jobs.length; i += 4) await Promise.all(jobs.slice(i, i + 4).map(one));
  return v;
}

/** Points of one sensor in one measurement since `since` (every observation line has the `lag` field). */
export async function pointsOf(s: Stack, measurement: string, sensor: string, since: number): Promise<number> {
  const rows = await s.influx.query(`SELECT count(lag) FROM ${measurement} WHERE site = '${SITE}' AND sensor = '${sensor}' AND time >= ${since}ms`, DB);
  return Number(rows[0]?.count ?? 0);
}

export interface Ceiling {
  count: number;
  ackedPerS: number;
  storedPerS: number;
}

export async function measureCeiling(s: Stack): Promise<Ceiling> {
  const from = s.pub.cursor();
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  s.pub.flood(P.ceilingCount);
  const to = s.pub.cursor();
  while (!s.pub.ackedUpTo(to)) await delay(20);
  const ackedS = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  log(`faults: (the devices' process used ${fmt((cpu.user + cpu.system) / 1e6, 1)} CPU s of ${fmt(ackedS, 1)} s publishing the ceiling flood)`);
  const span = loadSpan(s, from, to);
  await eventually(async () => (await countLoadPoints(s, span.lo, span.hi)) >= span.count, P.patienceS * 1000, 'the ceiling flood stored');
  const storedS = (Date.now() - t0) / 1000;
  return { count: P.ceilingCount, ackedPerS: P.ceilingCount / ackedS, storedPerS: P.ceilingCount / storedS };
}
