/**
 * From a schema-valid facility file to the resolved `Facility`: the cross-checks the schema cannot
 * express (unique ids, references, threshold sanity, positions on the plan) and the settings
 * cascade kind defaults ← zone ← sensor. Pure: plan files are read by the loader and passed in.
 */
import {
  isTimeZone,
  KIND_UNITS,
  type Facility,
  type FacilityFile,
  type Sensor,
  type SensorKind,
  type SensorSettings,
  type Site,
  type Thresholds,
} from '../../../contract/index.ts';
import { formatPath } from '../../../contract/yaml-location.ts';
import { bindingClaims, checkSourceBinding } from '../domain/decoders/binding.check.ts';
import { resolveCameras, type CameraSource } from './facility.cameras.ts';
import { GatewayResolver } from './facility.gateways.ts';

export type PathSegment = string | number;
/** A problem located by its path in the file; the loader turns the path into a line. */
export interface RawProblem {
  path: PathSegment[];
  message: string;
}
/** What the loader learnt from a floor's plan file. */
export interface PlanInfo {
  url: string;
  viewBox: { x: number; y: number; width: number; height: number };
}

/** Battery below 20 % raises low battery unless the registry says otherwise. */
export const DEFAULT_BATTERY_LOW_PCT = 20;

const THRESHOLD_FIELDS = ['low', 'high', 'deadband', 'lowOnDelayS', 'highOnDelayS', 'riseRate', 'riseWindowS'] as const;
type ThresholdField = (typeof THRESHOLD_FIELDS)[number];
/** Fields in the kind's unit (%LEL, ppm): meaningless for a zone mixing gas and CO detectors. */
const UNIT_FIELDS: readonly ThresholdField[] = ['low', 'high', 'deadband', 'riseRate'];

// Gas-style thresholds (low, high, rise) belong to gas and CO; a riser's pressure has its own pressureLimits.
const isMeasuring = (kind: SensorKind): boolean => KIND_UNITS[kind] !== null && kind !== 'pressure';

/** One level of the settings cascade, with where it sits in the file. */
interface Level {
  settings: SensorSettings;
  path: PathSegment[];
}
interface Origin {
  value: number;
  path: PathSegment[];
  depth: number;
}

