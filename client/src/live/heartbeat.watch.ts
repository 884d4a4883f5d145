/**
 * Notices a live link that went silent. A network that discards packets (no TCP reset) leaves the
 * socket looking connected until Socket.IO's own ping gives up (20 s here); the server's
 * `heartbeat` (contract/realtime.ts, one a second) lets the console say so within a few seconds.
 *
 * Armed by the first beat of a connection, so a server that does not beat is never called silent;
 * once this page has heard beats it also arms on each new connection, in case the link dies before
 * that connection's first beat. Any message from the server counts as proof of life, not only
 * beats: a beat may queue behind a large snapshot on a slow link.
 *
 * Pure timing, no socket: `live.socket.ts` wires it, and tests drive it on fake time.
 */

export interface WatchScheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Beats that may go missing before the link is called lost. */
export const MISSED_BEATS = 3;
/** Never tighter than this, whatever interval a server announces: timers and networks jitter. */
export const MIN_SILENCE_MS = 2_000;
/**
 * A check that runs this much later than asked means the page itself was frozen (a long task, a
 * throttled background tab), not that the network was: messages that waited behind it get this long
 * to be handled before the link is called lost.
 */
export const LATE_CHECK_MS = 1_000;
export const LATE_GRACE_MS = 500;

export class HeartbeatWatch {
  private timer: unknown = null;
  private checkAt = 0;
  private lastHeard = 0;
  private silenceMs: number | null = null;
  private lastSeq: number | null = null;
  private missedBeats = 0;
  private graced = false;

  constructor(
    private readonly scheduler: WatchScheduler,
    /** The link is silent; `lastHeard` is when the server was last heard from. */
    private readonly onSilent: (lastHeard: number) => void,
  ) {}

  /** How long without a message before the link counts as lost; null until a beat announced an interval. */
  get timeoutMs(): number | null {
    return this.silenceMs;
  }

  get armed(): boolean {
    return this.timer !== null;
  }

  /** Beats the server sent that never arrived (gaps in `seq`), for the curious. */
  get missed(): number {
    return this.missedBeats;
  }

  /** A `heartbeat` arrived: (re)arms the watch with the interval it announces. */
  beat(seq: number, intervalMs: number): void {
    if (this.lastSeq !== null && seq > this.lastSeq + 1) this.missedBeats += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    this.silenceMs = Math.max(MIN_SILENCE_MS, MISSED_BEATS * intervalMs);
    this.heard();
    if (!this.armed) this.arm(this.silenceMs);
  }

  /** Any other message from the server: proof of life, arms nothing by itself. */
  heard(): void {
    this.lastHeard = this.scheduler.now();
  }

  /** A new connection: watched from now on if this page has heard beats before. */
  connected(): void {
    this.lastSeq = null;
    if (this.silenceMs === null) return;
    this.heard();
    this.arm(this.silenceMs);
  }

  /** The connection ended (or is being torn down): nothing to watch until the next one. */
  stop(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.stop();
    this.checkAt = this.scheduler.now() + ms;
    this.timer = this.scheduler.setTimeout(() => this.check(), ms);
  }

  /** One timer per deadline rather than one per message: re-armed from the last message heard. */
  private check(): void {
    this.timer = null;
    const now = this.scheduler.now();
    const silenceMs = this.silenceMs!;
    // One grace per freeze: in a throttled background tab every check is late, and messages there
    // are still handled on time, so the silence measured then is real.
    if (!this.graced && now - this.checkAt > LATE_CHECK_MS) {
      this.graced = true;
      this.arm(LATE_GRACE_MS);
      return;
    }
    this.graced = false;
    const silentFor = now - this.lastHeard;
    if (silentFor < silenceMs) {
      this.arm(silenceMs - silentFor);
      return;
    }
    this.onSilent(this.lastHeard);
  }
}
