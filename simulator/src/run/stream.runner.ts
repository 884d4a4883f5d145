/**
 * Plays an emission stream through a publisher. Live: virtual time maps onto real time
 * (real = start + (at − virtualStart) / speed) and each payload is stamped with the real publish
 * time — at `--speed 10` a virtual timestamp would run ahead of the server's clock and be refused.
 * Dry run: no waiting, stamped with virtual time. Time is a port (`Clock`): tests never sleep.
 */
import type { Emission } from '../generate/emission.ts';
import type { Note } from '../scenario/scenario.compile.ts';
import type { Publisher } from '../publish/publisher.ts';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface RunOptions {
  stream: Iterable<Emission>;
  publisher: Publisher;
  /** Virtual epoch ms the run starts at. */
  virtualStart: number;
  /** Keep going (in virtual time) until here even after the last emission; run ends at the stream's end when absent. */
  until?: number;
  speed: number;
  /** false: a dry run — no waiting, payloads stamped with virtual time. */
  live: boolean;
  clock: Clock;
  signal?: AbortSignal;
  notes?: readonly Note[];
  onNote?: (note: Note) => void;
  /** Called with the virtual time as the run advances (for the progress line). */
  onAdvance?: (virtualNow: number) => void;
}

export interface RunResult {
  /** Stopped by the signal before the end. */
  stopped: boolean;
  /** Virtual time reached. */
  reached: number;
}

export async function runStream(o: RunOptions): Promise<RunResult> {
  const realStart = o.clock.now();
  const notes = [...(o.notes ?? [])];
  const dueAt = (at: number): number => realStart + (at - o.virtualStart) / o.speed;
  const waitFor = async (at: number): Promise<boolean> => {
    if (!o.live) return !o.signal?.aborted;
    const wait = dueAt(at) - o.clock.now();
    if (wait >= 1) await o.clock.sleep(wait, o.signal);
    return !o.signal?.aborted;
  };
  const passNotes = (upTo: number): void => {
    while (notes.length > 0 && notes[0]!.at <= upTo) o.onNote?.(notes.shift()!);
  };
  let reached = o.virtualStart;
  for (const e of o.stream) {
    // Awaiting only when there is something to wait for keeps high load rates cheap.
    if (o.signal?.aborted) return { stopped: true, reached };
    if (o.live && dueAt(e.at) - o.clock.now() >= 1 && !(await waitFor(e.at))) return { stopped: true, reached };
    if (notes.length > 0) passNotes(e.at);
    reached = e.at;
    o.onAdvance?.(reached);
    const pending = o.publisher.publish(e, o.live ? Math.round(o.clock.now()) : e.at);
    if (pending !== undefined) await pending;
  }
  if (o.until !== undefined && o.until > reached) {
    for (const note of notes.filter((n) => n.at <= o.until!)) {
      if (!(await waitFor(note.at))) return { stopped: true, reached };
      passNotes(note.at);
    }
    if (!(await waitFor(o.until))) return { stopped: true, reached };
    reached = o.until;
    o.onAdvance?.(reached);
  }
  return { stopped: false, reached };
}
