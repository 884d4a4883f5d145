/**
 * Tells this node's consoles at once when the sites that no node runs change, instead of leaving
 * it to their next health poll (docs/architecture.md "Several nodes"): a site without a node
 * raises no alarm, and the duty officer must know within seconds.
 *
 * A tick, not the lease callbacks: the set also changes with nothing happening on this node — a
 * dead peer's lease runs out in this node's view of the lease table (SiteLeases.status()
 * estimates the database's time between readings, and keeps doing so while the database does not
 * answer). Reading the status is a walk over the configured sites, cheap at once a second.
 */
import type { ClusterNotice } from '../../../contract/index.ts';
import type { Scheduler, TimerHandle } from './clock.ts';
import type { SiteHolderStatus } from './site-leases.ts';

/** Often enough that a console names a site without a node within ~1 s of this node seeing it. */
export const UNHELD_CHECK_MS = 1_000;

export class UnheldWatch {
  private last: string[] = [];
  private timer: TimerHandle | undefined;

  constructor(
    private readonly status: () => Pick<SiteHolderStatus, 'node' | 'unheld'>,
    private readonly changed: (notice: ClusterNotice) => void,
    private readonly scheduler: Scheduler,
    /** A listener that threw: reported, and the watch goes on (a throw out of a timer would end the process). */
    private readonly onError: (err: unknown) => void,
    private readonly everyMs = UNHELD_CHECK_MS,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.check();
  }

  stop(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Compares with the last check and tells when different. */
  private check(): void {
    this.timer = this.scheduler.setTimeout(() => this.check(), this.everyMs);
    const { node, unheld } = this.status();
    const sorted = [...unheld].sort();
    if (sorted.join('\n') === this.last.join('\n')) return;
    this.last = sorted;
    try {
      this.changed({ node, unheld: sorted, at: this.scheduler.now() });
    } catch (err) {
      this.onError(err);
    }
  }
}
