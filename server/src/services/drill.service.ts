/**
 * Drills: recorded (who, scenario, site, speed, start, end), announced to every console, run
 * by the simulator (which publishes through MQTT like a device), and scored when asked: each
 * expected alarm raised, missed, still pending or never played (the drill ended first), time from
 * the triggering observation to display, time to acknowledgement and by whom, time to resolution.
 *
 * A drill started here is refused before anything runs when its scenario cannot run as asked: a
 * site without the scenario's sensors, a speed the scenario does not allow, a site already running
 * a drill. Ending a drill closes its open alarms (docs/contracts.md#drills).
 */
import {
  DRILL_TARGETS,
  unraisedItem,
  type Alarm,
  type DrillAckOutcome,
  type DrillExpectation,
  type Drill,
  type DrillItemOutcome,
  type DrillNotice,
  type DrillReport,
  type MusterSummary,
  type DrillReportItem,
  type DrillScenario,
  type DrillStartBody,
  type Sensor,
} from '../../../contract/index.ts';
import type { AuditLog } from './audit.port.ts';
import type { Clock } from './clock.ts';
import { signalCounts } from '../domain/alarm/sprinkler.ts';

export interface DrillStore {
  /** False when a drill with this id is kept already (registered by someone else meanwhile). */
  insert(d: Drill): Promise<boolean>;
  get(id: string): Promise<Drill | undefined>;
  /** Latest first. */
  list(limit: number): Promise<Drill[]>;
  /** True for the one caller that ended it; false when it had ended already. */
  end(id: string, at: number): Promise<boolean>;
}

/** A scenario file as the server reads it: what the dashboard offers, what it plays, what it expects. */
export interface CatalogScenario extends DrillScenario {
  expected: DrillExpectation[];
  /** Everything its steps and expectations select. */
  sensorIds: string[];
  zoneIds: string[];
  siteIds: string[];
}

export interface ScenarioCatalog {
  scenario(name: string): CatalogScenario | null;
  list(): CatalogScenario[];
}

/** Where the facility's sensors are. */
export interface DrillFacility {
  sensors(): readonly Pick<Sensor, 'id' | 'siteId' | 'zoneId'>[];
}

/** Starts the simulator for a drill; calls `onExit` when it finishes. */
export interface DrillRunner {
  run(drill: Drill, speed: number, onExit: (ok: boolean) => void): void;
  stop(drillId: string): void;
  /** The drill this runner is playing at the site, if any: a second one would take its devices' connections. */
  runningAt(siteId: string): string | undefined;
}

/** What the drill service needs of the alarm side and of history. */
export interface DrillAlarms {
  drillAlarms(drillId: string): Promise<Alarm[]>;
  /** Closes the drill's open alarms ("drill ended", by `by`) and forgets its rule states. */
  endDrill(drillId: string, by: string): Promise<void>;
  /** Device time of the last drill observation of the sensor at or before `at`. */
  triggerTime(drillId: string, sensorId: string, at: number): Promise<number | null>;
}

/** Why the drill service refused; the HTTP layer maps `code` to a status. */
export const DRILL_ERROR_CODES = ['NOT_FOUND', 'UNKNOWN_SCENARIO', 'SPEED_NOT_ALLOWED', 'SCENARIO_UNFIT', 'CONFLICT'] as const;
export type DrillErrorCode = (typeof DRILL_ERROR_CODES)[number];

export class DrillError extends Error {
  override readonly name = 'DrillError';

