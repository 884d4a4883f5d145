/**
 * `npm run faults [-- --quick] [-- --only 1,3]` — the fault suite: does "nothing lost" hold
 * when things break? Starts the stack as `npm start` runs it (InfluxDB from config/influxdb.conf;
 * `vigil broker init`, then Mosquitto from config/mosquitto.conf with dynamic security; Vigil in
 * demo mode), drives QoS 1 traffic from devices that each sign in with their own credential,
 * injects each fault and prints one table (README "Fault suite"):
 *
 *   published  messages the broker acknowledged (PUBACK): only those are Vigil's to keep
 *   stored     InfluxQL count() over the row's published time range (points are distinct by
 *              series and time, so this counts distinct points)
 *   lost       acknowledged messages with no point
 *   doubled    points beyond one per message: a second point in a message's millisecond, or a
 *              point at a time no message had (stored at another timestamp)
 *   alarms     alarms raised during the row / alarms the row's traffic should raise
 *   recovery   from the fault's end (the restart) until everything published before it is
 *              stored and Vigil's /api/health answers 200
 *   peak RSS   Vigil's resident memory high-water mark during the row
 *
 * A row passes with 0 lost, 0 doubled and the expected alarms (rows 5-7 add their own
 * conditions, printed under the table); the exit code is 1 when any row fails. Absolute rates
 * move a lot between machines, so the run first measures its own ceiling (a flood published as
 * fast as the broker acknowledges it) and prints figures beside it.
 *
 * The devices are scripts/faults/publisher.ts (one raw MQTT connection each, resending what the
 * broker had not acknowledged after a reconnect); the facility is scripts/faults/facility.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import mqtt, { type IClientOptions } from 'mqtt';
import pino from 'pino';
import { DEMO_ACCOUNTS } from '../../contract/auth.ts';
import type { Alarm } from '../../contract/alarm.ts';
import { MosquittoDynsec } from '../../server/src/adapters/mosquitto.dynsec.ts';
import { startInflux, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../../test/support/services.ts';
import { eventually, startVigil, type VigilHandle } from '../../test/support/vigil.ts';
import { fmt } from '../bench/bench.support.ts';
import {
  ALARM_SENSORS,
  GATEWAY_ID,
  INTRUDER_DOOR,
  LOAD_SENSORS,
  RETAINED_GAS,
  RETAINED_SMOKE,
  SITE,
  Z2M_BASE,
  Z2M_DEVICES,
  writeFaultFacility,
} from './facility.ts';
import { FaultPublisher, loadValue, type Cursor, type DeviceSpec } from './publisher.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

interface Profile {
  /** Steady load, readings/s. */
  rate: number;
  /** Load before the fault and after recovery. */
  preS: number;
  postS: number;
  vigilDownS: number;
  brokerDownS: number;
  influxDownS: number;
  burstRate: number;
  burstS: number;
  intruderS: number;
  /** Messages published as fast as the broker takes them, to measure this run's ceiling. */
  ceilingCount: number;
  /** Give up waiting for recovery (or for the last points) after this long. */
  patienceS: number;
}

const FULL: Profile = {
  rate: 5_000,
  preS: 10,
  postS: 5,
  vigilDownS: 5,
  brokerDownS: 10,
  influxDownS: 60,
  burstRate: 50_000,
  burstS: 30,
  intruderS: 10,
  ceilingCount: 200_000,
  patienceS: 180,
};
const QUICK: Profile = {
  rate: 1_000,
  preS: 3,
  postS: 2,
  vigilDownS: 3,
  brokerDownS: 5,
  influxDownS: 5,
  burstRate: 10_000,
  burstS: 10,
  intruderS: 5,
  ceilingCount: 30_000,
  patienceS: 60,
};
const P = args.quick ? QUICK : FULL;
const ONLY = args.only ? new Set(args.only.split(',').map(Number)) : null;
const DB = 'vigil_faults';
const INGEST_ID = 'vigil-ingest';
const OFFICER = DEMO_ACCOUNTS.find((a) => a.role === 'officer')!;
const log = (line: string): boolean => process.stderr.write(`${line}\n`);

interface Row {
  n: number;
  fault: string;
  published: number | null;
  stored: number | null;
  lost: number | null;
  doubled: number | null;
  alarms: number;
  expectedAlarms: number;
  recoveryS: number | null;
  rssMb: number;
  /** Conditions of the row besides lost/doubled/alarms, each with its outcome. */
  checks: { what: string; ok: boolean }[];
  notes: string[];
  pass: boolean;
}

// ---------------------------------------------------------------------------------------------
// The stack

interface Stack {
  influx: InfluxHandle;
  vigil: VigilHandle;
  broker: MosquittoHandle;
  pub: FaultPublisher;
  cookie: string;
  devicePassword: string;
  simPassword: string;
}

