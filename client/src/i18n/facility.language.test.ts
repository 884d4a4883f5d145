// A viewer who chose 中文 sees the facility file's Chinese names and procedures where it gives
// them, the English ones where it does not; English viewers see the file's names unchanged.
import { describe, expect, it } from 'vitest';
import type { Facility } from '../../../contract/facility.ts';
import { facilityIn, sopStepsIn } from './facility.language.ts';
import { makeI18n } from './I18nContext.ts';

const facility = {
  name: 'Riverside Centre',
  nameZh: '河畔中心',
  sites: [
    {
      id: 's',
      name: 'Headquarters',
      nameZh: '总部',
      timezone: 'Asia/Shanghai',
      floors: [
        {
          id: 'f',
          name: 'Ground floor',
          siteId: 's',
          planUrl: '',
          zones: [{ id: 'z', name: 'Lobby', nameZh: '大堂', siteId: 's', floorId: 'f', secure: false, sensorIds: [] }],
        },
      ],
    },
  ],
  sensors: [
    { id: 'SMK-1', name: 'Lobby smoke', nameZh: '大堂烟感' },
    { id: 'DR-1', name: 'Lobby door' },
  ],
  schedules: {},
  sops: { fire: ['Call the fire brigade', 'Evacuate the floor'] },
  sopsZh: { fire: ['拨打火警电话', '疏散本层'] },
} as unknown as Facility;

describe('the facility in the viewer’s language', () => {
  it('shows the Chinese names to a Chinese viewer, the English one where there is no translation', () => {
    const zh = facilityIn(facility, 'zh');
    expect(zh.name).toBe('河畔中心');
    expect(zh.sites[0]!.name).toBe('总部');
    expect(zh.sites[0]!.floors[0]!.name).toBe('Ground floor');
    expect(zh.sites[0]!.floors[0]!.zones[0]!.name).toBe('大堂');
    expect(zh.sensors.map((s) => s.name)).toEqual(['大堂烟感', 'Lobby door']);
    expect(zh.sops.fire).toEqual(['拨打火警电话', '疏散本层']);
  });

  it('leaves the facility as it is for an English viewer', () => {
    expect(facilityIn(facility, 'en')).toBe(facility);
  });

  it('shows an alarm’s procedure translated only when the translation numbers the same steps', () => {
    const alarm = { sopKey: 'fire', sop: ['Call the fire brigade', 'Evacuate the floor'] };
    expect(sopStepsIn(alarm, facility, 'zh')).toEqual(['拨打火警电话', '疏散本层']);
    expect(sopStepsIn(alarm, facility, 'en')).toEqual(alarm.sop);
    // Raised with another version of the procedure (the file changed since): its own steps.
    const older = { sopKey: 'fire', sop: ['Call the fire brigade'] };
    expect(sopStepsIn(older, facility, 'zh')).toEqual(older.sop);
  });

  it('is what the procedure panel shows, through the language context', () => {
    const alarm = { sopKey: 'fire', sop: ['Call the fire brigade', 'Evacuate the floor'] };
    expect(makeI18n('zh', 'UTC', facility).procedure(alarm)).toEqual(['拨打火警电话', '疏散本层']);
    expect(makeI18n('zh', 'UTC').procedure(alarm)).toEqual(alarm.sop);
  });
});
