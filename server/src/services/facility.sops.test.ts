import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONDITIONS } from '../../../contract/index.ts';
import { loadFacility } from './facility.loader.ts';
import { sopFor } from '../domain/alarm/conditions.ts';

// Each alarm carries the procedure (SOP) for its type from the facility file.
describe('procedures from the demo facility', () => {
  const { sops } = loadFacility(path.resolve('config/facility.yaml')).facility;
  it.each(CONDITIONS.map((c) => [c]))('%s has a procedure', (condition) => {
    expect(sopFor(sops, condition, 'high').steps.length).toBeGreaterThan(0);
  });
  it('gas at the high level gets the evacuation procedure, at the low level the leak check', () => {
    expect(sopFor(sops, 'gas', 'critical').key).toBe('gas_high');
    expect(sopFor(sops, 'gas', 'high').key).toBe('gas_leak');
    expect(sopFor(sops, 'co', 'critical').key).toBe('co_high');
    expect(sopFor(sops, 'co', 'high').key).toBe('co_low');
  });
});

// The console in Chinese shows the facility's Chinese names and procedures; a duty officer reads a
// procedure under stress, so no step may show an internal id (a sensor, zone or gateway id, a
// procedure key, a field of the facility file or its path) in place of words.
describe('the demo facility in Chinese', () => {
  const { facility } = loadFacility(path.resolve('config/facility.yaml'));
  const zh = facility.sopsZh ?? {};

  it('translates every procedure, step for step', () => {
    for (const [key, steps] of Object.entries(facility.sops)) expect([key, zh[key]?.length]).toEqual([key, steps.length]);
  });

  it('names every site, floor, zone, sensor and gateway in Chinese', () => {
    const named = [...facility.sites.flatMap((s) => [s, ...s.floors.flatMap((f) => [f, ...f.zones])]), ...facility.sensors, ...(facility.gateways ?? [])];
    expect(named.filter((item) => !item.nameZh).map((item) => item.id)).toEqual([]);
  });

  it('shows no internal id in any step, in either language', () => {
    const ids = [
      ...facility.sites.flatMap((s) => [s.id, ...s.floors.flatMap((f) => [f.id, ...f.zones.map((z) => z.id)])]),
      ...facility.sensors.map((s) => s.id),
      ...(facility.gateways ?? []).map((g) => g.id),
      ...Object.keys(facility.sops),
      // A plain word (fire, lobby) is a word in a step, not a leaked id.
    ].filter((id) => /[^a-z]/.test(id));
    // camelCase field names (credentialsEnv), snake_case keys, file paths.
    const identifier = /\b[a-z]+[A-Z]\w*\b|\b[a-z]+_[a-z_]+\b|\S+\.ya?ml\b/;
    const steps = [...Object.values(facility.sops), ...Object.values(zh)].flat();
    const leaks = steps.filter((step) => identifier.test(step) || ids.some((id) => new RegExp(`(^|[^\\w-])${id}([^\\w-]|$)`).test(step)));
    expect(leaks).toEqual([]);
  });
});
