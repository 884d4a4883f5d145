// A muster names its building in the viewer's language: the facility file's `buildingZh` beside a
// floor's `building` (refused alone: it translates a building), or a one-building site's `nameZh`
// (docs/contracts.md#presence-in-hazard-zones).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { facilityFileSchema } from '../../../contract/index.ts';
import { presenceRules } from '../domain/presence/presence.ts';
import { presenceFacility } from '../../../test/support/presence.fixtures.ts';
import { presenceSettings } from './presence.settings.ts';

const file = (floor: { building?: string; buildingZh?: string }) =>
  facilityFileSchema.safeParse({
    facility: { name: 'T' },
    defaults: {},
    sites: [
      {
        id: 's',
        name: 'Site',
        timezone: 'Asia/Shanghai',
        floors: [{ id: 'f', name: 'F', plan: 'p.svg', ...floor, zones: [{ id: 'kitchen', name: 'Kitchen' }] }],
      },
    ],
  });

describe('a building’s Chinese name', () => {
  it('is refused without the building it translates', () => {
    const r = file({ buildingZh: '员工食堂' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['sites.0.floors.0.buildingZh', 'buildingZh needs building']]);
  });

  it('is kept beside its building, and the presence rules translate the building by it', () => {
    const r = file({ building: 'Staff canteen', buildingZh: '员工食堂' });
    expect(r.success).toBe(true);
    const { settings } = presenceSettings(r.data!);
    expect(presenceRules(presenceFacility, settings).buildingsZh.get('Staff canteen')).toBe('员工食堂');
  });

  it('is the site’s Chinese name for a site that is one building, and absent where the file gives none', () => {
    const named = { ...presenceFacility, sites: presenceFacility.sites.map((s) => ({ ...s, nameZh: '总部' })) };
    const settings = { windowHours: 8, people: [], readers: new Map(), buildings: new Map([['twr-1f', 'Office tower']]) };
    expect(presenceRules(named, settings).buildingsZh.get('HQ')).toBe('总部');
    expect(presenceRules(named, settings).buildingsZh.has('Office tower')).toBe(false);
    expect(presenceRules(presenceFacility, settings).buildingsZh.size).toBe(0);
  });

  it('is given for every building of the demo facility', () => {
    const demo = facilityFileSchema.parse(YAML.parse(readFileSync(path.resolve('config/facility.yaml'), 'utf8')));
    const floors = demo.sites.flatMap((s) => s.floors).filter((f) => f.building !== undefined);
    expect(floors.length).toBeGreaterThan(0);
    expect(floors.filter((f) => !f.buildingZh).map((f) => f.id)).toEqual([]);
  });
});