async function startStack(dir: string): Promise<Stack> {
  const facilityFile = writeFaultFacility(dir);
  const influx = await startInflux();
  // Demo mode as `npm start` runs it: the officer account and one simulator credential per device.
  const vigil = await startVigil({ influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: facilityFile, VIGIL_DEMO: '1', LOG_LEVEL: 'info' } });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 60_000, 'Vigil healthy');
  const broker = vigil.broker!;
  const simPassword = fs.readFileSync(path.join(vigil.dataDir, 'broker/simulator.password'), 'utf8').trim();
  const added = await vigil.cli(['device', 'add', INTRUDER_DOOR]);
  const devicePassword = /password: (\S+)/.exec(added.stdout)?.[1];
  if (added.code !== 0 || !devicePassword) throw new Error(`vigil device add ${INTRUDER_DOOR} failed: ${added.stderr}`);
  const cookie = await vigil.login(OFFICER.username, OFFICER.password);
  const specs: DeviceSpec[] = [
    ...LOAD_SENSORS.map((s) => ({ sensorId: s, load: true })),
    ...[...ALARM_SENSORS, RETAINED_GAS, RETAINED_SMOKE].map((s) => ({ sensorId: s, load: false })),
  ].map((d) => ({ ...d, username: `sim@${d.sensorId}`, password: simPassword }));
  const pub = new FaultPublisher(broker.url, SITE, specs);
  await pub.connect();
  return { influx, vigil, broker, pub, cookie, devicePassword, simPassword };
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function healthy(s: Stack): Promise<boolean> {
  try {
    return (await s.vigil.api('/api/health')).status === 200;
  } catch {
    return false;
  }
}

async function api<T>(s: Stack, pathname: string, init: RequestInit = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${s.vigil.url}${pathname}`, {
      ...init,
      headers: { cookie: s.cookie, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    });
    if (res.status === 401 && attempt === 0) {
      s.cookie = await s.vigil.login(OFFICER.username, OFFICER.password);
      continue;
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${pathname} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}

async function alarms(s: Stack, query = ''): Promise<{ total: number; alarms: Alarm[] }> {
  return api(s, `/api/alarms?site=${SITE}&limit=1000${query}`);
}

/** Peak RSS of Vigil over a row: the kernel's high-water mark, reset at the start (and per process across a restart). */
function rssTracker(s: Stack): { stop(): number } {
  let peakKb = 0;
  const read = (): void => {
    const pid = s.vigil.pid;
    if (!pid) return;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // between a kill and the restart
    }
  };
  try {
    if (s.vigil.pid) fs.writeFileSync(`/proc/${s.vigil.pid}/clear_refs`, '5'); // 5: reset the peak RSS to the current RSS
  } catch {
    // not permitted here: the figure is then the process's peak since it started
  }
  read();
  const timer = setInterval(read, 200);
  return {
    stop() {
      clearInterval(timer);
      read();
      return peakKb / 1024;
    },
  };
}

/** How often Vigil's ingest has connected to the broker, from its log. */
function ingestConnections(s: Stack): number {
  return fs
    .readFileSync(s.vigil.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"connected to MQTT broker"')).length;
}

const LOAD_REGEX = '/^F-GAS-/';

/** Load devices' messages in [from, to): their count and time range. */
function loadSpan(s: Stack, from: Cursor, to: Cursor): { count: number; lo: number; hi: number } {
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
async function countLoadPoints(s: Stack, lo: number, hi: number): Promise<number> {
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
async function recovery(s: Stack, from: Cursor, tEnd: number): Promise<number | null> {
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
async function settle(s: Stack, from: Cursor, to: Cursor): Promise<void> {
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

interface Verdict {
  published: number;
  stored: number;
  lost: number;
  doubled: number;
  /** Stored though the broker never acknowledged them (sent before a broker stop): not a loss, not a double. */
  storedUnacked: number;
}

/** Every load message in [from, to) against InfluxDB, point by point. */
async function verify(s: Stack, from: Cursor, to: Cursor): Promise<Verdict> {
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

interface Diagnostics {
  rejected: number;
  deadLettered: number;
  /** Mosquitto's $SYS dropped-messages counter as Vigil last saw it (since the broker started). */
  brokerDropped: number;
  /** Mosquitto's own log lines about dropping messages queued for a client. */
  dropLogLines: number;
  vigilPid: number | undefined;
}

/** What Vigil's /metrics and the broker's log say about refused, dead-lettered and dropped messages. */
async function diagnostics(s: Stack): Promise<Diagnostics> {
  let text = '';
  try {
    text = await (await fetch(`${s.vigil.url}/metrics`)).text();
  } catch {
    // Vigil down: counters read as 0
  }
  const sum = (name: string): number =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name) && !l.startsWith(`${name}_`))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1) || 0), 0);
  let dropLogLines = 0;
  try {
    dropLogLines = fs
      .readFileSync(s.broker.logFile, 'utf8')
      .split('\n')
      .filter((l) => /being dropped/i.test(l)).length;
  } catch {
    // no log yet
  }
  return {
    rejected: sum('vigil_observations_rejected_total'),
    deadLettered: sum('vigil_history_points_dead_lettered_total'),
    brokerDropped: sum('vigil_broker_messages_dropped'),
    dropLogLines,
    vigilPid: s.vigil.pid,
  };
}

/** Notes for what went wrong besides the point counts (counters restart with their process: a restart shows the later figure). */
function diagnosticNotes(a: Diagnostics, b: Diagnostics): string[] {
  const restarted = a.vigilPid !== b.vigilPid;
  const delta = (x: number, y: number): number => (restarted || y < x ? y : y - x);
  const notes: string[] = [];
  const rejected = delta(a.rejected, b.rejected);
  const dead = delta(a.deadLettered, b.deadLettered);
  const dropped = b.brokerDropped < a.brokerDropped ? b.brokerDropped : b.brokerDropped - a.brokerDropped;
  if (rejected) notes.push(`Vigil rejected ${fmt(rejected)} inputs`);
  if (dead) notes.push(`Vigil dead-lettered ${fmt(dead)} points`);
  if (dropped) notes.push(`Mosquitto dropped ${fmt(dropped)} messages ($SYS/broker/publish/messages/dropped, seen by Vigil)`);
  if (b.dropLogLines > a.dropLogLines)
    notes.push(`Mosquitto's log: "Outgoing messages are being dropped" ${b.dropLogLines - a.dropLogLines}× (max_queued_messages reached for a client)`);
  return notes;
}

