/**
 * The facility registry as the simulator needs it: every sensor with its settings resolved (kind
 * defaults ← zone ← sensor, as the server does), the sites' time zones and the schedules. Parsed
 * here with `yaml` and contract's `facilityFileSchema` — the simulator never imports server/.
 */
import {
  KIND_UNITS,
  facilityFileSchema,
  type FacilityFile,
  type GatewayConfig,
  type Schedule,
  type Sensor,
  type SensorSettings,
  type Thresholds,
} from '../../../contract/index.ts';
import { zodProblems } from '../../../contract/zod-problems.ts';
import { SimulatorError } from '../simulator.errors.ts';
import { formatProblems, readYaml, type FileProblem, type PathSegment } from './yaml.file.ts';

/** The server's default when no level sets `batteryLowPct`. */
const DEFAULT_BATTERY_LOW_PCT = 20;

export interface SimSite {
  id: string;
  timezone: string;
}
export interface SimZone {
  id: string;
  siteId: string;
  sensorIds: string[];
}

/** A gateway as the facility file declares it (the server checks it; the simulator only publishes as it would). */
export type SimGateway = GatewayConfig & { siteId: string };

export interface SimFacility {
  file: string;
  sites: SimSite[];
  zones: SimZone[];
  /** Registry order. */
  sensors: Sensor[];
  gateways: SimGateway[];
  schedules: Record<string, Schedule>;
  /** One badge of each named person (`people`), for door traffic. */
  staffBadges: string[];
  /** Doors with a reader on the way out (`readers.out`). */
  outReaders: Set<string>;
}

/** Reads and resolves the registry; throws `SimulatorError` (FACILITY_INVALID) naming every problem. */
export function readFacility(file: string): SimFacility {
  const doc = readYaml(file);
  const fail = (lines: string[]): never => {
    throw new SimulatorError('FACILITY_INVALID', `invalid facility file ${file}:\n${lines.join('\n')}`);
  };
  if (Array.isArray(doc)) return fail(doc);
  const parsed = facilityFileSchema.safeParse(doc.data);
  if (!parsed.success) return fail(formatProblems(doc, zodProblems(parsed.error.issues)));
  const problems: FileProblem[] = [];
  const facility = resolve(file, parsed.data, problems);
  if (problems.length > 0) fail(formatProblems(doc, problems));
  return facility;
}

function resolve(file: string, data: FacilityFile, problems: FileProblem[]): SimFacility {
  const sites: SimSite[] = [];
  const zones: SimZone[] = [];
  const sensors: Sensor[] = [];
  const gateways: SimGateway[] = [];
  const seen = new Set<string>();
  const outReaders = new Set<string>();
  data.sites.forEach((site, si) => {
    sites.push({ id: site.id, timezone: site.timezone });
    for (const g of site.gateways) gateways.push({ ...g, siteId: site.id });
    site.floors.forEach((floor, fi) =>
      floor.zones.forEach((zone, zi) => {
        const zonePath: PathSegment[] = ['sites', si, 'floors', fi, 'zones', zi];
        zones.push({ id: zone.id, siteId: site.id, sensorIds: zone.sensors.map((s) => s.id) });
        zone.sensors.forEach((raw, ki) => {
          const path = [...zonePath, 'sensors', ki];
          if (seen.has(raw.id)) problems.push({ path: [...path, 'id'], message: `duplicate sensor id "${raw.id}"` });
          seen.add(raw.id);
          const levels: SensorSettings[] = [data.defaults[raw.kind] ?? {}, zone, raw];
          const pick = <K extends 'heartbeatS' | 'heldOpenS' | 'leakOnDelayS' | 'batteryLowPct' | 'schedule'>(key: K): SensorSettings[K] =>
            levels.reduce<SensorSettings[K]>((acc, level) => level[key] ?? acc, undefined);
          const heartbeatS = pick('heartbeatS');
          if (heartbeatS === undefined) problems.push({ path, message: `no heartbeatS for ${raw.id}: set defaults.${raw.kind}.heartbeatS` });
          const schedule = pick('schedule') ?? null;
          if (raw.readers?.out !== undefined) outReaders.add(raw.id);
          if (schedule !== null && !Object.hasOwn(data.schedules, schedule)) problems.push({ path, message: `unknown schedule "${schedule}"` });
          sensors.push({
            id: raw.id,
            name: raw.name,
            kind: raw.kind,
            ...(raw.model !== undefined && { model: raw.model }),
            siteId: site.id,
            floorId: floor.id,
            zoneId: zone.id,
            secureZone: zone.secure ?? false,
            x: raw.x,
            y: raw.y,
            unit: KIND_UNITS[raw.kind],
            thresholds: KIND_UNITS[raw.kind] === null ? null : mergeThresholds(levels),
            heartbeatS: heartbeatS ?? 60,
            heldOpenS: raw.kind === 'door' ? (pick('heldOpenS') ?? 60) : null,
            leakOnDelayS: raw.kind === 'leak' ? (pick('leakOnDelayS') ?? 0) : null,
            batteryLowPct: pick('batteryLowPct') ?? DEFAULT_BATTERY_LOW_PCT,
            schedule,
            source: raw.source ?? { adapter: 'native' },
          });
        });
      }),
    );
  });
  const staffBadges = (data.people ?? []).map((p) => p.credentials[0]!);
  return { file, sites, zones, sensors, gateways, schedules: data.schedules, staffBadges, outReaders };
}

/** Thresholds merged field by field; null when a field is set nowhere (the server rejects that file). */
function mergeThresholds(levels: SensorSettings[]): Thresholds | null {
  const merged = Object.assign({}, ...levels.map((l) => l.thresholds ?? {})) as Partial<Thresholds>;
  const fields = ['low', 'high', 'deadband', 'lowOnDelayS', 'highOnDelayS', 'riseRate', 'riseWindowS'] as const;
  return fields.every((f) => merged[f] !== undefined) ? (merged as Thresholds) : null;
}

/** Sensors of one site (all sites when `siteId` is undefined), in registry order. */
export function sensorsOf(facility: SimFacility, siteId?: string): Sensor[] {
  return siteId === undefined ? facility.sensors : facility.sensors.filter((s) => s.siteId === siteId);
}
