/** A small registry for unit tests (the demo facility lives in config/facility.yaml). */
import type { Facility, Sensor, Site } from '../../contract/index.ts';
import { Registry } from '../../server/src/domain/registry.ts';

const base = {
  siteId: 'hq',
  floorId: 'f1',
  secureZone: false,
  x: 0,
  y: 0,
  heartbeatS: 60,
  heldOpenS: null,
  leakOnDelayS: null,
  batteryLowPct: 20,
  schedule: null,
  source: { adapter: 'native' as const },
};

export const testSensors: Sensor[] = [
  {
    ...base,
    id: 'KIT-GAS-01',
    name: 'Kitchen gas 1',
    kind: 'gas',
    zoneId: 'kitchen',
    unit: '%LEL',
    thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 },
  },
  {
    ...base,
    id: 'KIT-CO-01',
    name: 'Kitchen CO',
    kind: 'co',
    zoneId: 'kitchen',
    unit: 'ppm',
    thresholds: { low: 35, high: 200, deadband: 5, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 20, riseWindowS: 60 },
  },
  { ...base, id: 'GH-SMK-101', name: 'Room 101 smoke', kind: 'smoke', zoneId: 'gh-rooms', siteId: 'lodging', unit: null, thresholds: null },
  { ...base, id: 'SRV-DOOR-01', name: 'Server room door', kind: 'door', zoneId: 'server-room', secureZone: true, unit: null, thresholds: null, heldOpenS: 60 },
];

/** The sites the sensors are at: ingest accepts an unregistered device only at one of them. */
export const testSites: Site[] = [
  { id: 'hq', name: 'Headquarters', timezone: 'Asia/Shanghai', floors: [] },
  { id: 'lodging', name: 'Guest house', timezone: 'Asia/Shanghai', floors: [] },
];

export function testRegistry(): Registry {
  const facility: Facility = { name: 'Test', sites: testSites, sensors: testSensors, schedules: {}, sops: {} };
  return new Registry(facility);
}
