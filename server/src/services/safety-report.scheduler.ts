/**
 * Makes each site's weekly and monthly safety reports at the times its facility file names (site
 * time; defaults Monday 07:00 and the 1st at 07:00). At start it makes the latest run's report if
 * none is kept (the server was down when it fell due) and its period ended after Vigil was
 * installed: a period it never watched would read "0 alarms" and mislead whoever gets it. A report
 * already kept is never made again, and each run claims its period in the store before making it,
 * so servers sharing one store (each with this schedule) make each report once.
 * Waits run on the Timers port, never longer than MAX_WAIT_MS at once (timers cannot wait a month,
 * and a changed system clock is noticed).
 */
import type { SafetyReportPeriod, Site } from '../../../contract/index.ts';
import { lastCompletePeriod, lastRun, nextRun } from '../domain/safety-report/periods.ts';
import type { Scheduler, TimerHandle } from './clock.ts';
import type { Installation } from './installation.ts';
import { retry, type BackoffOptions } from './retry.ts';
import { IncompleteReportError, SCHEDULED_CLAIM_LEASE_MS, type SafetyReportService } from './safety-report.service.ts';

export const MAX_WAIT_MS = 3_600_000;
/**
 * A part that cannot be read (InfluxDB still starting, say) is asked again for about a quarter of
 * an hour — 5 s, 10 s, 20 s … up to 5 min apart — before the report is kept saying it was not
 * available.
 */
export const INCOMPLETE_BACKOFF: BackoffOptions = { initialMs: 5000, factor: 2, maxMs: 300_000 };
export const INCOMPLETE_ATTEMPTS = 8;
const PERIODS: readonly SafetyReportPeriod[] = ['week', 'month'];

export interface ReportSchedulerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export class SafetyReportScheduler {
  private readonly timers = new Set<TimerHandle>();
  private running = false;
  /** Runs in progress: stop() waits for them (a report half made is not kept). */
  private readonly busy = new Set<Promise<unknown>>();

  constructor(
    private readonly reports: Pick<SafetyReportService, 'generateScheduled' | 'claimScheduled'>,
    private readonly sites: () => readonly Site[],
    private readonly installation: Installation,
    private readonly scheduler: Scheduler,
    private readonly log: ReportSchedulerLog,
    /** Told of each report made and kept (its id). */
    private readonly onKept: (id: number, siteId: string, period: SafetyReportPeriod) => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.running = true;
    const now = this.scheduler.now();
    const installedAt = await this.installation.installedAt();
    if (!this.running) return;
    for (const site of this.sites())
      for (const period of PERIODS) {
        const missed = lastRun(site.safetyReports, period, site.timezone, now);
        if (missed !== null) this.catchUp(site, period, missed, installedAt);
        this.arm(site, period);
      }
  }

  /** Runs at their due time need no such check: they all fall due after the installation. */
  private catchUp(site: Site, period: SafetyReportPeriod, missed: number, installedAt: number): void {
    const { to } = lastCompletePeriod(period, site.timezone, missed);
    if (to > installedAt) return this.run(site, period, missed);
    this.log.info(
      { site: site.id, period, periodEnd: new Date(to).toISOString(), installedAt: new Date(installedAt).toISOString() },
      'safety report not caught up: its period ended before Vigil was installed',
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) this.scheduler.clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.busy]);
  }

  private arm(site: Site, period: SafetyReportPeriod): void {
    if (!this.running) return;
    const due = nextRun(site.safetyReports, period, site.timezone, this.scheduler.now());
    if (due === null) return;
    const wait = (handle: { t?: TimerHandle }) => {
      const left = due - this.scheduler.now();
      handle.t = this.scheduler.setTimeout(
        () => {
          this.timers.delete(handle.t!);
          if (!this.running) return;
          if (this.scheduler.now() < due) return wait(handle);
          this.run(site, period, due);
          this.arm(site, period);
        },
        Math.min(Math.max(left, 0), MAX_WAIT_MS),
      );
      this.timers.add(handle.t);
    };
    wait({});
  }

  private run(site: Site, period: SafetyReportPeriod, at: number): void {
    this.track(
      this.claimAndMake(site, period, at).catch((err: unknown) =>
        this.log.error({ err, site: site.id, period }, 'safety report could not be made; the next start tries again'),
      ),
    );
  }

  private async claimAndMake(site: Site, period: SafetyReportPeriod, at: number): Promise<void> {
    const claim = await this.reports.claimScheduled(site.id, period, at);
    if (claim === null) {
      this.log.info({ site: site.id, period }, 'safety report being made by another run on this store; not made here');
      // That run may stop without keeping it: once its claim has lapsed, this server looks again.
      this.later(SCHEDULED_CLAIM_LEASE_MS, () => this.run(site, period, at));
      return;
    }
    let id: number | null;
    try {
      id = await this.make(site, period, at);
    } catch (err) {
      await claim.release();
      throw err;
    }
    if (id === null) return;
    this.log.info({ site: site.id, period, id }, 'safety report made');
    this.onKept(id, site.id, period);
  }

  private make(site: Site, period: SafetyReportPeriod, at: number): Promise<number | null> {
    return retry(() => this.reports.generateScheduled(site.id, period, at, { complete: true }), {
      timers: this.scheduler,
      backoff: INCOMPLETE_BACKOFF,
      maxAttempts: INCOMPLETE_ATTEMPTS,
      shouldRetry: (err) => err instanceof IncompleteReportError,
      stopped: () => !this.running,
      onRetry: (err, attempt, delayMs) =>
        this.log.warn({ site: site.id, period, attempt, retryInMs: delayMs, reason: (err as Error).message }, 'safety report incomplete; asking again'),
    }).catch((err: unknown) => {
      // Still incomplete after the last attempt: kept as it is, its sections saying what was missing.
      if (err instanceof IncompleteReportError && this.running) return this.reports.generateScheduled(site.id, period, at);
      throw err;
    });
  }

  private later(ms: number, fn: () => void): void {
    if (!this.running) return;
    const handle = this.scheduler.setTimeout(() => {
      this.timers.delete(handle);
      if (this.running) fn();
    }, ms);
    this.timers.add(handle);
  }

  private track(p: Promise<unknown>): void {
    this.busy.add(p);
    void p.finally(() => this.busy.delete(p));
  }
}
