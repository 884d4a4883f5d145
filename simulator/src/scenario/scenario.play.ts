/**
 * Plays a compiled scenario on top of normal traffic: normal emissions on channels the scenario
 * has claimed are held back, the rest is merged in time order (the scenario's own first on a tie),
 * and the stream ends with the scenario.
 */
import type { Emission } from '../generate/emission.ts';
import { mergeByTime, takeUntil } from '../generate/stream.merge.ts';
import type { Claim, CompiledScenario } from './scenario.compile.ts';

export function isClaimed(claims: ReadonlyMap<string, readonly Claim[]>, e: Emission): boolean {
  const mine = claims.get(e.sensorId);
  if (mine === undefined) return false;
  return mine.some((c) => c.from <= e.at && e.at < c.to && (c.channels === 'all' || c.channels.includes(e.channel)));
}

function* unclaimed(stream: Iterable<Emission>, claims: ReadonlyMap<string, readonly Claim[]>): Generator<Emission> {
  for (const e of stream) if (!isClaimed(claims, e)) yield e;
}

/** The scenario's stream; `background` is normal operations from the run's start (or null for none). */
export function playScenario(compiled: CompiledScenario, background: Iterable<Emission> | null): Generator<Emission> {
  const claims = new Map<string, Claim[]>();
  for (const c of compiled.claims) claims.set(c.sensorId, [...(claims.get(c.sensorId) ?? []), c]);
  const streams: Iterable<Emission>[] = [compiled.emissions];
  if (background !== null) streams.push(unclaimed(background, claims));
  return takeUntil(mergeByTime(streams), compiled.end);
}