export function resolveFacility(
  file: FacilityFile,
  plans: ReadonlyMap<string, PlanInfo>,
): { facility: Facility; problems: RawProblem[]; cameraSources: Map<string, CameraSource> } {
  const problems: RawProblem[] = [];
  const seen = new Set<string>();
  const report = (path: PathSegment[], message: string): void => {
    const key = `${formatPath(path)}\n${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ path, message });
  };

  checkSchedules(file, report);
  checkDefaults(file, report);
  const gateways = new GatewayResolver(file, report);
  const sensorPaths = new Map<string, PathSegment[]>();

  const firstUse = { site: new Map<string, string>(), zone: new Map<string, string>(), sensor: new Map<string, string>(), topic: new Map<string, string>() };
  const unique = (table: Map<string, string>, what: string, id: string, path: PathSegment[], instead?: string): void => {
    // Keyed by what is claimed too: one device topic may feed a smoke and a CO sensor.
    const key = instead === undefined ? id : `${what}\n${id}`;
    const first = table.get(key);
    if (first !== undefined) report(path, `duplicate ${what} "${id}": already used at ${first}${instead === undefined ? '' : `; ${instead}`}`);
    else table.set(key, formatPath(path));
  };
  // Missing required settings are reported once per kind, at its defaults, not once per sensor.
  const missing = new Map<string, string[]>();

  const sites: Site[] = [];
  const sensors: Sensor[] = [];
  file.sites.forEach((site, si) => {
    const sitePath: PathSegment[] = ['sites', si];
    unique(firstUse.site, 'site id', site.id, [...sitePath, 'id']);
    if (!isTimeZone(site.timezone)) report([...sitePath, 'timezone'], `unknown IANA time zone "${site.timezone}" (e.g. Asia/Shanghai)`);
    const floorIds = new Map<string, string>();
    const out: Site = {
      id: site.id,
      name: site.name,
      ...zh(site),
      timezone: site.timezone,
      floors: [],
      ...(site.drillPlan ? { drillPlan: site.drillPlan } : {}),
      ...(site.safetyReports ? { safetyReports: site.safetyReports } : {}),
    };
    site.floors.forEach((floor, fi) => {
      const floorPath: PathSegment[] = [...sitePath, 'floors', fi];
      unique(floorIds, `floor id in site "${site.id}"`, floor.id, [...floorPath, 'id']);
      const plan = plans.get(floor.plan);
      const zones = floor.zones.map((zone, zi) => {
        const zonePath: PathSegment[] = [...floorPath, 'zones', zi];
        unique(firstUse.zone, 'zone id', zone.id, [...zonePath, 'id']);
        checkZoneThresholds(zone, zonePath, report);
        if (zone.schedule !== undefined) checkScheduleRef(file, zone.schedule, [...zonePath, 'schedule'], report);
        const sensorIds = zone.sensors.map((raw, ki) => {
          const path: PathSegment[] = [...zonePath, 'sensors', ki];
          unique(firstUse.sensor, 'sensor id', raw.id, [...path, 'id']);
          if (!sensorPaths.has(raw.id)) sensorPaths.set(raw.id, [...path, 'id']);
          checkSensorSettings(raw, path, report);
          if (raw.schedule !== undefined) checkScheduleRef(file, raw.schedule, [...path, 'schedule'], report);
          let source = raw.source;
          if (source !== undefined) {
            // Its gateway first (named or inferred): a Zigbee2MQTT binding is checked with the gateway's base topic.
            source = gateways.bind(source, { id: raw.id, siteId: site.id }, path);
            // Device adapters: fields each adapter needs for this kind, scales for raw values, unique topics.
            for (const p of checkSourceBinding(source, raw.kind)) report([...path, 'source', ...p.field], p.message);
            for (const c of bindingClaims(source, raw.kind)) unique(firstUse.topic, c.what, c.key, [...path, 'source', ...c.field], c.instead);
          }
          if (plan) checkPosition(plan.viewBox, raw, path, report);
          const levels: Level[] = [
            { settings: file.defaults[raw.kind] ?? {}, path: ['defaults', raw.kind] },
            { settings: zone, path: zonePath },
            { settings: raw, path },
          ];
          const need = (field: string): void => {
            const key = `${raw.kind}\n${field}`;
            missing.set(key, [...(missing.get(key) ?? []), raw.id]);
          };
          const where = { siteId: site.id, floorId: floor.id, zoneId: zone.id, secureZone: zone.secure ?? false };
          sensors.push(resolveSensor({ ...raw, source }, where, levels, report, need));
          return raw.id;
        });
        return { id: zone.id, name: zone.name, ...zh(zone), siteId: site.id, floorId: floor.id, secure: zone.secure ?? false, sensorIds };
      });
      out.floors.push({ id: floor.id, name: floor.name, ...zh(floor), siteId: site.id, planUrl: plan?.url ?? '', zones });
    });
    sites.push(out);
  });

  for (const [key, ids] of missing) {
    const [kind, field] = key.split('\n') as [SensorKind, string];
    const list = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
    report(
      ['defaults', kind],
      `${field} is required for ${kind} sensors: set defaults.${kind}.${field}, or set it on their zone or sensor (missing for ${list})`,
    );
  }

  const resolvedGateways = gateways.finish(sensors, sensorPaths);
  const takenIds = new Map(sensorPaths);
  file.sites.forEach((site, si) => site.gateways.forEach((g, gi) => takenIds.set(g.id, ['sites', si, 'gateways', gi, 'id'])));
  const cameras = resolveCameras(file, sensors, takenIds, report);
  const facility: Facility = {
    name: file.facility.name,
    ...zh(file.facility),
    ...(file.facility.organisation !== undefined && { organisation: file.facility.organisation }),
    ...(file.facility.language !== undefined && { language: file.facility.language }),
    sites,
    sensors,
    gateways: resolvedGateways,
    ...(cameras.cameras.length > 0 && { cameras: cameras.cameras }),
    schedules: file.schedules,
    sops: file.sops,
    ...(file.sopsZh !== undefined && { sopsZh: file.sopsZh }),
  };
  for (const [key, steps] of Object.entries(file.sopsZh ?? {})) {
    const en = Object.hasOwn(file.sops, key) ? file.sops[key] : undefined;
    if (!en) report(['sopsZh', key], `no procedure "${key}" in sops to translate`);
    // A ticked step is recorded by its number: both languages must number the same steps.
    else if (en.length !== steps.length) report(['sopsZh', key], `${steps.length} steps, but sops.${key} has ${en.length}`);
  }
  return { facility, problems, cameraSources: cameras.sources };
}

/** The Chinese name, when the file gives one. */
function zh(item: { nameZh?: string | undefined }): { nameZh?: string } {
  return item.nameZh !== undefined ? { nameZh: item.nameZh } : {};
}

type Report = (path: PathSegment[], message: string) => void;
type RawZone = FacilityFile['sites'][number]['floors'][number]['zones'][number];
type RawSensor = RawZone['sensors'][number];

/** Kind defaults ← zone ← sensor; `need` collects the required settings set nowhere. */
function resolveSensor(
  raw: RawSensor,
  where: Pick<Sensor, 'siteId' | 'floorId' | 'zoneId' | 'secureZone'>,
  levels: Level[],
  report: Report,
  need: (field: string) => void,
): Sensor {
  const pick = <K extends 'heartbeatS' | 'heldOpenS' | 'leakOnDelayS' | 'waterflowRetardS' | 'pressureLimits' | 'selfTestMaxS' | 'batteryLowPct' | 'schedule'>(
    key: K,
  ): SensorSettings[K] => levels.reduce<SensorSettings[K]>((acc, l) => l.settings[key] ?? acc, undefined);
  const thresholds = isMeasuring(raw.kind) ? resolveThresholds(levels, report, need) : null;
  const heartbeatS = pick('heartbeatS');
  if (heartbeatS === undefined) need('heartbeatS');
  const heldOpenS = raw.kind === 'door' ? pick('heldOpenS') : null;
  if (heldOpenS === undefined) need('heldOpenS');
  return {
    id: raw.id,
    name: raw.name,
    ...zh(raw),
    kind: raw.kind,
    ...(raw.model !== undefined && { model: raw.model }),
    ...where,
    x: raw.x,
    y: raw.y,
    unit: KIND_UNITS[raw.kind],
    thresholds,
    heartbeatS: heartbeatS ?? 0,
    heldOpenS: heldOpenS ?? null,
    // No delay unless configured: a leak detector debounces its own probe (docs/contracts.md#conditions-and-rules).
    leakOnDelayS: raw.kind === 'leak' ? (pick('leakOnDelayS') ?? 0) : null,
    // No retard unless configured: many flow switches have their own (docs/contracts.md#sprinkler-supervision).
    ...(raw.kind === 'waterflow' && { waterflowRetardS: pick('waterflowRetardS') ?? 0 }),
    ...(raw.kind === 'pressure' && pick('pressureLimits') !== undefined && { pressureLimits: pick('pressureLimits') }),
    batteryLowPct: pick('batteryLowPct') ?? DEFAULT_BATTERY_LOW_PCT,
    ...(pick('selfTestMaxS') !== undefined && { selfTestMaxS: pick('selfTestMaxS') }),
    schedule: pick('schedule') ?? null,
    source: raw.source ?? { adapter: 'native' },
  };
}

/** Merges thresholds field by field, remembering where each value came from, then checks them. */
function resolveThresholds(levels: Level[], report: Report, need: (field: string) => void): Thresholds | null {
  const merged = new Map<ThresholdField, Origin>();
  levels.forEach((level, depth) => {
    for (const field of THRESHOLD_FIELDS) {
      const value = level.settings.thresholds?.[field];
      if (value !== undefined) merged.set(field, { value, path: [...level.path, 'thresholds', field], depth });
    }
  });
  const absent = THRESHOLD_FIELDS.filter((f) => !merged.has(f));
  for (const field of absent) need(`thresholds.${field}`);
  checkOrder(merged, 'low', 'high', report);
  checkOrder(merged, 'deadband', 'low', report);
  if (absent.length > 0) return null;
  return Object.fromEntries([...merged].map(([f, o]) => [f, o.value])) as Thresholds;
}

/** `a` must be below `b`; the problem is reported where the more specific of the two was set. */
function checkOrder(merged: Map<ThresholdField, Origin>, a: ThresholdField, b: ThresholdField, report: Report): void {
  const lo = merged.get(a);
  const hi = merged.get(b);
  if (!lo || !hi || lo.value < hi.value) return;
  const [here, other] = lo.depth >= hi.depth ? [lo, hi] : [hi, lo];
  const from = here.depth === other.depth ? '' : ` (${other === lo ? a : b} comes from ${formatPath(other.path)})`;
  report(here.path, `thresholds.${a} (${lo.value}) must be below thresholds.${b} (${hi.value})${from}`);
}

function checkDefaults(file: FacilityFile, report: Report): void {
  for (const [kind, settings] of Object.entries(file.defaults) as [SensorKind, SensorSettings | undefined][]) {
    if (!settings) continue;
    const path: PathSegment[] = ['defaults', kind];
    checkSensorSettings({ kind, ...settings }, path, report);
    if (settings.schedule !== undefined) checkScheduleRef(file, settings.schedule, [...path, 'schedule'], report);
  }
}

/** Settings that only make sense for some kinds, set directly on a sensor or a kind's defaults. */
function checkSensorSettings(s: SensorSettings & { kind: SensorKind }, path: PathSegment[], report: Report): void {
  if (s.thresholds !== undefined && !isMeasuring(s.kind)) report([...path, 'thresholds'], `thresholds apply to gas and co sensors, not ${s.kind}`);
  if (s.heldOpenS !== undefined && s.kind !== 'door') report([...path, 'heldOpenS'], `heldOpenS applies to door sensors, not ${s.kind}`);
  if (s.leakOnDelayS !== undefined && s.kind !== 'leak') report([...path, 'leakOnDelayS'], `leakOnDelayS applies to leak sensors, not ${s.kind}`);
  if (s.waterflowRetardS !== undefined && s.kind !== 'waterflow')
    report([...path, 'waterflowRetardS'], `waterflowRetardS applies to waterflow sensors, not ${s.kind}`);
  if (s.pressureLimits !== undefined && s.kind !== 'pressure') report([...path, 'pressureLimits'], `pressureLimits applies to pressure sensors, not ${s.kind}`);
}

function checkZoneThresholds(zone: RawZone, path: PathSegment[], report: Report): void {
  const kinds = new Set(zone.sensors.map((s) => s.kind).filter(isMeasuring));
  if (kinds.size < 2 || !zone.thresholds) return;
  for (const field of UNIT_FIELDS) {
    if (zone.thresholds[field] === undefined) continue;
    report(
      [...path, 'thresholds', field],
      `ambiguous: the zone holds ${[...kinds].join(' and ')} sensors with different units; set ${field} on each sensor instead`,
    );
  }
}

function checkScheduleRef(file: FacilityFile, name: string, path: PathSegment[], report: Report): void {
  if (Object.hasOwn(file.schedules, name)) return;
  const known = Object.keys(file.schedules);
  report(path, `unknown schedule "${name}" (schedules: ${known.length ? known.join(', ') : 'none defined'})`);
}

function checkSchedules(file: FacilityFile, report: Report): void {
  for (const [name, schedule] of Object.entries(file.schedules)) {
    schedule.windows.forEach((w, i) => {
      if (w.from === w.to) report(['schedules', name, 'windows', i, 'to'], 'a window needs from and to to differ');
    });
    schedule.holidays.forEach((day, i) => {
      const d = new Date(`${day}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) report(['schedules', name, 'holidays', i], `"${day}" is not a calendar date`);
    });
  }
}

function checkPosition(box: PlanInfo['viewBox'], s: { x: number; y: number }, path: PathSegment[], report: Report): void {
  const xIn = s.x >= box.x && s.x <= box.x + box.width;
  const yIn = s.y >= box.y && s.y <= box.y + box.height;
  if (xIn && yIn) return;
  const viewBox = `${box.x} ${box.y} ${box.width} ${box.height}`;
  report([...path, xIn ? 'y' : 'x'], `position (${s.x}, ${s.y}) is outside the plan's viewBox ${viewBox}`);
}
