/**
 * Test fixtures for the alarm engine: sensors with issue-3 defaults, a tiny registry, a fake clock
 * and a harness that feeds observations and ticks at explicit times. Never the real facility.yaml.
 */
import type {
  Alarm,
  AlarmAction,
  AlarmChangeEvent,
  Condition,
  EventObservation,
  EventType,
  Gateway,
  Observation,
  ReadingObservation,
  Schedule,
  Sensor,
  SensorKind,
  Site,
  StatusObservation,
  UnsequencedAlarmEvent,
  TextLanguage,
} from '../../contract/index.ts';
import { KIND_UNITS } from '../../contract/index.ts';
import { applyAction, applyIncidentAction } from '../../server/src/domain/alarm/actions.ts';
import { AlarmActionError } from '../../server/src/domain/alarm/alarm.errors.ts';
import { evaluate, tick } from '../../server/src/domain/alarm/alarm.engine.ts';
import { createEngineState } from '../../server/src/domain/alarm/engine.state.ts';
import {
  DEFAULT_ACTION_LIMITS,
  DEFAULT_ENGINE_SETTINGS,
  type ActionLimits,
  type EngineContext,
  type EngineResult,
  type EngineSettings,
  type EngineState,
  type RegistryView,
} from '../../server/src/domain/alarm/engine.types.ts';

/** Friday 27 Nov 2026, 10:00:00 in Asia/Shanghai (02:00 UTC). */
export const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
export const S = 1000;
export const MIN = 60 * S;

const THRESHOLDS = {
  gas: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 },
  co: { low: 35, high: 200, deadband: 5, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 20, riseWindowS: 30 },
} as const;

/** A resolved sensor with the issue-3 defaults of its kind. */
export function makeSensor(kind: SensorKind, overrides: Partial<Sensor> = {}): Sensor {
  const id = overrides.id ?? `${kind.toUpperCase()}-01`;
  return {
    id,
    name: `${kind} sensor ${id}`,
    kind,
    siteId: 'hq',
    floorId: 'canteen-1f',
    zoneId: 'kitchen',
    secureZone: false,
    x: 10,
    y: 20,
    unit: KIND_UNITS[kind],
    thresholds: kind === 'gas' || kind === 'co' ? { ...THRESHOLDS[kind] } : null,
    heartbeatS: 60,
    heldOpenS: kind === 'door' ? 60 : null,
    leakOnDelayS: kind === 'leak' ? 0 : null,
    batteryLowPct: 20,
    schedule: null,
    source: { adapter: 'native' },
    ...overrides,
  };
}

/** Office hours Mon–Fri 08:00–18:00, a night shift Fri 22:00–06:00, and a holiday. */
export const OFFICE_SCHEDULE: Schedule = {
  windows: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' },
    { days: ['fri'], from: '22:00', to: '06:00' },
  ],
  holidays: ['2026-10-01'],
};

export const SOPS: Record<string, string[]> = {
  gas_leak: ['Evacuate the zone', 'Shut the gas valve', 'Call the gas company'],
  fire: ['Call 119', 'Evacuate', 'Check the panel'],
  forced_door: ['Send a guard', 'Check the camera'],
  held_door: ['Ask the zone to close the door'],
  offline_sensor: ['Check the gateway', 'Send a technician'],
  water_leak: ['Shut the water main', 'Protect equipment'],
  default: ['Investigate and record'],
};

export interface FixtureOptions {
  sensors?: Sensor[];
  /** Gateways; a sensor is behind one when its `source.gateway` names it. */
  gateways?: Gateway[];
  sites?: Site[];
  schedules?: Record<string, Schedule>;
  sops?: Record<string, string[]>;
  sopsZh?: Record<string, string[]>;
  /** The facility's language: what `Alarm.message` and server notes are written in. */
  language?: TextLanguage;
  settings?: Partial<EngineSettings>;
}

export function makeRegistry(opts: FixtureOptions = {}): RegistryView {
  const sensors = opts.sensors ?? [makeSensor('gas')];
  const sites = opts.sites ?? [
    { id: 'hq', name: 'Admin Services Centre', timezone: 'Asia/Shanghai', floors: [] },
    { id: 'lab', name: 'Lab', timezone: 'UTC', floors: [] },
  ];
  const byId = new Map(sensors.map((s) => [s.id, s]));
  const gateways = opts.gateways ?? [];
  return {
    facility: {
      schedules: opts.schedules ?? { office: OFFICE_SCHEDULE },
      sops: opts.sops ?? SOPS,
      ...(opts.sopsZh !== undefined && { sopsZh: opts.sopsZh }),
      ...(opts.language !== undefined && { language: opts.language }),
    },
    sensor: (id) => byId.get(id),
    site: (id) => sites.find((s) => s.id === id),
    allSensors: () => sensors,
    gateway: (id) => gateways.find((g) => g.id === id),
    gateways: () => gateways,
    sensorsBehind: (id) => sensors.filter((s) => s.source.adapter !== 'native' && s.source.gateway === id),
  };
}

export function makeContext(opts: FixtureOptions = {}): EngineContext {
  return { registry: makeRegistry(opts), settings: { ...DEFAULT_ENGINE_SETTINGS, ...opts.settings } };
}

