/** The stack under test (InfluxDB, Mosquitto, Vigil and the devices): starting it, restoring it and reading Vigil's state. */
import fs from 'node:fs';
import path from 'node:path';
import type { Alarm } from '../../contract/alarm.ts';
import type { InfluxHandle, MosquittoHandle } from '../../test/support/services.ts';
import { startInflux } from '../../test/support/services.ts';
import { eventually, startVigil, type VigilHandle } from '../../test/support/vigil.ts';
import { fmt } from '../bench/bench.support.ts';
import { DB, OFFICER } from './config.ts';
import { ALARM_SENSORS, INTRUDER_DOOR, LOAD_SENSORS, RETAINED_GAS, RETAINED_SMOKE, SITE, writeFaultFacility } from './facility.ts';
import { FaultPublisher, type DeviceSpec } from './publisher.ts';

export interface Stack {
  influx: InfluxHandle;
  vigil: VigilHandle;
  broker: MosquittoHandle;
  pub: FaultPublisher;
  cookie: string;
  devicePassword: string;
  simPassword: string;
}

export async function startStack(dir: string): Promise<Stack> {
  const facilityFile = writeFaultFacility(dir);
  const influx = await startInflux();
  // Demo mode as `npm start` runs it: the officer account and one simulator credential per device.
  // 64 load detectors carry up to 50,000 readings/s: they stand for a facility's throughput, far
  // over a real device's rate limit (docs/contracts.md#ingest-limits), which the suite does not test.
  const vigil = await startVigil({
    influxUrl: influx.url,
    influxDb: DB,
    env: { FACILITY_FILE: facilityFile, VIGIL_DEMO: '1', LOG_LEVEL: 'info', INGEST_OBS_PER_DEVICE_PER_S: '1000000' },
  });
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

export async function healthy(s: Stack): Promise<boolean> {
  try {
    return (await s.vigil.api('/api/health')).status === 200;
  } catch {
    return false;
  }
}

export async function api<T>(s: Stack, pathname: string, init: RequestInit = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${s.vigil.url}${pathname}`, {
      ...init,
      headers: { cookie: s.cookie, origin: s.vigil.url, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
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

export async function alarms(s: Stack, query = ''): Promise<{ total: number; alarms: Alarm[] }> {
  return api(s, `/api/alarms?site=${SITE}&limit=1000${query}`);
}

/** Peak RSS of Vigil over a row: the kernel's high-water mark, reset at the start (and per process across a restart). */
export function rssTracker(s: Stack): { stop(): number } {
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
export function ingestConnections(s: Stack): number {
  return fs
    .readFileSync(s.vigil.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"connected to MQTT broker"')).length;
}

export interface Diagnostics {
  rejected: number;
  deadLettered: number;
  /** Mosquitto's $SYS dropped-messages counter as Vigil last saw it (since the broker started). */
  brokerDropped: number;
  /** Mosquitto's own log lines about dropping messages queued for a client. */
  dropLogLines: number;
  vigilPid: number | undefined;
}

/** What Vigil's /metrics and the broker's log say about refused, dead-lettered and dropped messages. */
export async function diagnostics(s: Stack): Promise<Diagnostics> {
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
export function diagnosticNotes(a: Diagnostics, b: Diagnostics): string[] {
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

/** Waits (bounded) for `expected` alarms of a sensor, then returns how many the site raised since `before`. */
export async function alarmsSince(s: Stack, before: number, sensor: string | null, expected: number): Promise<number> {
  if (sensor && expected > 0) {
    await eventually(async () => (await alarms(s, `&sensor=${sensor}`)).total >= expected, 20_000, `an alarm of ${sensor}`).catch(() => undefined);
  }
  return (await alarms(s)).total - before;
}

/** Points waiting in Vigil's outbox (a signed-in /api/health; it answers 503 while InfluxDB is down). */
export async function outboxDepth(s: Stack): Promise<number> {
  try {
    const res = await fetch(`${s.vigil.url}/api/health`, { headers: { cookie: s.cookie } });
    const body = (await res.json()) as { parts?: { outbox?: { depth?: number } } };
    return body.parts?.outbox?.depth ?? 0;
  } catch {
    return 0;
  }
}

/** After a row that threw: every part running again, the load stopped. */
export async function restore(s: Stack): Promise<void> {
  s.pub.setRate(0);
  await s.influx.start().catch(() => undefined);
  await s.broker.start().catch(() => undefined);
  await s.vigil.start().catch(() => undefined);
  await eventually(() => healthy(s), 60_000, 'Vigil healthy again').catch(() => undefined);
}
