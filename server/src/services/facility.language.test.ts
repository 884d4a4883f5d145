// The facility file may give names and procedures in Chinese too (`nameZh`, `sopsZh`), shown to a
// viewer who chose 中文. A translated procedure must number the same steps as the English one: a
// ticked step is recorded by its number, and must be the same step in either language.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { facilityFileSchema } from '../../../contract/facility.ts';
import { resolveFacility, type PlanInfo } from './facility.resolve.ts';

const PLANS: ReadonlyMap<string, PlanInfo> = new Map([['plan.svg', { url: '/plans/plan.svg', viewBox: { x: 0, y: 0, width: 100, height: 100 } }]]);

function resolve(extra: Record<string, unknown> = {}) {
  const file = facilityFileSchema.parse({
    facility: { name: 'Riverside Centre', nameZh: '河畔中心' },
    defaults: { smoke: { heartbeatS: 300 } },
    sops: { fire: ['Call the fire brigade', 'Evacuate the floor'] },
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
            nameZh: '一层',
            plan: 'plan.svg',
            zones: [{ id: 'z', name: 'Lobby', nameZh: '大堂', sensors: [{ id: 'SMK-1', name: 'Lobby smoke', nameZh: '大堂烟感', kind: 'smoke', x: 1, y: 1 }] }],
          },
        ],
      },
    ],
    ...extra,
  });
  return resolveFacility(file, PLANS);
}

describe('names and procedures in Chinese', () => {
  it('keeps the Chinese name of the facility, site, floor, zone and sensor beside the English one', () => {
    const { facility, problems } = resolve();
    expect(problems).toEqual([]);
    const site = facility.sites[0]!;
    const floor = site.floors[0]!;
    expect([facility.nameZh, site.nameZh, floor.nameZh, floor.zones[0]!.nameZh, facility.sensors[0]!.nameZh]).toEqual([
      '河畔中心',
      '总部',
      '一层',
      '大堂',
      '大堂烟感',
    ]);
    expect([facility.name, site.name, facility.sensors[0]!.name]).toEqual(['Riverside Centre', 'Headquarters', 'Lobby smoke']);
  });

  it('takes a translated procedure with as many steps', () => {
    const { facility, problems } = resolve({ sopsZh: { fire: ['拨打火警电话', '疏散本层'] } });
    expect(problems).toEqual([]);
    expect(facility.sopsZh).toEqual({ fire: ['拨打火警电话', '疏散本层'] });
  });

  it('refuses a translation with another number of steps, or of a procedure that does not exist', () => {
    const { problems } = resolve({ sopsZh: { fire: ['拨打火警电话'], gas_high: ['疏散'] } });
    expect(problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      'sopsZh.fire: 1 steps, but sops.fire has 2',
      'sopsZh.gas_high: no procedure "gas_high" in sops to translate',
    ]);
  });
});

describe('the demo plans in Chinese', () => {
  // The dashboard draws a plan's texts itself and shows `data-zh` to a viewer who chose 中文; a
  // text without one would stay English on a Chinese console. Room numbers read the same in both.
  it('gives every room name and note of every demo plan a Chinese text', () => {
    const dir = new URL('../../../config/plans/', import.meta.url);
    const untranslated = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.svg'))
      .flatMap((f) => [...fs.readFileSync(new URL(f, dir), 'utf8').matchAll(/<text([^>]*)>([^<]*)</g)].map((m) => ({ f, attrs: m[1]!, text: m[2]!.trim() })))
      .filter(({ attrs, text }) => !/\bdata-zh="[^"]+"/.test(attrs) && !/^[A-Z]?\d+$/.test(text))
      .map(({ f, text }) => `${f}: ${text}`);
    expect(untranslated).toEqual([]);
  });
});
