// Whatever a tag or string field holds, InfluxDB stores exactly that (or the point is refused
// whole): a property test through the real history adapter into a real influxd (the InfluxDB 1.x
// line protocol rules, adapters/influx.line-protocol.ts), read back with InfluxQL.
//
// Random strings come from a seeded generator; a failure names its seed, and
// LINE_PROTOCOL_SEED=<seed> replays that run.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxClient } from '../../server/src/adapters/influx.client.ts';
import { InfluxHistory } from '../../server/src/adapters/influx.history.ts';
import { keyedOffset, LineProtocolError } from '../../server/src/adapters/influx.line-protocol.ts';
import { ensureSchema } from '../../server/src/adapters/influx.schema.ts';
import type { AlarmEventPoint, HistoryPoint, ObservationPoint } from '../../server/src/services/history.ports.ts';
import { mulberry32 } from '../../simulator/src/generate/prng.ts';
import { startInflux, stopAllServices, type InfluxHandle, type InfluxRow } from '../support/services.ts';

const DB = 'vigil_line_protocol_test';
const SEED = Number(process.env.LINE_PROTOCOL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RANDOM_POINTS = 400;

let influx: InfluxHandle;
let history: InfluxHistory;
/** Every point gets a millisecond of its own: the row read back is found by its time. */
let nextTs = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  influx = await startInflux();
  const client = new InfluxClient({ url: influx.url, db: DB });
  // The schema Vigil sets up: the history adapter writes into its `raw` policy by name. Ten years
  // of raw retention, as the points below are dated from the start of 2026.
  await ensureSchema(client, 3650);
  history = new InfluxHistory(client, keyedOffset(randomBytes(32)));
});

afterAll(async () => {
  await stopAllServices();
});

/** What line protocol treats specially, what InfluxQL and JSON do, and text beyond ASCII. */
const PIECES = [
  ',',
  ' ',
  '=',
  '"',
  "'",
  '\\',
  '\\\\',
  '\\ ',
  '\\,',
  '\\=',
  '\\"',
  '\n',
  '\r\n',
  '\t',
  '#',
  '{',
  '}',
  '$',
  '%',
  '/',
  '*',
  'a',
  'Z',
  '0',
  '9',
  'x',
  'é',
  'ß',
  'Ω',
  '中文',
  'ж',
  '🔥',
  '👩‍🚒',
  'e\u0301',
  '\u00a0',
  '\u2028',
  '\u0000',
];

function randomText(random: () => number, maxPieces = 8, pieces: readonly string[] = PIECES): string {
  let s = '';
  const n = 1 + Math.floor(random() * maxPieces);
  for (let i = 0; i < n; i++) s += pieces[Math.floor(random() * pieces.length)];
  return s;
}

/** Tags rarely hold a newline, so that most points are writable; about one tag in twelve is not. */
const TAG_PIECES = PIECES.filter((p) => !p.includes('\n'));
function randomTag(random: () => number): string {
  const s = randomText(random, 8, TAG_PIECES);
  return random() < 0.03 ? s.replace(/^(.)/, '$1\n') : s;
}

/**
 * What InfluxDB 1.x cannot take in a tag, so the adapter must refuse it rather than alter it:
 * nothing, a trailing backslash, a newline, and an odd run of backslashes before a space (its
 * line splitter pairs backslashes and would take that space for the end of the tags).
 */
const tagWritable = (s: string): boolean => s !== '' && !s.includes('\n') && !s.endsWith('\\') && !/(^|[^\\])(\\\\)*\\ /.test(s);

function eventPoint(
  tags: { site: string; sensor: string; zone: string; kind: string; drill?: string },
  fields: { type: string; credential: string; detail: string },
): ObservationPoint {
  const ts = nextTs++;
  return {
    type: 'observation',
    observation: {
      channel: 'event',
      siteId: tags.site,
      sensorId: tags.sensor,
      zoneId: tags.zone,
      kind: tags.kind,
      ...(tags.drill === undefined ? {} : { drill: tags.drill }),
      ts,
      receivedAt: ts + 3,
      type: fields.type as never,
      credential: fields.credential,
      detail: fields.detail,
    },
  };
}

function readingPoint(unit: string, sensor: string): ObservationPoint {
  const ts = nextTs++;
  return {
    type: 'observation',
    observation: { channel: 'reading', siteId: 'hq', sensorId: sensor, zoneId: 'kitchen', kind: 'gas', ts, receivedAt: ts, value: 1.25, unit: unit as never },
  };
}

function alarmPoint(random: () => number, text: () => string, tag: () => string): AlarmEventPoint {
  return {
    type: 'alarm_event',
    at: nextTs++,
    seq: Math.floor(random() * 1e9),
    kind: text() as never,
    actor: text(),
    alarm: {
      id: text(),
      state: text() as never,
      condition: tag() as never,
      priority: tag() as never,
      sensorKind: tag(),
      sensorId: tag(),
      siteId: tag(),
      zoneId: tag(),
      drill: random() < 0.5 ? null : tag(),
    },
  };
}

/** The row InfluxDB should hold for a point: tags and fields as columns, time in ms. */
function expectedRow(p: HistoryPoint): InfluxRow {
  if (p.type === 'alarm_event') {
    const a = p.alarm;
    return {
      time: p.at,
      condition: a.condition,
      drill: a.drill,
      kind: a.sensorKind,
      priority: a.priority,
      sensor: a.sensorId,
      site: a.siteId,
      zone: a.zoneId,
      event: p.kind,
      state: a.state,
      alarm: a.id,
      actor: p.actor,
      seq: p.seq,
    };
  }
  const o = p.observation;
  const tags = { time: o.ts, drill: o.drill ?? null, kind: o.kind, sensor: o.sensorId, site: o.siteId, zone: o.zoneId, lag: o.receivedAt - o.ts };
  if (o.channel === 'reading') return { ...tags, unit: o.unit, value: o.value };
  if (o.channel === 'event') return { ...tags, type: o.type, credential: o.credential ?? null, detail: o.detail ?? null };
  throw new Error('status points are not generated here');
}

