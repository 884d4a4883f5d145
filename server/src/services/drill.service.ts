/**
 * Drills: recorded (who, scenario, site, start, end), announced to every console, run
 * by the simulator (which publishes through MQTT like a device), and scored when asked: each
 * expected alarm raised or missed, time from the triggering observation to display, time to
 * acknowledgement and by whom, time to resolution.
 */
import {
  DRILL_TARGETS,
  type Alarm,
  type DrillExpectation,
  type Drill,
  type DrillNotice,
  type DrillReport,
  type DrillReportItem,
  type DrillStartBody,
} from '../../../contract/index.ts';
import type { AuditLog } from './audit.port.ts';
import type { Clock } from './clock.ts';

export interface DrillStore {
  insert(d: Drill): void;
  get(id: string): Drill | undefined;
  list(limit: number): Drill[];
  end(id: string, at: number): void;
}

/** Scenario files: their expected alarms. */
export interface ScenarioCatalog {
  expectations(scenario: string): DrillExpectation[] | null;
}

/** Starts the simulator for a drill; calls `onExit` when it finishes. */
export interface DrillRunner {
  run(drill: Drill, speed: number, onExit: (ok: boolean) => void): void;
  stop(drillId: string): void;
}

/** What the drill service needs of the alarm side and of history. */
export interface DrillAlarms {
  drillAlarms(drillId: string): Alarm[];
  endDrill(drillId: string): void;
  /** Device time of the last drill observation of the sensor at or before `at`. */
  triggerTime(drillId: string, sensorId: string, at: number): Promise<number | null>;
}

/** Why the drill service refused; the HTTP layer maps `code` to a status. */
export const DRILL_ERROR_CODES = ['NOT_FOUND', 'UNKNOWN_SCENARIO', 'CONFLICT'] as const;
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
    private readonly runner: DrillRunner,
    private readonly alarms: DrillAlarms,
    private readonly audit: AuditLog,
    private readonly notify: (n: DrillNotice) => void,
    private readonly clock: Clock,
  ) {}

  /** Registers a drill (the CLI's, idempotent by id) or starts one here (`run`). */
  start(body: DrillStartBody, by: string): Drill {
    const existing = body.id ? this.store.get(body.id) : undefined;
    if (existing) {
      if (existing.scenario !== body.scenario || existing.siteId !== body.siteId)
        throw new DrillError('CONFLICT', `drill ${body.id} exists with another scenario or site`);
      return existing;
    }
    const fromFile = this.scenarios.expectations(body.scenario);
    if (body.run && fromFile === null) throw new DrillError('UNKNOWN_SCENARIO', `no scenario ${body.scenario}`);
    const now = this.clock.now();
    const drill: Drill = {
      id: body.id ?? newDrillId(body.scenario, now),
      scenario: body.scenario,
      siteId: body.siteId,
      startedBy: by,
      startedAt: now,
      endedAt: null,
      state: 'running',
      expected: body.expected ?? fromFile ?? [],
    };
    this.store.insert(drill);
    this.audit.append({
      actor: by,
      action: 'drill.started',
      target: `drill:${drill.id}`,
      detail: { scenario: drill.scenario, siteId: drill.siteId, run: body.run },
      at: now,
    });
    this.notify({ drillId: drill.id, scenario: drill.scenario, siteId: drill.siteId, state: 'started', by, at: now });
    if (body.run) this.runner.run(drill, body.speed ?? 1, () => this.end(drill.id, 'system'));
    return drill;
  }

  end(id: string, by: string): Drill {
    const drill = this.store.get(id);
    if (!drill) throw new DrillError('NOT_FOUND', `no drill ${id}`);
    if (drill.state === 'ended') return drill;
    const now = this.clock.now();
    this.runner.stop(id);
    this.store.end(id, now);
    this.alarms.endDrill(id);
    this.audit.append({ actor: by, action: 'drill.ended', target: `drill:${id}`, at: now });
    this.notify({ drillId: id, scenario: drill.scenario, siteId: drill.siteId, state: 'ended', by, at: now });
    return this.store.get(id)!;
  }

  list(limit = 100): Drill[] {
    return this.store.list(limit);
  }

  get(id: string): Drill {
    const drill = this.store.get(id);
    if (!drill) throw new DrillError('NOT_FOUND', `no drill ${id}`);
    return drill;
  }

  async report(id: string): Promise<DrillReport> {
    const drill = this.get(id);
    const alarms = this.alarms.drillAlarms(id).sort((a, b) => a.raisedAt - b.raisedAt);
    const used = new Set<string>();
    const items: DrillReportItem[] = [];
    for (const expectation of drill.expected) {
      const alarm = alarms.find((a) => !used.has(a.id) && matches(expectation, a));
      if (alarm) used.add(alarm.id);
      items.push(await this.item(drill, expectation, alarm ?? null));
    }
    const raised = items.filter((i) => i.raised).length;
    const displayedInTime = items.filter((i) => i.displayOk).length;
    const ackedInTime = items.filter((i) => i.ackOk).length;
    const expected = items.length;
    // Each expected alarm scores up to 3 points: raised, displayed in time, acknowledged in time.
    const percent = expected === 0 ? 100 : Math.round(((raised + displayedInTime + ackedInTime) / (3 * expected)) * 100);
    return {
      drill,
      items,
      unexpected: alarms.filter((a) => !used.has(a.id)),
      score: { expected, raised, missed: expected - raised, displayedInTime, ackedInTime, percent },
      targets: DRILL_TARGETS,
    };
  }

  private async item(drill: Drill, expectation: DrillExpectation, alarm: Alarm | null): Promise<DrillReportItem> {
    if (!alarm) {
      return {
        expectation,
        raised: false,
        alarm: null,
        triggerAt: null,
        displayedAt: null,
        displayS: null,
        ackedBy: null,
        ackS: null,
        resolvedS: null,
        displayOk: false,
        ackOk: false,
      };
    }
    // A timer raises these (held open too long, nothing heard): no observation triggers them; the
    // server raises them at the tick the condition falls due, so display is measured from there.
    const triggerAt = TIMER_CONDITIONS.has(alarm.condition) ? alarm.raisedAt : await this.alarms.triggerTime(drill.id, alarm.sensorId, alarm.raisedAt);
    const displayS = triggerAt === null ? null : Math.max(0, (alarm.raisedAt - triggerAt) / 1000);
    const ackS = alarm.ackedAt === null ? null : (alarm.ackedAt - alarm.raisedAt) / 1000;
    const resolvedAt = alarm.resolution?.at ?? alarm.closedAt;
    const ackLimit = alarm.priority === 'critical' ? DRILL_TARGETS.criticalAckS : DRILL_TARGETS.ackS;
    return {
      expectation,
      raised: true,
      alarm,
      triggerAt,
      displayedAt: alarm.raisedAt,
      displayS,
      ackedBy: alarm.ackedBy,
      ackS,
      resolvedS: resolvedAt === null ? null : (resolvedAt - alarm.raisedAt) / 1000,
      displayOk: displayS !== null && displayS <= DRILL_TARGETS.displayS,
      ackOk: ackS !== null && ackS <= ackLimit,
    };
  }
}

function matches(e: DrillExpectation, a: Alarm): boolean {
  if (a.condition !== e.condition) return false;
  if (e.sensorId !== undefined && a.sensorId !== e.sensorId) return false;
  if (e.zoneId !== undefined && a.zoneId !== e.zoneId) return false;
  return true;
}
