/**
 * Reads back the line protocol that outboxes of earlier versions hold, so an upgrade replays it
 * as points (sqlite.outbox.ts `outboxPointsMigration`). Only lines those versions wrote are
 * understood: measurements reading, event, status and alarm_event, with that writer's escaping —
 * in tags and strings `\\`, `\n` and `\"`/`\,`/`\=`/`\ ` (it escaped more than InfluxDB reads).
 */
import type { AlarmEventKind, AlarmState, Condition, EventType, Priority, Unit } from '../../../contract/index.ts';
import type { HistoryObservation, HistoryPoint } from '../services/history.ports.ts';

type FieldValue = string | number | boolean;

const MEASUREMENTS: ReadonlySet<string> = new Set(['reading', 'event', 'status', 'alarm_event']);

class Scanner {
  i = 0;
  constructor(readonly line: string) {}

  fail(what: string): never {
    throw new Error(`${what} at character ${this.i} of ${JSON.stringify(this.line.slice(0, 200))}`);
  }

  /** Up to (not including) one of `stops`, unescaping backslash pairs. */
  name(stops: string): string {
    let out = '';
    while (this.i < this.line.length && !stops.includes(this.line[this.i]!)) {
      if (this.line[this.i] === '\\') {
        const next = this.line[this.i + 1];
        if (next === undefined) this.fail('a backslash at the end');
        out += next === 'n' ? '\n' : next;
        this.i += 2;
      } else out += this.line[this.i++];
    }
    return out;
  }

  expect(char: string): void {
    if (this.line[this.i] !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.i++;
  }

  fieldValue(): FieldValue {
    if (this.line[this.i] === '"') {
      this.i++;
      const text = this.name('"');
      this.expect('"');
      return text;
    }
    const start = this.i;
    while (this.i < this.line.length && this.line[this.i] !== ',' && this.line[this.i] !== ' ') this.i++;
    const raw = this.line.slice(start, this.i);
    if (raw === 'true' || raw === 'false') return raw === 'true';
    const n = Number(raw.endsWith('i') ? raw.slice(0, -1) : raw);
    if (raw === '' || !Number.isFinite(n)) this.fail(`not a field value: ${JSON.stringify(raw)}`);
    return n;
  }
}

export function parseLegacyLine(line: string): HistoryPoint {
  const s = new Scanner(line);
  const measurement = s.name(', ');
  if (!MEASUREMENTS.has(measurement)) s.fail(`unknown measurement ${JSON.stringify(measurement)}`);
  const tags: Record<string, string> = {};
  while (line[s.i] === ',') {
    s.i++;
    const key = s.name('=');
    s.expect('=');
    tags[key] = s.name(', ');
  }
  s.expect(' ');
  const fields: Record<string, FieldValue> = {};
  for (;;) {
    const key = s.name('=');
    s.expect('=');
    fields[key] = s.fieldValue();
    if (line[s.i] !== ',') break;
    s.i++;
  }
  s.expect(' ');
  const nanos = line.slice(s.i);
  if (!/^\d{7,}$/.test(nanos)) s.fail('expected a nanosecond timestamp');
  const ts = Number(nanos.slice(0, -6));

  const tag = (key: string): string => tags[key] ?? s.fail(`no tag ${key}`);
  const text = (key: string): string => (typeof fields[key] === 'string' ? (fields[key] as string) : s.fail(`no string field ${key}`));
  const num = (key: string): number => (typeof fields[key] === 'number' ? (fields[key] as number) : s.fail(`no numeric field ${key}`));
  const optional = <T extends FieldValue>(key: string, type: string): T | undefined =>
    fields[key] === undefined ? undefined : typeof fields[key] === type ? (fields[key] as T) : s.fail(`field ${key} is not a ${type}`);

  if (measurement === 'alarm_event') {
    return {
      type: 'alarm_event',
      at: ts,
      seq: num('seq'),
      kind: text('event') as AlarmEventKind,
      actor: text('actor'),
      alarm: {
        id: text('alarm'),
        state: text('state') as AlarmState,
        condition: tag('condition') as Condition,
        priority: tag('priority') as Priority,
        sensorKind: tag('kind'),
        sensorId: tag('sensor'),
        siteId: tag('site'),
        zoneId: tag('zone'),
        drill: tags.drill ?? null,
      },
    };
  }
  const common = { siteId: tag('site'), sensorId: tag('sensor'), zoneId: tag('zone'), kind: tag('kind'), ts, receivedAt: ts + num('lag') };
  const drill = tags.drill === undefined ? {} : { drill: tags.drill };
  let observation: HistoryObservation;
  switch (measurement) {
    case 'reading':
      observation = { ...common, ...drill, channel: 'reading', value: num('value'), unit: tag('unit') as Unit };
      break;
    case 'event': {
      const credential = optional<string>('credential', 'string');
      const detail = optional<string>('detail', 'string');
      observation = {
        ...common,
        ...drill,
        channel: 'event',
        type: text('type') as EventType,
        ...(credential === undefined ? {} : { credential }),
        ...(detail === undefined ? {} : { detail }),
      };
      break;
    }
    case 'status': {
      const online = optional<boolean>('online', 'boolean');
      const battery = optional<number>('battery', 'number');
      const rssi = optional<number>('rssi', 'number');
      observation = {
        ...common,
        ...drill,
        channel: 'status',
        ...(online === undefined ? {} : { online }),
        ...(battery === undefined ? {} : { battery }),
        ...(rssi === undefined ? {} : { rssi }),
      };
      break;
    }
    default:
      return s.fail(`unknown measurement ${JSON.stringify(measurement)}`);
  }
  return { type: 'observation', observation };
}
