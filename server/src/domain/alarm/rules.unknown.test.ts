import { describe, expect, it } from 'vitest';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

describe('unknown devices', () => {
  it('raises one low-priority unknown-device alarm per device, never a second', () => {
    // Readings from an unregistered sensor raise one low-priority alarm (docs/contracts.md#conditions-and-rules).
    const h = new Harness({ sensors: [makeSensor('gas')] });
    expect(kinds(h.at(0).reading('GHOST-7', 3, { unit: '%LEL' }))).toEqual(['raised:unknown_device']);
    expect(h.only('GHOST-7', 'unknown_device')).toMatchObject({
      class: 'trouble',
      priority: 'low',
      sensorKind: 'unregistered',
      zoneId: 'unregistered',
      siteId: 'hq',
    });
    for (let i = 1; i < 50; i += 1) expect(h.at(i * S).reading('GHOST-7', 3)).toEqual([]);
    h.act(h.only('GHOST-7', 'unknown_device').id, { type: 'ack' });
    expect(kinds(h.at(2 * MIN).tick())).toEqual(['cleared:unknown_device']); // fell silent → closed
    expect(h.at(3 * MIN).reading('GHOST-7', 3)).toEqual([]);
    expect(h.alarmsOf('GHOST-7', 'unknown_device')).toHaveLength(1);
    expect(kinds(h.at(3 * MIN).event('GHOST-8', 'open'))).toEqual(['raised:unknown_device']);
  });
});
