import { setTimeout as delay } from 'node:timers/promises';
import { fmt } from '../bench/bench.support.ts';
import { P } from './config.ts';
import { ALARM_SENSORS } from './facility.ts';
import { loadSpan, recovery, settle, verify, type Ceiling, type Verdict } from './points.ts';
import type { Cursor } from './publisher.ts';
import { row, type Row } from './report.ts';
import { alarms, alarmsSince, outboxDepth, rssTracker, type Stack } from './stack.ts';

// Rows 1-4: a fault under paced load, one alarm expected from a reading published during it

export async function loadFault(
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

const drainNote =
  (ceiling: Ceiling, backlogS: number) =>
  (_v: Verdict, recoveryS: number | null): string[] =>
    recoveryS === null ? [] : [`backlog of ~${fmt(P.rate * backlogS)} readings cleared; stack ceiling this run ${fmt(ceiling.storedPerS)}/s stored end to end`];

export async function killVigil(s: Stack, ceiling: Ceiling): Promise<Row> {
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

export async function stopBroker(s: Stack, ceiling: Ceiling): Promise<Row> {
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

export async function stopInflux(s: Stack, ceiling: Ceiling): Promise<Row> {
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

export async function burst(s: Stack, ceiling: Ceiling): Promise<Row> {
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
