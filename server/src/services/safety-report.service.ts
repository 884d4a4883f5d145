/**
 * The periodic safety report of one site: gathers the period's alarms (and the period before's),
 * drills and their scores against the site's drill plan, sensor availability and troubles, sensors
 * out of service, and — where those parts exist — the alarm KPIs, corrective actions and shift
 * handovers; the arithmetic is in domain/safety-report. Kept reports are stored and announced
 * through the notification outbox (docs/contracts.md#safety-reports).
 */
import type {
  Alarm,
  Drill,
  DrillPlanStatus,
  OutOfService,
  ReportCounts,
  ReportHandovers,
  ReportKpi,
  ReportSection,
  SafetyReport,
  SafetyReportEntry,
  SafetyReportPeriod,
  Sensor,
  Site,
} from '../../../contract/index.ts';
import { conditionName } from '../../../contract/condition-names.ts';
import { alarmFigures, drillPlanStatus, drillsHeld, sensorFigures } from '../domain/safety-report/figures.ts';
import { lastCompletePeriod, periodOf, previousPeriod, type Period } from '../domain/safety-report/periods.ts';
import { allAlarms } from './alarm.pages.ts';
import type { AlarmFilter } from './alarm.ports.ts';
import type { Clock } from './clock.ts';

/** The sites, their zones and sensors. */
export interface ReportFacility {
  site(id: string): Site | undefined;
  sites(): readonly Site[];
  sensors(): readonly Pick<Sensor, 'id' | 'name' | 'siteId'>[];
}

export interface ReportAlarms {
  list(filter: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }>;
  /** Sensors out of service now. */
  outOfService(): Promise<{ sensorId: string; outOfService: OutOfService }[]>;
}

export interface ReportDrills {
  list(limit: number): Promise<Drill[]>;
  scorePercent(drillId: string): Promise<number | null>;
  scenarioTitle(scenario: string): string | undefined;
  /** The scenario file's `titleZh` (the zh report shows it). */
  scenarioTitleZh?(scenario: string): string | undefined;
}

/** The parts built beside this one; each one absent makes its section say "not available". */
export interface ReportSources {
  kpis?: (siteId: string, from: number, to: number) => ReportKpi[] | Promise<ReportKpi[]>;
  actions?: (siteId: string, from: number, to: number) => ReportCounts | Promise<ReportCounts>;
  handovers?: (siteId: string, from: number, to: number) => ReportHandovers | Promise<ReportHandovers>;
}

export interface SafetyReportStore {
  /**
   * Keeps a report and calls `kept` with its id in the same transaction (the outbox message is
   * written with it: a crash keeps both or neither); null when one of this site, period kind and
   * start is kept already.
   */
  insert(report: SafetyReport, kept: (id: number) => Promise<void>): Promise<number | null>;
  get(id: number): Promise<SafetyReport | undefined>;
  has(siteId: string, period: SafetyReportPeriod, from: number): Promise<boolean>;
  list(filter: { siteId?: string; period?: SafetyReportPeriod; limit: number }): Promise<SafetyReportEntry[]>;
  /**
   * Claims the making of one period's scheduled report at `at`, atomically: true for exactly one
   * of the callers racing for it on any server sharing the store; a claim older than `leaseMs`
   * (its run stopped without keeping the report) may be taken again.
   */
  claim(siteId: string, period: SafetyReportPeriod, from: number, at: number, leaseMs: number): Promise<boolean>;
  /** Gives up the claim made at `at` (its run failed), so the next start tries again. */
  release(siteId: string, period: SafetyReportPeriod, from: number, at: number): Promise<void>;
}

/** Announces a kept report through the notification outbox (shape of NotificationDispatcher.notify). */
export type ReportAnnouncer = (message: { subject: string; seq: number; level: number; title: string; lines: string[]; webhook: object }) => Promise<void>;

/** A scheduled period this server is making the report of; `release` gives it up when that failed. */
export interface ScheduledClaim {
  release(): Promise<void>;
}

/** A scheduled report one of whose parts could not be read: asked again before it is kept without it. */
export class IncompleteReportError extends Error {
  override readonly name = 'IncompleteReportError';
  constructor(readonly failed: string[]) {
    super(failed.join('; '));
  }
}

