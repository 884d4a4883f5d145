/**
 * Plays the alarm patterns through Web Audio (no audio files): a short look-ahead scheduler puts
 * each tone on the audio clock, so timing stays exact even when the tab's timers are throttled.
 * Knows nothing of React; `useAlarmSound` drives it.
 */
import type { Priority } from '../../../contract/alarm.ts';
import { PATTERNS, tonesBetween, type SoundPattern } from './sound.patterns.ts';

/** `blocked`: the browser keeps audio suspended until the user interacts (autoplay policy). */
export type SoundState = 'running' | 'blocked' | 'unsupported';

/** The part of AudioContext used here, so tests can pass a fake. */
export interface AudioLike {
  readonly state: string;
  readonly currentTime: number;
  readonly destination: AudioNode;
  resume(): Promise<void>;
  close(): Promise<void>;
  createOscillator(): OscillatorNode;
  createGain(): GainNode;
  addEventListener(type: 'statechange', listener: () => void): void;
}

export interface SoundDeps {
  createContext: () => AudioLike | null;
  /** Milliseconds on a monotonic clock. */
  now: () => number;
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

const TICK_MS = 200;
/** Tones starting within this window are handed to the audio clock on each tick. */
const LOOKAHEAD_MS = 600;
const VOLUME = 0.22;
/** Attack and release: no clicks at the tone edges. */
const EDGE_S = 0.01;

export class AlarmSound {
  private ctx: AudioLike | null = null;
  /** What plays now (a priority, or another name such as the comm-lost tone's), and its pattern. */
  private playing: string | null = null;
  private pattern: SoundPattern | null = null;
  private originMs = 0;
  private scheduledUntil = 0;
  private timer: unknown = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: SoundDeps) {
    this.ctx = deps.createContext();
    this.ctx?.addEventListener('statechange', () => this.notify());
  }

  get state(): SoundState {
    if (!this.ctx) return 'unsupported';
    return this.ctx.state === 'running' ? 'running' : 'blocked';
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the browser to let sound play; must be called from a user gesture (a click). */
  async unlock(): Promise<void> {
    if (this.ctx && this.ctx.state !== 'running') await this.ctx.resume().catch(() => {});
    this.notify();
  }

  /** The pattern to play from now on; the same priority keeps its rhythm, a new one starts at once. */
  play(priority: Priority | null): void {
    this.playPattern(priority, priority === null ? null : PATTERNS[priority]);
  }

  /** Any pattern under a name: the same name keeps its rhythm, another starts at once, null stops. */
  playPattern(name: string | null, pattern: SoundPattern | null): void {
    if (name === this.playing) return;
    this.playing = name;
    this.pattern = name === null ? null : pattern;
    if (this.timer !== null) this.deps.clearInterval(this.timer);
    this.timer = null;
    if (this.pattern === null || !this.ctx) return;
    this.originMs = this.deps.now();
    this.scheduledUntil = this.originMs;
    this.tick();
    this.timer = this.deps.setInterval(() => this.tick(), TICK_MS);
  }

  /**
   * One cycle of `pattern`, now, over whatever plays (a reminder, not a state): nothing when the
   * browser blocks audio, as a late burst on unlock would mislead.
   */
  playOnce(pattern: SoundPattern): void {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== 'running') return;
    const now = this.deps.now();
    for (const tone of tonesBetween(pattern, now, now, now + pattern.periodMs)) {
      this.beep(ctx, pattern.wave, tone.freqHz, ctx.currentTime + (tone.startMs - now) / 1000, tone.durMs / 1000);
    }
  }

  dispose(): void {
    this.playPattern(null, null);
    void this.ctx?.close().catch(() => {});
    this.ctx = null;
    this.listeners.clear();
  }

  private tick(): void {
    const pattern = this.pattern;
    const ctx = this.ctx;
    if (!pattern || !ctx) return;
    const now = this.deps.now();
    const until = now + LOOKAHEAD_MS;
    // While the browser blocks audio nothing is queued (it would all burst out on unlock).
    if (ctx.state === 'running') {
      for (const tone of tonesBetween(pattern, this.originMs, Math.max(this.scheduledUntil, now), until)) {
        this.beep(ctx, pattern.wave, tone.freqHz, ctx.currentTime + (tone.startMs - now) / 1000, tone.durMs / 1000);
      }
    }
    this.scheduledUntil = until;
  }

  private beep(ctx: AudioLike, wave: OscillatorType, freqHz: number, at: number, durS: number): void {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = wave;
    osc.frequency.value = freqHz;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(VOLUME, at + EDGE_S);
    gain.gain.setValueAtTime(VOLUME, at + durS - EDGE_S);
    gain.gain.linearRampToValueAtTime(0, at + durS);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(at);
    osc.stop(at + durS);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

/** The browser's AudioContext, or null where there is none. */
export function browserAudio(): AudioLike | null {
  const Ctor = globalThis.AudioContext as typeof AudioContext | undefined;
  return Ctor ? new Ctor() : null;
}
