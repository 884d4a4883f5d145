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
