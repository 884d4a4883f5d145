/**
 * Normal operations for every sensor in the registry (`simulate run`): one ordered, infinite
 * emission stream, the merge of each sensor's heartbeats, readings and door traffic. Pure: the
 * facility, the seed and the virtual start time decide everything.
 */
import type { Sensor } from '../../../contract/index.ts';
import type { SimFacility } from '../facility/facility.read.ts';
import { sensorsOf } from '../facility/facility.read.ts';
import type { Emission } from './emission.ts';
import { analogReadings } from './normal.analog.ts';
import { doorTraffic } from './normal.door.ts';
import { withDeviceState } from './normal.gateway.ts';
import { pressureReadings } from './normal.pressure.ts';
import { heartbeats } from './normal.status.ts';
import { createRng } from './prng.ts';
import { mergeByTime } from './stream.merge.ts';

export interface NormalOptions {
  seed: number;
  /** Virtual start, epoch ms. */
  start: number;
  /** Only this site's sensors (all sites when absent). */
  siteId?: string;
  /** Zigbee2MQTT-bound devices also publish their state as Zigbee2MQTT does (normal.gateway.ts). */
  zigbee2mqtt?: boolean;
}

type KindStreams = (sensor: Sensor, facility: SimFacility, opts: NormalOptions) => Iterable<Emission>[];

// Dispatch by kind through a table, not an if-ladder: a new kind is one entry.
const STREAMS: Readonly<Record<Sensor['kind'], KindStreams>> = {
  gas: (s, _f, o) => [beats(s, o), analogReadings(s, rng(o, s, 'reading'), o.start)],
  co: (s, _f, o) => [beats(s, o), analogReadings(s, rng(o, s, 'reading'), o.start)],
  smoke: (s, _f, o) => [beats(s, o)],
  door: (s, f, o) => {
    const timezone = f.sites.find((site) => site.id === s.siteId)?.timezone ?? 'UTC';
    const schedule = s.schedule !== null && Object.hasOwn(f.schedules, s.schedule) ? f.schedules[s.schedule]! : null;
    return [beats(s, o), doorTraffic(s, { timezone, schedule, staffBadges: f.staffBadges, outReader: f.outReaders.has(s.id) }, rng(o, s, 'door'), o.start)];
  },
  // A dry floor is the normal state: a leak detector only reports it is alive (and its battery).
  leak: (s, _f, o) => [beats(s, o)],
  // Sprinkler switches in their normal position say nothing but that they are alive.
  waterflow: (s, _f, o) => [beats(s, o)],
  valve: (s, _f, o) => [beats(s, o)],
  pump: (s, _f, o) => [beats(s, o)],
  pressure: (s, _f, o) => [beats(s, o), pressureReadings(s, rng(o, s, 'reading'), o.start)],
};

function beats(sensor: Sensor, opts: NormalOptions): Iterable<Emission> {
  const native = heartbeats(sensor, rng(opts, sensor, 'status'), opts.start);
  return opts.zigbee2mqtt ? withDeviceState(native, sensor) : native;
}

function rng(opts: NormalOptions, sensor: Sensor, stream: string) {
  return createRng(opts.seed, `normal/${sensor.id}/${stream}`);
}

/** The sensors normal operations drive. */
export function normalSensors(facility: SimFacility, siteId?: string): Sensor[] {
  return sensorsOf(facility, siteId);
}

export function normalOperations(facility: SimFacility, opts: NormalOptions): Generator<Emission> {
  const streams = normalSensors(facility, opts.siteId).flatMap((sensor) => STREAMS[sensor.kind](sensor, facility, opts));
  return mergeByTime(streams);
}
