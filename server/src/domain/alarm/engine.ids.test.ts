// Alarm and incident ids: one node's stay `al_<time36>_<n36>` / `in_<time36>_<n36>` as they always
// were (ids in stored logs, links and exports keep their form); a site's engine in cluster mode
// names its site, because each site's engine counts on its own and two must never give one id.
import { describe, expect, it } from 'vitest';
import { Harness, T0, makeSensor } from '../../../../test/support/alarm.fixtures.ts';
import type { Alarm } from '../../../../contract/index.ts';
import { newId } from './engine.types.ts';

const sensors = [makeSensor('smoke', { id: 'SMK-01' }), makeSensor('smoke', { id: 'SMK-02' })];

function raiseTwo(h: Harness): { alarms: string[] } {
  h.at(0).event('SMK-01', 'smoke');
  h.at(1000).event('SMK-02', 'smoke');
  const alarms = h.log.flatMap((e) => (e.subject === 'alarm' && e.kind === 'raised' ? [(e.alarm as Alarm).id] : []));
  return { alarms };
}

describe('alarm and incident ids', () => {
  it("keep one node's form", () => {
    const ids = raiseTwo(new Harness({ sensors }));
    expect(ids.alarms).toEqual([`al_${T0.toString(36)}_1`, `al_${(T0 + 1000).toString(36)}_2`]);
    expect(newId(new Harness().ctx, 'in', T0, 3)).toBe(`in_${T0.toString(36)}_3`);
  });

  it("name the site in a site's engine, so two sites' engines counting alike never collide", () => {
    const hq = new Harness({ sensors });
    Object.assign(hq, { ctx: { ...hq.ctx, idSite: 'hq' } });
    const annex = new Harness({ sensors });
    Object.assign(annex, { ctx: { ...annex.ctx, idSite: 'annex' } });
    const [a, b] = [raiseTwo(hq), raiseTwo(annex)];
    expect(a.alarms).toEqual([`al_hq_${T0.toString(36)}_1`, `al_hq_${(T0 + 1000).toString(36)}_2`]);
    expect(b.alarms.every((id) => id.startsWith('al_annex_'))).toBe(true);
    expect(newId(hq.ctx, 'in', T0, 3)).toBe(`in_hq_${T0.toString(36)}_3`);
    expect(a.alarms.filter((id) => b.alarms.includes(id))).toEqual([]);
  });
});
