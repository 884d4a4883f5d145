/**
 * Drill ids and tagging: during a drill every observation the simulator sends — the scenario's
 * and the normal background traffic, and the devices' last wills — carries `drill: <id>`, so the
 * server marks what they raise as DRILL and keeps it out of real statistics (docs/contracts.md#drills).
 */
import type { Emission } from '../generate/emission.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** `drill-<yyyymmdd-hhmmss>-<name>` in UTC, cut to the 64 characters an id may have. */
export function makeDrillId(scenarioName: string, startedAt: number): string {
  const d = new Date(startedAt);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `drill-${stamp}-${scenarioName}`.slice(0, 64).replace(/[-_.]+$/, '');
}

export function* tagDrill(stream: Iterable<Emission>, drillId: string): Generator<Emission> {
  for (const e of stream) yield { ...e, payload: { ...e.payload, drill: drillId } };
}