/** The Clock port, driven by hand. */
export class FakeClock {
  constructor(public t: number = T0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
}

interface ObsOptions {
  drill?: string;
  /** Device time; defaults to the clock. */
  ts?: number;
}

/** Feeds the engine at the fake clock's time and keeps every event. */
export class Harness {
  readonly ctx: EngineContext;
  readonly clock = new FakeClock();
  state: EngineState = createEngineState();
  readonly log: UnsequencedAlarmEvent[] = [];

  constructor(opts: FixtureOptions = {}) {
    this.ctx = makeContext(opts);
  }

  get now(): number {
    return this.clock.t;
  }

  /** Move the clock to T0 + ms. */
  at(ms: number): this {
    this.clock.t = T0 + ms;
    return this;
  }

  private take(r: EngineResult): UnsequencedAlarmEvent[] {
    this.state = r.state;
    this.log.push(...r.events);
    return [...r.events];
  }

  observe(obs: Observation): UnsequencedAlarmEvent[] {
    return this.take(evaluate(this.state, obs, this.ctx.registry.sensor(obs.sensorId), this.ctx, this.now));
  }

  private base(sensorId: string, o: ObsOptions) {
    const s = this.ctx.registry.sensor(sensorId);
    return {
      siteId: s?.siteId ?? 'hq',
      sensorId,
      zoneId: s?.zoneId ?? 'unregistered',
      kind: s?.kind ?? 'unregistered',
      ts: o.ts ?? this.now,
      receivedAt: this.now,
      source: 'mqtt' as const,
      ...(o.drill === undefined ? {} : { drill: o.drill }),
    };
  }

  reading(sensorId: string, value: number, o: ObsOptions & { unit?: ReadingObservation['unit'] } = {}): UnsequencedAlarmEvent[] {
    const unit = o.unit ?? this.ctx.registry.sensor(sensorId)?.unit ?? '%LEL';
    return this.observe({ ...this.base(sensorId, o), channel: 'reading', value, unit });
  }

  event(sensorId: string, type: EventType, o: ObsOptions & { credential?: string; detail?: string } = {}): UnsequencedAlarmEvent[] {
    const obs: EventObservation = { ...this.base(sensorId, o), channel: 'event', type };
    if (o.credential !== undefined) obs.credential = o.credential;
    if (o.detail !== undefined) obs.detail = o.detail;
    return this.observe(obs);
  }

  status(sensorId: string, fields: Pick<StatusObservation, 'online' | 'battery' | 'rssi'>, o: ObsOptions = {}): UnsequencedAlarmEvent[] {
    return this.observe({ ...this.base(sensorId, o), channel: 'status', ...fields });
  }

  tick(): UnsequencedAlarmEvent[] {
    return this.take(tick(this.state, this.ctx, this.now));
  }

  /** Apply an action; throws the AlarmActionError when refused (use `refuse` to expect one). */
  act(alarmId: string, action: AlarmAction, actor = 'officer.li', limits: ActionLimits = DEFAULT_ACTION_LIMITS): UnsequencedAlarmEvent[] {
    const r = applyAction(this.state, this.ctx, alarmId, action, actor, limits, this.now);
    if (r instanceof AlarmActionError) throw r;
    return this.take(r);
  }

  actOnIncident(incidentId: string, action: AlarmAction, actor = 'officer.li'): UnsequencedAlarmEvent[] {
    const r = applyIncidentAction(this.state, this.ctx, incidentId, action, actor, DEFAULT_ACTION_LIMITS, this.now);
    if (r instanceof AlarmActionError) throw r;
    return this.take(r);
  }

  /** The refusal's code, or 'accepted'. */
  refuse(alarmId: string, action: AlarmAction, limits: ActionLimits = DEFAULT_ACTION_LIMITS): string {
    const r = applyAction(this.state, this.ctx, alarmId, action, 'officer.li', limits, this.now);
    if (r instanceof AlarmActionError) return r.code;
    this.take(r);
    return 'accepted';
  }

  /** Every alarm (open or kept closed) for a sensor and condition, oldest first. */
  alarmsOf(sensorId: string, condition: Condition, drill: string | null = null): Alarm[] {
    return [...this.state.alarms.values()].filter((a) => a.sensorId === sensorId && a.condition === condition && a.drill === drill);
  }

  /** The single alarm for a sensor and condition (fails the test when there are none or several). */
  only(sensorId: string, condition: Condition, drill: string | null = null): Alarm {
    const found = this.alarmsOf(sensorId, condition, drill);
    if (found.length !== 1) throw new Error(`expected one ${condition} alarm for ${sensorId}, found ${found.length}`);
    return found[0] as Alarm;
  }
}

/** Alarm events of the given kinds, as "kind:condition" strings — what a test usually asserts on. */
export function kinds(events: readonly UnsequencedAlarmEvent[]): string[] {
  return events.map((e) => (e.subject === 'alarm' ? `${e.kind}:${e.alarm.condition}` : e.kind));
}

export function alarmEvents(events: readonly UnsequencedAlarmEvent[]): AlarmChangeEvent[] {
  return events.filter((e): e is AlarmChangeEvent => e.subject === 'alarm');
}