  constructor(
    readonly code: DrillErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const TIMER_CONDITIONS: ReadonlySet<string> = new Set(['door_held', 'offline']);

const pad = (n: number) => String(n).padStart(2, '0');
function newDrillId(scenario: string, now: number): string {
  const d = new Date(now);
  return `drill-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${scenario}`.slice(
    0,
    64,
  );
}

export class DrillService {
  constructor(
    private readonly store: DrillStore,
    private readonly scenarios: ScenarioCatalog,
    private readonly facility: DrillFacility,
    private readonly runner: DrillRunner,
    private readonly alarms: DrillAlarms,
    private readonly audit: AuditLog,
    private readonly notify: (n: DrillNotice) => void,
    private readonly clock: Clock,
    /** The musters of a drill's fire alarms (presence.service.ts), for its report. */
    private readonly musters?: (drillId: string) => Promise<MusterSummary[]>,
    /** A failure nothing waits for: ending a drill when its simulator finishes. */
    private readonly onError: (err: unknown, what: string) => void = () => {},
  ) {}

  /** Sites whose drill is being started here (checked, not yet running): site → drill id. */
  private readonly starting = new Map<string, string>();

  /** Registers a drill (the CLI's, idempotent by id) or starts one here (`run`). */
  async start(body: DrillStartBody, by: string): Promise<Drill> {
    const existing = body.id ? await this.store.get(body.id) : undefined;
    if (existing) return this.registeredAgain(existing, body);
    const scenario = this.scenarios.scenario(body.scenario);
    const speed = body.speed ?? 1;
    if (body.run) this.checkRunnable(scenario, body.scenario, body.siteId, speed);
    const now = this.clock.now();
    const id = body.id ?? newDrillId(body.scenario, now);
    if (!body.run) return this.register(body, id, scenario, speed, by, now);
    // The runner knows a site is busy only once its simulator runs, and the store is awaited before
    // that: the site is held from the check on, so a second start meanwhile is refused as busy.
    this.starting.set(body.siteId, id);
    try {
      return await this.register(body, id, scenario, speed, by, now);
    } finally {
      this.starting.delete(body.siteId);
    }
  }

  private async register(body: DrillStartBody, id: string, scenario: CatalogScenario | null, speed: number, by: string, now: number): Promise<Drill> {
    const drill: Drill = {
      id,
      scenario: body.scenario,
      title: scenario?.title ?? body.scenario,
      speed,
      siteId: body.siteId,
      startedBy: by,
      startedAt: now,
      endedAt: null,
      state: 'running',
      expected: body.expected ?? scenario?.expected ?? [],
    };
    // Registered by another request (or server) since the look above: that one is the drill.
    if (!(await this.store.insert(drill))) return this.registeredAgain((await this.store.get(drill.id))!, body);
    await this.audit.append({
      actor: by,
      action: 'drill.started',
      target: `drill:${drill.id}`,
      detail: { scenario: drill.scenario, siteId: drill.siteId, run: body.run },
      at: now,
    });
    this.notify({ drillId: drill.id, scenario: drill.scenario, siteId: drill.siteId, state: 'started', by, at: now });
    if (body.run) this.runner.run(drill, speed, () => void this.endAfterRun(drill.id));
    return this.translated(drill);
  }

  /** The same registration again is answered with the drill; another one under its id is refused. */
  private registeredAgain(existing: Drill, body: DrillStartBody): Drill {
    if (existing.scenario !== body.scenario || existing.siteId !== body.siteId)
      throw new DrillError('CONFLICT', `drill ${body.id} exists with another scenario or site`);
    return this.translated(existing);
  }

  /** The simulator finished: the drill ends, by the system. Nothing awaits this; a failure is reported. */
  private async endAfterRun(id: string): Promise<void> {
    try {
      await this.end(id, 'system');
    } catch (err) {
      this.onError(err, `ending drill ${id} after its run`);
    }
  }

  /** The scenarios the dashboard may start. */
  scenarioList(): DrillScenario[] {
    return this.scenarios.list().map(({ name, title, titleZh, siteId, speeds, durationS, notes }) => ({
      name,
      title,
      ...(titleZh !== undefined && { titleZh }),
      siteId,
      speeds,
      durationS,
      notes,
    }));
  }

  /** Refuses, with the reason, a drill that would only fail once started. */
  private checkRunnable(scenario: CatalogScenario | null, name: string, siteId: string, speed: number): asserts scenario is CatalogScenario {
    if (scenario === null) throw new DrillError('UNKNOWN_SCENARIO', `no scenario ${name}`);
    if (!scenario.speeds.includes(speed))
      throw new DrillError(
        'SPEED_NOT_ALLOWED',
        `${scenario.title} runs at ${scenario.speeds.map((s) => `×${s}`).join(', ') || 'no speed the server offers'}, not ×${speed}: faster, the server's real-time timers would miss its alarms`,
      );
    const lacking = lackingAt(scenario, siteId, this.facility.sensors());
    const lacks = lacking.length > 0 ? `${siteId} has no ${listed(lacking)}` : '';
    if (scenario.siteId !== siteId)
      throw new DrillError('SCENARIO_UNFIT', `${scenario.title} plays the sensors of site ${scenario.siteId}, not ${siteId}${lacks && `: ${lacks}`}`);
    if (lacks) throw new DrillError('SCENARIO_UNFIT', `${scenario.title} cannot run: ${lacks}`);
    const busy = this.runner.runningAt(siteId) ?? this.starting.get(siteId);
    if (busy !== undefined) throw new DrillError('CONFLICT', `drill ${busy} is running at ${siteId}: end it first`);
  }

  async end(id: string, by: string): Promise<Drill> {
    const drill = await this.store.get(id);
    if (!drill) throw new DrillError('NOT_FOUND', `no drill ${id}`);
    if (drill.state === 'ended') return this.translated(drill);
    const now = this.clock.now();
    this.runner.stop(id);
    // Ended by someone else since the look above (the simulator finishing, another console): said once, by them.
    if (await this.store.end(id, now)) {
      await this.alarms.endDrill(id, by);
      await this.audit.append({ actor: by, action: 'drill.ended', target: `drill:${id}`, at: now });
      this.notify({ drillId: id, scenario: drill.scenario, siteId: drill.siteId, state: 'ended', by, at: now });
    }
    return this.translated((await this.store.get(id))!);
  }

  async list(limit = 100): Promise<Drill[]> {
    return (await this.store.list(limit)).map((d) => this.translated(d));
  }

  /**
   * The drill with its scenario's Chinese title as the file gives it now: only the English title
   * is stored, and only while the file's title is still the one the drill ran under (a renamed
   * scenario's new translation would mislabel it).
   */
  private translated(drill: Drill): Drill {
    const scenario = this.scenarios.scenario(drill.scenario);
    return scenario?.titleZh !== undefined && scenario.title === drill.title ? { ...drill, titleZh: scenario.titleZh } : drill;
  }

  async get(id: string): Promise<Drill> {
    const drill = await this.store.get(id);
    if (!drill) throw new DrillError('NOT_FOUND', `no drill ${id}`);
    return this.translated(drill);
  }

  async report(id: string): Promise<DrillReport> {
    const drill = await this.get(id);
    const judgedAt = drill.endedAt ?? this.clock.now();
    const alarms = (await this.alarms.drillAlarms(id)).sort((a, b) => a.raisedAt - b.raisedAt);
    const used = new Set<string>();
    const items: DrillReportItem[] = [];
    for (const expectation of drill.expected) {
      const alarm = alarms.find((a) => !used.has(a.id) && matches(expectation, a));
      if (alarm) used.add(alarm.id);
      items.push(await this.item(drill, expectation, alarm ?? null, judgedAt));
    }
    const count = (outcome: DrillItemOutcome) => items.filter((i) => i.outcome === outcome).length;
    const raised = count('raised');
    const missed = count('missed');
    const displayedInTime = items.filter((i) => i.displayOk).length;
    const ackedInTime = items.filter((i) => i.ackOk).length;
    const acksJudged = items.filter((i) => i.ack === 'in_time' || i.ack === 'late' || i.ack === 'not_acked').length;
    // Up to 3 points per expected alarm: raised, displayed in time, acknowledged in time; a point
    // is counted only once it can be judged, so a drill ended early is scored on what it played.
    const judged = 3 * missed + 2 * raised + acksJudged;
    const percent = judged === 0 ? (items.length === 0 ? 100 : null) : Math.round(((raised + displayedInTime + ackedInTime) / judged) * 100);
    return {
      drill,
      items,
      unexpected: alarms.filter((a) => !used.has(a.id)),
      score: {
        expected: items.length,
        raised,
        missed,
        pending: count('pending'),
        notPlayed: count('not_played'),
        displayedInTime,
        ackedInTime,
        acksJudged,
        percent,
      },
      targets: DRILL_TARGETS,
      ...(this.musters && { musters: await this.musters(id) }),
      signals: signalCounts(alarms),
    };
  }

  private async item(drill: Drill, expectation: DrillExpectation, alarm: Alarm | null, judgedAt: number): Promise<DrillReportItem> {
    // `withinS` is scenario time: at ×10 an alarm expected within 100 s is due 10 s after the start.
    const dueAt = expectation.withinS === undefined ? null : drill.startedAt + (expectation.withinS * 1000) / drill.speed;
    if (!alarm) {
      const running = drill.state === 'running';
      const due = dueAt === null ? !running : dueAt <= judgedAt;
      return unraisedItem(expectation, due ? 'missed' : running ? 'pending' : 'not_played', dueAt);
    }
    // A timer raises these (held open too long, nothing heard): no observation triggers them; the
    // server raises them at the tick the condition falls due, so display is measured from there.
    const triggerAt = TIMER_CONDITIONS.has(alarm.condition) ? alarm.raisedAt : await this.alarms.triggerTime(drill.id, alarm.sensorId, alarm.raisedAt);
    const displayS = triggerAt === null ? null : Math.max(0, (alarm.raisedAt - triggerAt) / 1000);
    const ackS = alarm.ackedAt === null ? null : (alarm.ackedAt - alarm.raisedAt) / 1000;
    // The drill's end closes what is still open: that is no resolution.
    const closedByDrillEnd =
      drill.endedAt !== null && alarm.closedAt !== null && alarm.closedAt >= drill.endedAt && alarm.resetAt === null && alarm.resolution === null;
    const resolvedAt = alarm.resolution?.at ?? (closedByDrillEnd ? null : alarm.closedAt);
    const ackLimit = alarm.priority === 'critical' ? DRILL_TARGETS.criticalAckS : DRILL_TARGETS.ackS;
    const ackOk = ackS !== null && ackS <= ackLimit;
    return {
      expectation,
      outcome: 'raised',
      dueAt,
      raised: true,
      alarm,
      triggerAt,
      displayedAt: alarm.raisedAt,
      displayS,
      ackedBy: alarm.ackedBy,
      ackS,
      resolvedS: resolvedAt === null ? null : (resolvedAt - alarm.raisedAt) / 1000,
      displayOk: displayS !== null && displayS <= DRILL_TARGETS.displayS,
      ackOk,
      ack: ackOutcome(drill, ackS, ackOk, alarm.raisedAt + ackLimit * 1000, judgedAt),
      closedByDrillEnd,
    };
  }
}

/** Not acknowledged is judged only once the target has passed; a drill that ended first never played it. */
function ackOutcome(drill: Drill, ackS: number | null, ackOk: boolean, targetAt: number, judgedAt: number): DrillAckOutcome {
  if (ackS !== null) return ackOk ? 'in_time' : 'late';
  if (targetAt <= judgedAt) return 'not_acked';
  return drill.state === 'running' ? 'pending' : 'not_played';
}

/** The scenario's sensors and zones the site lacks. */
function lackingAt(scenario: CatalogScenario, siteId: string, sensors: readonly Pick<Sensor, 'id' | 'siteId' | 'zoneId'>[]): string[] {
  const here = sensors.filter((s) => s.siteId === siteId);
  return [
    ...scenario.sensorIds.filter((id) => !here.some((s) => s.id === id)),
    ...scenario.zoneIds.filter((z) => !here.some((s) => s.zoneId === z)).map((z) => `zone ${z}`),
    ...scenario.siteIds.filter((s) => s !== siteId).map((s) => `site ${s}`),
  ];
}

function listed(ids: string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} (and ${ids.length - 5} more)`;
}

function matches(e: DrillExpectation, a: Alarm): boolean {
  if (a.condition !== e.condition) return false;
  if (e.sensorId !== undefined && a.sensorId !== e.sensorId) return false;
  if (e.zoneId !== undefined && a.zoneId !== e.zoneId) return false;
  return true;
}