/** Points of one sensor in one measurement since `since` (every observation line has the `lag` field). */
async function pointsOf(s: Stack, measurement: string, sensor: string, since: number): Promise<number> {
  const rows = await s.influx.query(`SELECT count(lag) FROM ${measurement} WHERE site = '${SITE}' AND sensor = '${sensor}' AND time >= ${since}ms`, DB);
  return Number(rows[0]?.count ?? 0);
}

/** Waits (bounded) for `expected` alarms of a sensor, then returns how many the site raised since `before`. */
async function alarmsSince(s: Stack, before: number, sensor: string | null, expected: number): Promise<number> {
  if (sensor && expected > 0) {
    await eventually(async () => (await alarms(s, `&sensor=${sensor}`)).total >= expected, 20_000, `an alarm of ${sensor}`).catch(() => undefined);
  }
  return (await alarms(s)).total - before;
}

// ---------------------------------------------------------------------------------------------
// Rows 1-4: a fault under paced load, one alarm expected from a reading published during it

async function loadFault(
  s: Stack,
  n: number,
  title: string,
  alarmSensor: string,
  fault: (raiseAlarm: () => void) => Promise<number>,
  extraNotes: (v: Verdict, recoveryS: number | null, from: Cursor, to: Cursor) => string[] = () => [],
): Promise<Row> {
  const alarmsBefore = (await alarms(s)).total;
  const rss = rssTracker(s);
  const from = s.pub.cursor();
  s.pub.setRate(P.rate);
  await delay(P.preS * 1000);
  const raiseAlarm = (): void => void s.pub.publish(alarmSensor, 'reading', { value: 25, unit: '%LEL' });
  const tEnd = await fault(raiseAlarm);
  const recoveryS = await recovery(s, from, tEnd);
  await delay(P.postS * 1000);
  s.pub.setRate(0);
  const to = s.pub.cursor();
  await settle(s, from, to);
  const v = await verify(s, from, to);
  const raised = await alarmsSince(s, alarmsBefore, alarmSensor, 1);
  const rssMb = rss.stop();
  const notes = extraNotes(v, recoveryS, from, to);
  const made = loadSpan(s, from, to).count;
  if (made > v.published) notes.push(`${fmt(made - v.published)} of ${fmt(made)} readings made were still not acknowledged by the broker when the row ended`);
  if (v.storedUnacked) notes.push(`${fmt(v.storedUnacked)} stored that the broker never acknowledged (in flight when it stopped; not counted as published)`);
  const checks = [{ what: 'recovered within the patience', ok: recoveryS !== null }];
  return row(n, title, v, raised, 1, recoveryS, rssMb, checks, notes);
}

