/**
 * The simulator's scenario files (`simulator/scenarios/<name>.yaml`) read as data: the server
 * needs only each scenario's expected alarms, to score drills. It never imports simulator code.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { drillExpectationSchema, type DrillExpectation } from '../../../contract/index.ts';
import type { ScenarioCatalog } from '../services/drill.service.ts';

export class ScenarioFiles implements ScenarioCatalog {
  constructor(private readonly dir: string) {}

  expectations(scenario: string): DrillExpectation[] | null {
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(scenario)) return null;
    const file = path.join(this.dir, `${scenario}.yaml`);
    if (!fs.existsSync(file)) return null;
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as { expect?: unknown[] } | null;
    const out: DrillExpectation[] = [];
    for (const raw of doc?.expect ?? []) {
      if (typeof raw !== 'object' || raw === null) continue;
      const { sensorId, sensor, zoneId, zone, condition, priority, withinS, within, count } = raw as Record<string, unknown>;
      const parsed = drillExpectationSchema.safeParse(
        Object.fromEntries(
          Object.entries({ sensorId: sensorId ?? sensor, zoneId: zoneId ?? zone, condition, priority, withinS: withinS ?? within }).filter(
            ([, v]) => v !== undefined,
          ),
        ),
      );
      // `count: n` expects n distinct alarms matching the same description (an alarm flood).
      const times = typeof count === 'number' && Number.isInteger(count) && count > 0 ? Math.min(count, 500) : 1;
      if (parsed.success) for (let i = 0; i < times; i++) out.push({ ...parsed.data });
    }
    return out;
  }

  list(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -5))
      .sort();
  }
}
