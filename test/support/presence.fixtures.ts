/**
 * A small facility for presence tests: site `hq` with a canteen (kitchen, dining) and a tower
 * (lobby, its own building), and its doors: KIT-BACK with readers on both sides (yard ↔ kitchen),
 * KIT-PASS with one reader (dining → kitchen), CAN-MAIN without readers (leads into the dining
 * hall), TWR-MAIN into the lobby. Wang Wei holds badge 04A1B2C3D4.
 */
import type { DoorReaders, Facility, Sensor } from '../../contract/index.ts';
import { presenceRules, type PresenceRules } from '../../server/src/domain/presence/presence.ts';

export const WANG_WEI_BADGE = '04A1B2C3D4';

const door = (id: string, zoneId: string, floorId = 'canteen-1f'): Sensor => ({
  id,
  name: id,
  kind: 'door',
  siteId: 'hq',
  floorId,
  zoneId,
  secureZone: false,
  x: 0,
  y: 0,
  unit: null,
  thresholds: null,
  heartbeatS: 300,
  heldOpenS: 60,
  leakOnDelayS: null,
  batteryLowPct: 20,
  schedule: null,
  source: { adapter: 'native' },
});

const zone = (id: string, floorId: string) => ({ id, name: id, siteId: 'hq', floorId, secure: false, sensorIds: [] });

export const presenceFacility: Facility = {
  name: 'Test',
  sites: [
    {
      id: 'hq',
      name: 'HQ',
      timezone: 'Asia/Shanghai',
      floors: [
        { id: 'canteen-1f', name: 'Canteen', siteId: 'hq', planUrl: '', zones: [zone('kitchen', 'canteen-1f'), zone('dining', 'canteen-1f')] },
        { id: 'twr-1f', name: 'Tower', siteId: 'hq', planUrl: '', zones: [zone('lobby', 'twr-1f')] },
      ],
    },
  ],
  sensors: [door('KIT-BACK', 'kitchen'), door('KIT-PASS', 'kitchen'), door('CAN-MAIN', 'dining'), door('TWR-MAIN', 'lobby', 'twr-1f')],
  schedules: {},
  sops: {},
};

/** The rules of presenceFacility: an 8-hour window; the tower floor is the "Office tower", the canteen the site-wide "HQ". */
export function testPresenceRules(): PresenceRules {
  return presenceRules(presenceFacility, {
    windowHours: 8,
    people: [{ id: 'wang-wei', name: 'Wang Wei', nameZh: '王伟', credentials: [WANG_WEI_BADGE] }],
    readers: new Map<string, DoorReaders>([
      ['KIT-BACK', { in: 'kitchen', out: 'outside' }],
      ['KIT-PASS', { in: 'kitchen' }],
    ]),
    buildings: new Map([['twr-1f', 'Office tower']]),
  });
}