function row(
  n: number,
  fault: string,
  v: Verdict | null,
  alarms: number,
  expectedAlarms: number,
  recoveryS: number | null,
  rssMb: number,
  checks: Row['checks'],
  notes: string[],
): Row {
  const pass = (v === null || (v.lost === 0 && v.doubled === 0)) && alarms === expectedAlarms && checks.every((c) => c.ok);
  return {
    n,
    fault,
    published: v?.published ?? null,
    stored: v?.stored ?? null,
    lost: v?.lost ?? null,
    doubled: v?.doubled ?? null,
    alarms,
    expectedAlarms,
    recoveryS,
    rssMb,
    checks,
    notes,
    pass,
  };
}

const drainNote =
  (ceiling: Ceiling, backlogS: number) =>
  (_v: Verdict, recoveryS: number | null): string[] =>
    recoveryS === null ? [] : [`backlog of ~${fmt(P.rate * backlogS)} readings cleared; stack ceiling this run ${fmt(ceiling.storedPerS)}/s stored end to end`];

async function killVigil(s: Stack, ceiling: Ceiling): Promise<Row> {
  return loadFault(
    s,
    1,
    `kill -9 Vigil at ${fmt(P.rate)}/s, restarted after ${P.vigilDownS} s`,
    ALARM_SENSORS[0]!,
    async (raiseAlarm) => {
      await s.vigil.kill();
      raiseAlarm();
      await delay(P.vigilDownS * 1000);
      const tEnd = Date.now();
      await s.vigil.start();
      return tEnd;
    },
    drainNote(ceiling, P.vigilDownS),
  );
}

async function stopBroker(s: Stack, ceiling: Ceiling): Promise<Row> {
  const connectionsBefore = s.pub.connections();
  const r = await loadFault(
    s,
    2,
    `Mosquitto stopped ${P.brokerDownS} s at ${fmt(P.rate)}/s, restarted`,
    ALARM_SENSORS[1]!,
    async (raiseAlarm) => {
      await s.broker.stop();
      raiseAlarm(); // queued on the device until the broker is back
      await delay(P.brokerDownS * 1000);
      const tEnd = Date.now();
      await s.broker.start();
      return tEnd;
    },
    drainNote(ceiling, P.brokerDownS),
  );
  const reconnected = s.pub.connections() - connectionsBefore;
  r.notes.unshift(`${reconnected} of ${s.pub.devices.length} devices reconnected and resent what the broker had not acknowledged`);
  r.checks.push({ what: 'every device reconnected', ok: reconnected >= s.pub.devices.length });
  r.pass &&= reconnected >= s.pub.devices.length;
  return r;
}

async function stopInflux(s: Stack, ceiling: Ceiling): Promise<Row> {
  let outboxPeak = 0;
  const r = await loadFault(
    s,
    3,
    `InfluxDB stopped ${P.influxDownS} s at ${fmt(P.rate)}/s, restarted`,
    ALARM_SENSORS[2]!,
    async (raiseAlarm) => {
      await s.influx.stop();
      raiseAlarm(); // the alarm engine does not wait for InfluxDB
      const until = Date.now() + P.influxDownS * 1000;
      while (Date.now() < until) {
        outboxPeak = Math.max(outboxPeak, await outboxDepth(s));
        await delay(Math.min(1000, Math.max(0, until - Date.now())));
      }
      const tEnd = Date.now();
      await s.influx.start();
      return tEnd;
    },
    drainNote(ceiling, P.influxDownS),
  );
  r.notes.unshift(`SQLite outbox held up to ${fmt(outboxPeak)} points while InfluxDB was down`);
  return r;
}

/** Points waiting in Vigil's outbox (a signed-in /api/health; it answers 503 while InfluxDB is down). */
async function outboxDepth(s: Stack): Promise<number> {
  try {
    const res = await fetch(`${s.vigil.url}/api/health`, { headers: { cookie: s.cookie } });
    const body = (await res.json()) as { parts?: { outbox?: { depth?: number } } };
    return body.parts?.outbox?.depth ?? 0;
  } catch {
    return 0;
  }
}