export class SafetyReportError extends Error {
  override readonly name = 'SafetyReportError';
  constructor(
    readonly code: 'NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

/** An offline alarm raised this long before a period can still overlap it (the watchdog raises it once; it may stay open). */
const OVERLAP_LOOKBACK_MS = 31 * 86_400_000;
/** Drills looked at for the plan: far more than a site holds in the longest plan interval (a year). */
const DRILLS_CONSIDERED = 5000;
/** Outbox sequence numbers of report announcements: negative and clear of other kinds of message. */
const ANNOUNCE_SEQ_BASE = 2 ** 40;
/**
 * How long a claim on a scheduled period holds without its report being kept: well past the
 * longest run (about 10 minutes of asking again while a part cannot be read, then the report).
 */
export const SCHEDULED_CLAIM_LEASE_MS = 3_600_000;

export class SafetyReportService {
  constructor(
    private readonly facility: ReportFacility,
    private readonly alarms: ReportAlarms,
    private readonly drills: ReportDrills,
    private readonly sources: ReportSources,
    private readonly store: SafetyReportStore,
    private readonly announce: ReportAnnouncer,
    private readonly clock: Clock,
  ) {}

  private siteOf(siteId: string): Site {
    const site = this.facility.site(siteId);
    if (!site) throw new SafetyReportError('NOT_FOUND', `no site ${siteId}`);
    return site;
  }

  /** The period holding `at`, or the last complete one when `at` is absent. */
  periodFor(siteId: string, period: SafetyReportPeriod, at?: number): Period {
    const tz = this.siteOf(siteId).timezone;
    return at === undefined ? lastCompletePeriod(period, tz, this.clock.now()) : periodOf(period, tz, at);
  }

  async generate(siteId: string, period: SafetyReportPeriod, range: Period, by: string): Promise<SafetyReport> {
    return (await this.assemble(siteId, period, range, by)).report;
  }

  /** The report, and the parts that exist but could not be read this time (their sections say so). */
  private async assemble(siteId: string, period: SafetyReportPeriod, range: Period, by: string): Promise<{ report: SafetyReport; failed: string[] }> {
    const site = this.siteOf(siteId);
    const tz = site.timezone;
    const previous = previousPeriod(period, tz, range);
    const now = this.clock.now();
    const alarms = await this.alarmsRaised(siteId, previous.from - OVERLAP_LOOKBACK_MS, range.to);
    const zones = new Map(site.floors.flatMap((f) => f.zones).map((z) => [z.id, z]));
    const sensors = this.facility.sensors().filter((s) => s.siteId === siteId);
    const sensorNames = new Map(sensors.map((s) => [s.id, s.name]));
    const plan = site.drillPlan ?? [];
    const drills = await this.drills.list(DRILLS_CONSIDERED);
    const title = (scenario: string) => this.drills.scenarioTitle(scenario) ?? scenario;
    const scores = new Map<string, number | null>();
    for (const d of drills.filter((d) => d.siteId === siteId && d.startedAt >= range.from && d.startedAt < range.to))
      scores.set(d.id, await this.drills.scorePercent(d.id));
    const planRows = drillPlanStatus(plan, drills, siteId, tz, range, Math.min(range.to, now), title, this.titleZh);
    const ids = new Set(sensors.map((s) => s.id));
    const outOfService = await this.alarms.outOfService();
    const failed: string[] = [];
    const report: SafetyReport = {
      siteId,
      siteName: site.name,
      ...(site.nameZh ? { siteNameZh: site.nameZh } : {}),
      timezone: tz,
      period,
      from: range.from,
      to: range.to,
      previousFrom: previous.from,
      generatedAt: now,
      generatedBy: by,
      ...alarmFigures({
        alarms,
        period: range,
        previous,
        zoneName: (id) => {
          const z = zones.get(id);
          return z ? { name: z.name, ...(z.nameZh ? { nameZh: z.nameZh } : {}) } : { name: id };
        },
        conditionName: (c) => ({ name: conditionName(c, 'en'), nameZh: conditionName(c, 'zh') }),
      }),
      kpis: await section('alarm KPIs', this.sources.kpis, siteId, range, failed),
      drills: {
        held: drillsHeld(plan, drills, siteId, range, (id) => scores.get(id) ?? null),
        plan: planRows,
        overdue: planRows.filter((r) => r.overdue).length,
      },
      actions: await section('corrective actions', this.sources.actions, siteId, range, failed),
      handovers: await section('shift handovers', this.sources.handovers, siteId, range, failed),
      sensors: {
        ...sensorFigures({ alarms, period: range, sensorCount: sensors.length, sensorName: (id) => sensorNames.get(id) ?? id }),
        outOfService: outOfService
          .filter((s) => ids.has(s.sensorId))
          .map(({ sensorId, outOfService: o }) => ({
            sensorId,
            sensorName: sensorNames.get(sensorId) ?? sensorId,
            since: o.since,
            until: o.until ?? 0,
            by: o.by,
            reason: o.reason,
          })),
      },
    };
    return { report, failed };
  }

  /** The drill plan of a site as of now (the KPI page's overdue drills). */
  async planNow(siteId: string): Promise<DrillPlanStatus[]> {
    const site = this.siteOf(siteId);
    const now = this.clock.now();
    const title = (scenario: string) => this.drills.scenarioTitle(scenario) ?? scenario;
    return drillPlanStatus(
      site.drillPlan ?? [],
      await this.drills.list(DRILLS_CONSIDERED),
      siteId,
      site.timezone,
      periodOf('week', site.timezone, now),
      now,
      title,
      this.titleZh,
    );
  }

  private readonly titleZh = (scenario: string): string | undefined => this.drills.scenarioTitleZh?.(scenario);

  /**
   * Makes, keeps and announces the report of the last complete period before `at` (a scheduled
   * run); nothing when it is kept already (a catch-up after a restart, a second server). With
   * `complete`, a part that exists but cannot be read now (InfluxDB still starting) throws
   * IncompleteReportError instead: a kept report is final, so the schedule asks again first.
   */
  async generateScheduled(siteId: string, period: SafetyReportPeriod, at: number, { complete = false } = {}): Promise<number | null> {
    const range = lastCompletePeriod(period, this.siteOf(siteId).timezone, at);
    if (await this.store.has(siteId, period, range.from)) return null;
    const { report, failed } = await this.assemble(siteId, period, range, 'schedule');
    if (complete && failed.length > 0) throw new IncompleteReportError(failed);
    return this.store.insert(report, (id) => this.announceKept(id, report));
  }

  /**
   * Claims the scheduled run of the last complete period before `at` (see generateScheduled)
   * before it is made: null when another run holds it — on this server or another one sharing the
   * store — so a period missed while every server was down is made once, not once per server.
   */
  async claimScheduled(siteId: string, period: SafetyReportPeriod, at: number): Promise<ScheduledClaim | null> {
    const { from } = lastCompletePeriod(period, this.siteOf(siteId).timezone, at);
    const claimedAt = this.clock.now();
    if (!(await this.store.claim(siteId, period, from, claimedAt, SCHEDULED_CLAIM_LEASE_MS))) return null;
    return { release: () => this.store.release(siteId, period, from, claimedAt) };
  }

  private announceKept(id: number, report: SafetyReport): Promise<void> {
    const { siteId, period } = report;
    return this.announce({
      subject: `safety-report:${id}`,
      seq: -(ANNOUNCE_SEQ_BASE + id),
      level: 1,
      title: `Vigil ${period === 'week' ? 'weekly' : 'monthly'} safety report: ${report.siteName}`,
      lines: [
        `Period ${new Date(report.from).toISOString()} to ${new Date(report.to).toISOString()} (${report.timezone})`,
        `Alarms ${report.alarms.total.current} (previous period ${report.alarms.total.previous}), escalated ${report.escalations.alarms.current}`,
        `Drills held ${report.drills.held.length}, overdue ${report.drills.overdue}`,
        `Sensor availability ${report.sensors.availabilityPct ?? '–'} %, out of service ${report.sensors.outOfService.length}`,
        `Report ${id}: /api/reports/safety/history/${id}?format=html`,
      ],
      webhook: {
        type: 'vigil.safety_report',
        id,
        siteId,
        period,
        from: report.from,
        to: report.to,
        alarms: report.alarms.total,
        overdueDrills: report.drills.overdue,
      },
    });
  }

  async kept(id: number): Promise<SafetyReport> {
    const report = await this.store.get(id);
    if (!report) throw new SafetyReportError('NOT_FOUND', `no safety report ${id}`);
    return report;
  }

  history(filter: { siteId?: string; period?: SafetyReportPeriod; limit: number }): Promise<SafetyReportEntry[]> {
    return this.store.list(filter);
  }

  private async alarmsRaised(siteId: string, from: number, to: number): Promise<Alarm[]> {
    return allAlarms((f) => this.alarms.list(f), { site: siteId, from, to, drill: 'exclude' });
  }
}

async function section<T>(
  what: string,
  source: ((siteId: string, from: number, to: number) => T | Promise<T>) | undefined,
  siteId: string,
  p: Period,
  failed: string[],
): Promise<ReportSection<T>> {
  if (!source) return { available: false, reason: `${what} are not recorded by this server` };
  try {
    return { available: true, data: await source(siteId, p.from, p.to) };
  } catch (err) {
    const reason = `${what} could not be read: ${(err as Error).message}`;
    failed.push(reason);
    return { available: false, reason };
  }
}
