/** A fake clock and timers for unit tests: time moves only when the test says so. */
import type { Scheduler, TimerHandle } from '../../server/src/services/clock.ts';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeScheduler implements Scheduler {
  private pending: Pending[] = [];
  private nextId = 1;

  constructor(public t = Date.UTC(2026, 10, 27, 8, 0, 0)) {}

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): TimerHandle => {
    const id = this.nextId++;
    this.pending.push({ id, at: this.t + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  };

  clearTimeout = (handle: TimerHandle): void => {
    this.pending = this.pending.filter((p) => p.id !== (handle as unknown as number));
  };

  /** Timers not yet fired. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Delays (from now) of the timers not yet fired, soonest first. */
  pendingDelays(): number[] {
    return this.pending.map((p) => p.at - this.t).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, in order (timers
   * scheduled by a callback fire too when they fall inside the window). Awaits microtasks between
   * timers so that promise chains started by one timer run before the next.
   */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      const due = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
    await flushMicrotasks();
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