async function burst(s: Stack, ceiling: Ceiling): Promise<Row> {
  let ackedPerS = NaN;
  return loadFault(
    s,
    4,
    `burst ${P.burstRate / P.rate}×: ${fmt(P.burstRate)}/s for ${P.burstS} s`,
    ALARM_SENSORS[3]!,
    async (raiseAlarm) => {
      const acks0 = s.pub.acks();
      const t0 = Date.now();
      s.pub.setRate(P.burstRate);
      raiseAlarm(); // a leak in the middle of the flood
      await delay(P.burstS * 1000);
      const tEnd = Date.now();
      s.pub.setRate(P.rate);
      ackedPerS = (s.pub.acks() - acks0) / ((tEnd - t0) / 1000);
      return tEnd;
    },
    (_v, recoveryS) => [
      `offered ${fmt(P.burstRate)}/s = ${fmt((100 * P.burstRate) / ceiling.storedPerS)} % of this run's ceiling (${fmt(ceiling.storedPerS)}/s stored, broker acknowledged ${fmt(ceiling.ackedPerS)}/s); the broker acknowledged ${fmt(ackedPerS)}/s during the burst (what it did not take waited on the devices)` +
        (recoveryS === null ? '' : `; all stored ${fmt(recoveryS, 1)} s after the burst`),
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Row 5: someone tries to take Vigil's client id

async function connackCode(url: string, opts: IClientOptions): Promise<number> {
  try {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    await c.endAsync();
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

async function intruder(s: Stack): Promise<Row> {
  const alarmsBefore = (await alarms(s)).total;
  const rss = rssTracker(s);
  const connectionsBefore = ingestConnections(s);
  const from = s.pub.cursor();
  s.pub.setRate(P.rate);
  const device = { username: INTRUDER_DOOR, password: s.devicePassword };
  const variants: [string, IClientOptions][] = [
    ['device credential, clean session', { ...device, clientId: INGEST_ID, clean: true }],
    ['device credential, persistent session', { ...device, clientId: INGEST_ID, clean: false }],
    ['anonymous, clean session', { clientId: INGEST_ID, clean: true }],
    ['anonymous, persistent session', { clientId: INGEST_ID, clean: false }],
  ];
  const codes = new Map<string, number[]>();
  const until = Date.now() + P.intruderS * 1000;
  for (let i = 0; Date.now() < until; i++) {
    const [who, opts] = variants[i % variants.length]!;
    const code = await connackCode(s.broker.url, opts);
    codes.set(who, [...(codes.get(who) ?? []), code]);
  }
  s.pub.setRate(0);
  const to = s.pub.cursor();
  await settle(s, from, to);
  const v = await verify(s, from, to);
  const raised = await alarmsSince(s, alarmsBefore, null, 0);
  const attempts = [...codes.values()].flat();
  const accepted = attempts.filter((c) => c === 0).length;
  const vigilReconnects = ingestConnections(s) - connectionsBefore;
  const stillConnected = await healthy(s);
  const checks = [
    { what: `intruder refused every time (${attempts.length - accepted} of ${attempts.length} attempts)`, ok: accepted === 0 && attempts.length > 0 },
    { what: `Vigil's connection stayed (${vigilReconnects} reconnections)`, ok: vigilReconnects === 0 && stillConnected },
  ];
  const notes = [...codes].map(([who, cs]) => `${who}: ${cs.length} attempts, CONNACK codes ${[...new Set(cs)].join(', ')}`);
  return row(5, `client id "${INGEST_ID}" taken in a loop for ${P.intruderS} s (device credential, anonymous)`, v, raised, 0, null, rss.stop(), checks, notes);
}

// ---------------------------------------------------------------------------------------------
// Row 6: retained state replayed to Vigil on every (re)subscription

async function retained(s: Stack): Promise<Row> {
  const rss = rssTracker(s);
  const from = s.pub.cursor();
  s.pub.setRate(P.rate);
  const t0 = Date.now();
  const alarmsBefore = (await alarms(s)).total;
  s.pub.publish(RETAINED_GAS, 'reading', { value: 3, unit: '%LEL' }, true);
  s.pub.publish(RETAINED_SMOKE, 'event', { type: 'smoke' }, true);
  const countPoints = async (): Promise<{ reading: number; events: number }> => ({
    reading: await pointsOf(s, 'reading', RETAINED_GAS, t0),
    events: await pointsOf(s, 'event', RETAINED_SMOKE, t0),
  });
  const notes: string[] = [];
  const checks: Row['checks'] = [];
  // The live smoke event is a real alarm: the officer handles it. The device then reports the
  // smoke gone (not retained), so its retained message stays the old smoke event.
  const smokeAlarm = await eventually(async () => (await alarms(s, `&sensor=${RETAINED_SMOKE}`)).alarms[0], 20_000, 'the smoke alarm').catch(() => undefined);
  checks.push({ what: 'the live retained smoke event raised its alarm', ok: smokeAlarm !== undefined });
  if (smokeAlarm) {
    s.pub.publish(RETAINED_SMOKE, 'event', { type: 'smoke_clear' });
    await eventually(async () => !(await api<{ alarm: Alarm }>(s, `/api/alarms/${smokeAlarm.id}`)).alarm.conditionActive, 20_000, 'smoke cleared');
    await api(s, `/api/alarms/${smokeAlarm.id}/ack`, { method: 'POST', body: '{}' });
    await api(s, `/api/alarms/${smokeAlarm.id}/reset`, { method: 'POST', body: '{}' });
    const state = (await api<{ alarm: Alarm }>(s, `/api/alarms/${smokeAlarm.id}`)).alarm.state;
    notes.push(`live smoke alarm acknowledged and reset by the officer (state ${state})`);
  }
  const pointsBefore = await eventually(
    async () => {
      const c = await countPoints();
      return c.reading === 1 && c.events === 2 ? c : undefined;
    },
    20_000,
    'the retained reading and the two smoke events stored',
  ).catch(async () => countPoints());
  const alarmsAfterLive = (await alarms(s)).total;

  // Three forced reconnects of Vigil's ingest: the broker drops it twice (dynamic security
  // disables and re-enables its client), and once Vigil itself restarts.
  const admin = new MosquittoDynsec({
    url: s.broker.url,
    username: 'vigil-admin',
    password: fs.readFileSync(path.join(s.vigil.dataDir, 'broker/admin.password'), 'utf8').trim(),
    logger: pino({ level: 'silent' }),
  });
  await admin.connect();
  const ways: string[] = [];
  try {
    for (const way of ['dropped by the broker', 'Vigil restarted', 'dropped by the broker']) {
      const connections = ingestConnections(s);
      if (way === 'Vigil restarted') {
        await s.vigil.stop();
        await s.vigil.start();
      } else {
        await admin.run([{ command: 'disableClient', username: INGEST_ID }]);
        await admin.run([{ command: 'enableClient', username: INGEST_ID }]);
      }
      const alarmsThen = (await alarms(s)).total;
      await eventually(() => ingestConnections(s) > connections, P.patienceS * 1000, 'Vigil reconnected');
      const reconnectedAt = Date.now();
      // Mosquitto sends retained messages when Vigil subscribes, ahead of anything published
      // later. Vigil sends SUBSCRIBE in the same tick as it logs the connection, so by the time
      // the line is in its log the subscription is on its way: once a load reading published
      // from now on is stored, the replay has been through ingest and the alarm engine.
      const marker = s.pub.cursor();
      const through = await eventually(
        async () => {
          const at = s.pub.cursor();
          const span = loadSpan(s, marker, at);
          return span.count > 0 && (await countLoadPoints(s, span.lo, span.hi)) > 0;
        },
        P.patienceS * 1000,
        'a reading published after the reconnection stored',
      ).catch(() => false);
      if (!through) {
        checks.push({ what: `after "${way}" no reading published later was stored within ${P.patienceS} s`, ok: false });
        break;
      }
      const raisedNow = (await alarms(s)).total - alarmsThen;
      ways.push(`${way} (+${fmt((Date.now() - reconnectedAt) / 1000, 1)} s, ${raisedNow} alarm${raisedNow === 1 ? '' : 's'} raised)`);
    }
  } finally {
    await admin.close();
  }
  s.pub.setRate(0);
  const to = s.pub.cursor();
  await settle(s, from, to);
  const v = await verify(s, from, to);
  const pointsAfter = await countPoints();
  const raisedByReplays = (await alarms(s)).total - alarmsAfterLive;
  const raised = (await alarms(s)).total - alarmsBefore;
  checks.push({
    what: `no extra points after 3 reconnects (retained reading ${pointsBefore.reading} → ${pointsAfter.reading}, smoke events ${pointsBefore.events} → ${pointsAfter.events})`,
    ok: pointsAfter.reading === pointsBefore.reading && pointsAfter.events === pointsBefore.events,
  });
  checks.push({ what: `no extra alarms from the replays (${raisedByReplays} raised)`, ok: raisedByReplays === 0 });
  notes.push(`reconnects: ${ways.join('; ')}`);
  const replayed = (await alarms(s, `&sensor=${RETAINED_SMOKE}`)).alarms.filter((a) => a.id !== smokeAlarm?.id);
  if (replayed.length) notes.push(`alarms after the replays: ${replayed.map((a) => `${a.sensorId} ${a.condition} (${a.state})`).join(', ')}`);
  return row(6, 'retained reading + retained smoke event, 3 forced reconnects of the ingest', v, raised, 1, null, rss.stop(), checks, notes);
}

// ---------------------------------------------------------------------------------------------
// Row 7: a Zigbee2MQTT gateway's start-up traffic

async function gateway(s: Stack): Promise<Row> {
  const rss = rssTracker(s);
  const alarmsBefore = (await alarms(s)).total;
  const t0 = Date.now();
  const notes: string[] = [];
  // The gateway's own credential, as an installer gets it: user name and client id are its id.
  const gw = await s.vigil.cli(['gateway', 'add', GATEWAY_ID]);
  const field = (name: string): string | undefined => new RegExp(`^${name}: (\\S+)$`, 'm').exec(gw.stdout)?.[1];
  const [username, clientId, password] = [field('username'), field('client id'), field('password')];
  if (gw.code !== 0 || !username || !clientId || !password) throw new Error(`vigil gateway add ${GATEWAY_ID} failed (${gw.code}): ${gw.stderr || gw.stdout}`);
  const client = await mqtt.connectAsync(s.broker.url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4 });
  let closes = 0;
  client.on('close', () => closes++);
  const base = Z2M_BASE;
  const sequence: [string, string, boolean][] = [
    [`${base}/bridge/state`, JSON.stringify({ state: 'online' }), true],
    [
      `${base}/bridge/info`,
      JSON.stringify({
        version: '1.40.2',
        commit: 'abc1234',
        coordinator: { type: 'zStack3x0', meta: { revision: 20230507 } },
        network: { channel: 11, pan_id: 6754 },
        log_level: 'info',
        permit_join: false,
      }),
      true,
    ],
    [
      `homeassistant/binary_sensor/0x00158d0001a2b3c4/smoke/config`,
      JSON.stringify({
        name: 'Hall smoke',
        state_topic: `${base}/Hall smoke`,
        device_class: 'smoke',
        value_template: '{{ value_json.smoke }}',
        payload_on: true,
        payload_off: false,
        unique_id: '0x00158d0001a2b3c4_smoke_zigbee2mqtt',
        device: { identifiers: ['zigbee2mqtt_0x00158d0001a2b3c4'], name: 'Hall smoke' },
      }),
      true,
    ],
    [
      `homeassistant/binary_sensor/0x00158d0001a2b3c5/contact/config`,
      JSON.stringify({
        name: 'Hall door',
        state_topic: `${base}/Hall door`,
        device_class: 'door',
        value_template: '{{ value_json.contact }}',
        payload_on: false,
        payload_off: true,
        unique_id: '0x00158d0001a2b3c5_contact_zigbee2mqtt',
      }),
      true,
    ],
    [`${base}/Garage climate`, JSON.stringify({ temperature: 18.4, humidity: 52, battery: 87, linkquality: 96 }), false],
    [`${base}/Hall door`, JSON.stringify({ contact: true, battery: 91, linkquality: 120, tamper: false, battery_low: false }), false],
    [`${base}/Hall smoke`, JSON.stringify({ smoke: false, battery: 100, linkquality: 84, tamper: false, battery_low: false, test: false }), false],
  ];
  let acked = 0;
  for (const [topic, payload, retain] of sequence) {
    await client.publishAsync(topic, payload, { qos: 1, retain });
    acked++;
  }
  const points = async (sensor: string): Promise<number> =>
    (await pointsOf(s, 'event', sensor, t0)) + (await pointsOf(s, 'status', sensor, t0)) + (await pointsOf(s, 'reading', sensor, t0));
  const bound = Object.keys(Z2M_DEVICES);
  const storedDevices = await eventually(
    async () => {
      const counts = await Promise.all(bound.map(points));
      return counts.every((c) => c > 0) ? counts : undefined;
    },
    10_000,
    'both bound devices stored',
  ).catch(async () => Promise.all(bound.map(points)));
  const raised = await alarmsSince(s, alarmsBefore, null, 0);
  const stillConnected = client.connected && closes === 0;
  await client.endAsync();
  const stored = storedDevices.filter((c) => c > 0).length;
  const checks = [
    { what: 'the gateway stayed connected', ok: stillConnected },
    {
      what: `its bound devices are stored (${stored} of ${bound.length}: ${bound.map((b, i) => `${b} ${storedDevices[i]} points`).join(', ')})`,
      ok: stored === bound.length,
    },
  ];
  notes.push(
    `${username} signed in with its \`vigil gateway add\` credential; ${acked} messages acknowledged: bridge state and info, 2 discovery configs, an unbound device, then the 2 bound devices' states`,
  );
  const r = row(7, 'Zigbee2MQTT gateway: bridge, discovery, unbound device, then bound devices', null, raised, 0, null, rss.stop(), checks, notes);
  r.published = bound.length;
  r.stored = stored;
  r.lost = bound.length - stored;
  r.pass &&= r.lost === 0;
  return r;
}

// ---------------------------------------------------------------------------------------------
// The ceiling of this run, and the table

interface Ceiling {
  count: number;
  ackedPerS: number;
  storedPerS: number;
}

async function measureCeiling(s: Stack): Promise<Ceiling> {
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

function printTable(rows: Row[], ceiling: Ceiling | null, whole: { made: number; points: number; ok: boolean }): void {
  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  const num = (n: number | null): string => (n === null ? '—' : fmt(n));
  out();
  out(
    `Vigil fault suite${args.quick ? ' (--quick)' : ''} — ${os.cpus().length} cores; Mosquitto (shipped config, dynamic security), InfluxDB, Vigil and the devices on one machine`,
  );
  if (ceiling)
    out(
      `Ceiling measured in this run: ${fmt(ceiling.count)} readings published as fast as possible — broker acknowledged ${fmt(ceiling.ackedPerS)}/s, stored end to end ${fmt(ceiling.storedPerS)}/s`,
    );
  out();
  out('| # | fault | published (acked) | stored | lost | doubled | alarms raised / expected | recovery | Vigil peak RSS | result |');
  out('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    out(
      `| ${r.n} | ${r.fault} | ${num(r.published)} | ${num(r.stored)} | ${num(r.lost)} | ${num(r.doubled)} | ${r.alarms} / ${r.expectedAlarms} | ${r.recoveryS === null ? '—' : `${fmt(r.recoveryS, 1)} s`} | ${fmt(r.rssMb)} MB | ${r.pass ? '✓' : '✗'} |`,
    );
  }
  out();
  for (const r of rows) {
    const lines = [...r.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.what}`), ...r.notes];
    if (lines.length) out(`${r.n}. ${lines.join('; ')}`);
  }
  out(
    `${whole.ok ? '✓' : '✗'} whole run: ${fmt(whole.made)} load readings made (ceiling flood included), ${fmt(whole.points)} load points in InfluxDB from the first reading to 5 min after the last`,
  );
  out();
  out(`${rows.filter((r) => r.pass).length} of ${rows.length} rows passed.`);
}

// ---------------------------------------------------------------------------------------------

const ROWS: [number, (s: Stack, c: Ceiling) => Promise<Row>][] = [
  [1, killVigil],
  [2, stopBroker],
  [3, stopInflux],
  [4, burst],
  [5, intruder],
  [6, retained],
  [7, gateway],
];

/** After a row that threw: every part running again, the load stopped. */
async function restore(s: Stack): Promise<void> {
  s.pub.setRate(0);
  await s.influx.start().catch(() => undefined);
  await s.broker.start().catch(() => undefined);
  await s.vigil.start().catch(() => undefined);
  await eventually(() => healthy(s), 60_000, 'Vigil healthy again').catch(() => undefined);
}

async function main(): Promise<number> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-faults-'));
  let stack: Stack | null = null;
  try {
    log(`faults: starting InfluxDB, Mosquitto (dynamic security) and Vigil (${args.quick ? 'quick' : 'full'} run)`);
    const s = (stack = await startStack(dir));
    log(`faults: ${s.pub.devices.length} devices connected; measuring this run's ceiling`);
    const start = s.pub.cursor();
    const ceiling = await measureCeiling(s);
    const rows: Row[] = [];
    for (const [n, run] of ROWS) {
      if (ONLY && !ONLY.has(n)) continue;
      log(`faults: row ${n} (${fmt((Date.now() - started) / 1000)} s in)`);
      try {
        const before = await diagnostics(s);
        const r = await run(s, ceiling);
        r.notes.push(...diagnosticNotes(before, await diagnostics(s)));
        rows.push(r);
        log(`faults: row ${n} ${r.pass ? 'passed' : 'FAILED'}`);
      } catch (err) {
        log(`faults: row ${n} failed to run: ${(err as Error).stack ?? String(err)}`);
        rows.push({
          ...row(n, `row ${n}`, null, 0, 0, null, NaN, [{ what: `the row ran (${(err as Error).message.split('\n')[0]})`, ok: false }], []),
          pass: false,
        });
        await restore(s);
      }
    }
    // Outside every row's own range: a message stored again much later (at its receive time, say)
    // would fall after the range its row checked. All load points of the run against all readings.
    const all = loadSpan(s, start, s.pub.cursor());
    const points = await countLoadPoints(s, all.lo, all.hi + 5 * 60_000);
    const whole = { made: all.count, points, ok: points === all.count && s.pub.ackedUpTo(s.pub.cursor()) };
    printTable(rows, ceiling, whole);
    log(`faults: done in ${fmt((Date.now() - started) / 1000)} s`);
    return rows.every((r) => r.pass) && whole.ok ? 0 : 1;
  } finally {
    stack?.pub.close();
    await stack?.vigil.stop().catch(() => undefined);
    await stopAllServices();
    if (stack) fs.rmSync(stack.vigil.dataDir, { recursive: true, force: true }); // startVigil leaves it behind
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    process.stderr.write(`fault suite failed: ${(err as Error).stack ?? String(err)}\n`);
    await stopAllServices();
    process.exit(2);
  },
);