const timeOf = (p: HistoryPoint): number => (p.type === 'alarm_event' ? p.at : p.observation.ts);

async function storedRows(measurement: string, points: readonly HistoryPoint[]): Promise<Map<number, InfluxRow>> {
  const times = points.map(timeOf);
  const rows = await influx.query(`SELECT * FROM "${measurement}" WHERE time >= ${Math.min(...times)}ms AND time < ${Math.max(...times) + 1}ms`, DB);
  return new Map(rows.map((r) => [r.time as number, r]));
}

/** Writes `points` through the adapter and expects each one back exactly; returns the rows compared. */
async function roundTrip(measurement: string, points: HistoryPoint[]): Promise<number> {
  await history.write(points);
  const stored = await storedRows(measurement, points);
  for (const p of points) {
    const want = expectedRow(p);
    const got = stored.get(timeOf(p));
    // Only the columns of this point: other points of the measurement add their own (e.g. unit).
    const gotSame = got && Object.fromEntries(Object.keys(want).map((k) => [k, got[k] ?? null]));
    expect(gotSame, `seed ${SEED}: the point written at ${timeOf(p)} (${JSON.stringify(want)})`).toEqual(want);
  }
  return points.length;
}

describe('line protocol into InfluxDB 1.x', () => {
  it('stores tags and string fields exactly as given: the cases the old escaping got wrong', async () => {
    const points = [
      // A backslash in a tag is literal: it was doubled and stored as two.
      eventPoint({ site: 'a\\b', sensor: 'x\\\\y', zone: '\\,', kind: 'k\\\\ k' }, { type: 't', credential: 'c', detail: 'd' }),
      // A newline in a string field was stored as the two characters "\n".
      eventPoint({ site: 's', sensor: 'n', zone: 'z', kind: 'k' }, { type: 'one\ntwo', credential: 'a\r\nb', detail: 'ends with a backslash \\' }),
      eventPoint({ site: 'a b', sensor: 'c,d', zone: 'e=f', kind: '"q"', drill: "o'clock" }, { type: '"', credential: '\\"', detail: '' }),
    ];
    expect(await roundTrip('event', points)).toBe(3);
  });

  // The adapter writes nothing of such a batch; the history writer then splits it so that only the
  // point holding the tag goes to the dead letter (test/integration/history.integrity.test.ts).
  it('refuses, whole, a batch with a tag InfluxDB 1.x cannot carry, rather than store something else', async () => {
    for (const bad of ['', 'ends with a backslash\\', 'two\nlines', 'odd\\ run', 'odd\\\\\\ run']) {
      const good = eventPoint({ site: 's', sensor: 'good', zone: 'z', kind: 'k' }, { type: 't', credential: 'c', detail: 'd' });
      const point = eventPoint({ site: 's', sensor: 'bad', zone: bad, kind: 'k' }, { type: 't', credential: 'c', detail: 'd' });
      await expect(history.write([good, point]), JSON.stringify(bad)).rejects.toMatchObject({ retryable: false, message: /cannot be written/ });
      expect((await storedRows('event', [good])).size).toBe(0);
    }
  });

  it(`stores random tags and string fields exactly, and refuses a batch holding a tag InfluxDB cannot carry (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const text = () => randomText(random);
    const tag = () => randomTag(random);
    const writable: ObservationPoint[] = [];
    const refused: string[] = [];
    let stored = 0;
    for (let i = 0; i < RANDOM_POINTS; i++) {
      const tags = { site: tag(), sensor: tag(), zone: tag(), kind: tag(), ...(random() < 0.5 ? { drill: tag() } : {}) };
      const point = eventPoint(tags, { type: text(), credential: text(), detail: randomText(random, 30) });
      if (Object.values(tags).every(tagWritable)) writable.push(point);
      else {
        refused.push(JSON.stringify(tags));
        const good = eventPoint({ site: 's', sensor: 'good', zone: 'z', kind: 'k' }, { type: 't', credential: 'c', detail: 'd' });
        const err = await history.write([good, point]).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, `seed ${SEED}: tags ${JSON.stringify(tags)}`).toBeInstanceOf(LineProtocolError);
        expect((err as LineProtocolError).retryable).toBe(false);
        // Refused whole: not even the good point of that batch was written.
        expect((await storedRows('event', [good])).size, `seed ${SEED}`).toBe(0);
      }
    }
    // One batch, as the history writer sends them: a line must not run into the next.
    stored += await roundTrip('event', writable);

    const units = Array.from({ length: 50 }, tag).filter(tagWritable);
    stored += await roundTrip(
      'reading',
      units.map((u, i) => readingPoint(u, `R-${i}`)),
    );
    const alarms = Array.from({ length: 100 }, () => alarmPoint(random, text, tag)).filter((p) =>
      [p.alarm.condition, p.alarm.sensorKind, p.alarm.priority, p.alarm.sensorId, p.alarm.siteId, p.alarm.zoneId, p.alarm.drill ?? 'x'].every(tagWritable),
    );
    stored += await roundTrip('alarm_event', alarms);
    // The generator must actually exercise both sides.
    expect(stored).toBeGreaterThan(100);
    expect(refused.length).toBeGreaterThan(10);
  });
});
