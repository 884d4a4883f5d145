import fs from 'node:fs';
import path from 'node:path';
import mqtt, { type IClientOptions } from 'mqtt';
import pino from 'pino';
import type { Alarm } from '../../contract/alarm.ts';
import { MosquittoDynsec } from '../../server/src/adapters/mosquitto.dynsec.ts';
import { eventually } from '../../test/support/vigil.ts';
import { fmt } from '../bench/bench.support.ts';
import { INGEST_ID, P } from './config.ts';
import { INTRUDER_DOOR, RETAINED_GAS, RETAINED_SMOKE } from './facility.ts';
import { countLoadPoints, loadSpan, pointsOf, settle, verify } from './points.ts';
import { row, type Row } from './report.ts';
import { alarms, alarmsSince, api, healthy, ingestConnections, rssTracker, type Stack } from './stack.ts';

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

export async function intruder(s: Stack): Promise<Row> {
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

// Row 6: retained state replayed to Vigil on every (re)subscription

export async function retained(s: Stack): Promise<Row> {
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
