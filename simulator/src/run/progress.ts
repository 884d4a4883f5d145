/**
 * The progress line on stderr for long runs: rewritten in place once a second on a terminal,
 * printed as a plain line every 10 s otherwise (a log file stays readable).
 */
import type { PublishStats } from '../publish/publisher.ts';

export interface ProgressSource {
  label: string;
  /** Virtual ms since the start, and the total when the run has an end. */
  elapsedMs(): number;
  totalMs?: number;
  speed: number;
  stats(): PublishStats;
}

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
}

const clockText = (ms: number): string => {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
};

export function progressLine(src: ProgressSource, perSecond: number | null): string {
  const st = src.stats();
  const total = src.totalMs === undefined ? '' : ` / ${clockText(src.totalMs)}`;
  const speed = src.speed === 1 ? '' : ` ×${src.speed}`;
  const rate = perSecond === null ? '' : ` · ${Math.round(perSecond)}/s`;
  const failed = st.failed > 0 ? ` · failed ${st.failed}` : '';
  return `${src.label} t+${clockText(src.elapsedMs())}${total}${speed} · sent ${st.sent} · acked ${st.acked}${rate}${failed}`;
}

/** Starts the progress line; returns the function that stops it (ending the line on a terminal). */
export function startProgress(src: ProgressSource, out: ProgressOutput): () => void {
  let lastAcked = src.stats().acked;
  let lastAt = Date.now();
  let ticks = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const acked = src.stats().acked;
    const perSecond = ((acked - lastAcked) * 1000) / Math.max(1, now - lastAt);
    lastAcked = acked;
    lastAt = now;
    ticks++;
    if (out.isTTY) out.write(`\r\x1b[K${progressLine(src, perSecond)}`);
    else if (ticks % 10 === 0) out.write(`${progressLine(src, perSecond)}\n`);
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (out.isTTY && ticks > 0) out.write('\r\x1b[K');
  };
}
