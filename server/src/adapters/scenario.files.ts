/**
 * The simulator's scenario files (`simulator/scenarios/<name>.yaml`) read as data: the server
 * needs each scenario's title, site, speeds and coordinator notes (offered on the Drills page),
 * the sensors, zones and sites it plays (a drill is refused at a site that lacks them) and its
 * expected alarms (to score drills). It never imports simulator code; the simulator validates the
 * files fully when it plays them.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DRILL_SPEEDS, drillExpectationSchema, type DrillExpectation, type DrillNote } from '../../../contract/index.ts';
import type { CatalogScenario, ScenarioCatalog } from '../services/drill.service.ts';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export class ScenarioFiles implements ScenarioCatalog {
  constructor(private readonly dir: string) {}

  scenario(name: string): CatalogScenario | null {
    if (!NAME.test(name)) return null;
    const file = path.join(this.dir, `${name}.yaml`);
    if (!fs.existsSync(file)) return null;
    const doc: unknown = YAML.parse(fs.readFileSync(file, 'utf8'));
    if (!isRaw(doc)) return null;
    const steps = Array.isArray(doc.steps) ? doc.steps.filter(isRaw) : [];
    const expect = Array.isArray(doc.expect) ? doc.expect.filter(isRaw) : [];
    const maxSpeed = num(doc.maxSpeed);
    const notes: DrillNote[] = steps
      .filter((s) => str(s.note) !== undefined && num(s.at) !== undefined)
      .map((s) => ({ at: num(s.at)!, text: str(s.note)!, ...(str(s.noteZh) !== undefined && { textZh: str(s.noteZh)! }) }))
      .sort((a, b) => a.at - b.at);
    const selected = { sensors: new Set<string>(), zones: new Set<string>(), sites: new Set<string>() };
    for (const s of [...steps, ...expect]) {
      if (str(s.sensor)) selected.sensors.add(str(s.sensor)!);
      if (Array.isArray(s.sensors)) for (const id of s.sensors) if (str(id)) selected.sensors.add(id as string);
      if (str(s.zone)) selected.zones.add(str(s.zone)!);
      if (str(s.site)) selected.sites.add(str(s.site)!);
    }
    return {
      name,
      title: str(doc.title) ?? name,
      ...(str(doc.titleZh) !== undefined && { titleZh: str(doc.titleZh)! }),
      siteId: str(doc.site) ?? '',
      speeds: DRILL_SPEEDS.filter((s) => maxSpeed === undefined || s <= maxSpeed),
      durationS: num(doc.duration) ?? Math.max(0, ...steps.map(stepEnd)) + 30,
      notes,
      expected: expectations(expect),
      sensorIds: [...selected.sensors],
      zoneIds: [...selected.zones],
      siteIds: [...selected.sites],
    };
  }

  list(): CatalogScenario[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -5))
      .sort()
      .map((n) => this.scenario(n))
      .filter((s): s is CatalogScenario => s !== null);
  }
}

/** The simulator's rule (scenario.check.ts): a step's traffic ends after its ramp or its repeated events. */
function stepEnd(s: Raw): number {
  const at = (num(s.at) ?? 0) + (num(s.spread) ?? 0);
  if (isRaw(s.ramp)) return at + (num(s.ramp.over) ?? 0);
  if (isRaw(s.event)) return at + ((num(s.event.count) ?? 1) - 1) * (num(s.event.every) ?? 5);
  return at;
}

function expectations(expect: Raw[]): DrillExpectation[] {
  const out: DrillExpectation[] = [];
  for (const raw of expect) {
    const { sensorId, sensor, zoneId, zone, condition, priority, withinS, within, count } = raw;
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
