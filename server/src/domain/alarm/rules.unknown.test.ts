import { describe, expect, it } from 'vitest';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';
import { SPECS } from './conditions.ts';
import { persistEngineState, restoreEngineState } from './engine.state.ts';
import { newPoint } from './lifecycle.ts';
import { newRuleState } from './rule-state.ts';
import { UNKNOWN_IDS_REMEMBERED, UNKNOWN_IDS_SHOWN, UNKNOWN_SUBJECTS_MAX, unknownSubjectId } from './rules.unknown.ts';

// Readings from unregistered devices raise ONE low-priority trouble per site naming the ids, with a
// bounded list and a count (docs/contracts.md#conditions-and-rules).
const HQ = unknownSubjectId('hq');
const LAB = unknownSubjectId('lab');

describe('unknown devices', () => {
  it('raises one low-priority trouble per site for any number of unregistered ids', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    expect(kinds(h.at(0).reading('GHOST-0', 3, { unit: '%LEL' }))).toEqual(['raised:unknown_device']);
    expect(h.only(HQ, 'unknown_device')).toMatchObject({
      class: 'trouble',
      priority: 'low',
      sensorKind: 'unregistered',
      zoneId: 'unregistered',
      siteId: 'hq',
      sensorName: 'Unregistered devices at Admin Services Centre',
      message: 'Unregistered devices at Admin Services Centre sending data (1 id: GHOST-0)',
      lastValue: 1,
    });
    // A hundred made-up ids in the same second (one HTTP request of the probe): no new alarm.
    for (let i = 1; i <= 100; i += 1) expect(kinds(h.reading(`GHOST-${i}`, 3))).not.toContain('raised:unknown_device');
    expect([...h.state.alarms.values()]).toHaveLength(1);
    // The list follows within a second, bounded: the first 20 ids and a count of the rest.
    expect(kinds(h.at(1 * S).tick())).toEqual(['updated:unknown_device']);
    const alarm = h.only(HQ, 'unknown_device');
    const shown = Array.from({ length: UNKNOWN_IDS_SHOWN }, (_, i) => `GHOST-${i}`).join(', ');
    expect(alarm.message).toBe(`Unregistered devices at Admin Services Centre sending data (101 ids: ${shown} and 81 more)`);
    expect(alarm.lastValue).toBe(101);
    // Another site has its own.
    expect(kinds(h.event('GHOST-X', 'open', {}))).toEqual([]); // same site hq, counted
    h.observe({
      siteId: 'lab',
      sensorId: 'LAB-GHOST',
      zoneId: 'unregistered',
      kind: 'unregistered',
      ts: h.now,
      receivedAt: h.now,
      source: 'http',
      channel: 'reading',
      value: 1,
      unit: 'ppm',
    });
    expect(h.only(LAB, 'unknown_device').siteId).toBe('lab');
    expect([...h.state.alarms.values()]).toHaveLength(2);
  });

  it('brings the message up to date at most once a second, and the tick catches up', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading('A-1', 1);
    expect(kinds(h.at(100).reading('A-2', 1))).toEqual([]);
    expect(kinds(h.at(500).reading('A-3', 1))).toEqual([]);
    expect(kinds(h.at(900).tick())).toEqual([]);
    expect(kinds(h.at(1000).tick())).toEqual(['updated:unknown_device']);
    expect(h.only(HQ, 'unknown_device').message).toContain('(3 ids: A-1, A-2, A-3)');
    expect(kinds(h.at(2 * S).tick())).toEqual([]); // nothing new
    expect(kinds(h.at(2500).reading('A-4', 1))).toEqual(['updated:unknown_device']); // a second since the last
  });

  it('reports an id once: heard again after its alarm closed it stays quiet, a new id raises a new alarm', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    expect(kinds(h.at(0).reading('GHOST-7', 3, { unit: '%LEL' }))).toEqual(['raised:unknown_device']);
    for (let i = 1; i < 50; i += 1) expect(h.at(i * S).reading('GHOST-7', 3)).toEqual([]);
    h.act(h.only(HQ, 'unknown_device').id, { type: 'ack' });
    expect(kinds(h.at(2 * MIN).tick())).toEqual(['cleared:unknown_device']); // fell silent → closed
    expect(h.at(3 * MIN).reading('GHOST-7', 3)).toEqual([]);
    expect(h.alarmsOf(HQ, 'unknown_device')).toHaveLength(1);
    expect(kinds(h.at(3 * MIN).event('GHOST-8', 'open'))).toEqual(['raised:unknown_device']);
    const second = h.alarmsOf(HQ, 'unknown_device').find((a) => a.state !== 'cleared')!;
    expect(second.message).toContain('(1 id: GHOST-8)');
  });

  it('what the site trouble knows survives a restart: reported ids stay quiet, new ones are still counted', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading('GHOST-1', 1);
    h.act(h.only(HQ, 'unknown_device').id, { type: 'ack' });
    h.at(2 * MIN).tick(); // silent: closed
    h.state = restoreEngineState(JSON.parse(JSON.stringify(persistEngineState(h.state))), { restartedAt: h.now });
    expect(h.at(3 * MIN).reading('GHOST-1', 1)).toEqual([]);
    expect(kinds(h.reading('GHOST-2', 1))).toEqual(['raised:unknown_device']);
    h.state = restoreEngineState(JSON.parse(JSON.stringify(persistEngineState(h.state))), { restartedAt: h.now });
    h.at(3 * MIN + 1).reading('GHOST-3', 1);
    expect(kinds(h.at(3 * MIN + 2 * S).tick())).toEqual(['updated:unknown_device']);
    expect(h.alarmsOf(HQ, 'unknown_device').find((a) => a.state !== 'cleared')!.message).toContain('(2 ids: GHOST-2, GHOST-3)');
  });

  it('drops per-device unknown states persisted before one trouble per site, unless their alarm is open', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    const legacy = (id: string, alarmId: string | null) => {
      const rs = newRuleState(id, { id, siteId: 'hq', zoneId: 'unregistered' }, null, null, h.now);
      rs.unknown = true;
      rs.points.unknown_device = { ...newPoint(SPECS.unknownDevice, 0), alarmId };
      return rs;
    };
    const saved = persistEngineState(h.state);
    saved.sensors.push(...Array.from({ length: 100 }, (_, i) => legacy(`OLD-${i}`, null)), legacy('OLD-OPEN', 'al_1'));
    const restored = restoreEngineState(saved);
    expect([...restored.sensors.keys()]).toEqual(['OLD-OPEN']);
  });

  it('a drill tag makes no separate alarm: drill ids come from the device', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0).reading('GHOST-1', 1, { drill: 'd-1' });
    for (let i = 0; i < 20; i += 1) h.reading(`GHOST-${i}`, 1, { drill: `made-up-${i}` });
    expect([...h.state.alarms.values()]).toHaveLength(1);
    expect(h.only(HQ, 'unknown_device').drill).toBeNull();
  });

  it('bounds what it keeps: reported ids per site, and the number of sites', () => {
    const h = new Harness({ sensors: [makeSensor('gas')] });
    h.at(0);
    for (let i = 0; i < UNKNOWN_IDS_REMEMBERED + 500; i += 1) h.reading(`FLOOD-${i}`, 1);
    const u = h.state.sensors.get(HQ)!.unknownDevices!;
    expect(u.reported).toHaveLength(UNKNOWN_IDS_REMEMBERED);
    expect(u.reported[0]).toBe('FLOOD-500'); // the oldest forgotten first
    expect(u.shown).toHaveLength(UNKNOWN_IDS_SHOWN);
    expect(u.count).toBe(UNKNOWN_IDS_REMEMBERED + 500);
    // Site states: an engine fed sites ingest would refuse stays bounded too.
    for (let i = 0; i < UNKNOWN_SUBJECTS_MAX + 10; i += 1) {
      h.at(i);
      h.observe({
        siteId: `site-${i}`,
        sensorId: 'X',
        zoneId: 'unregistered',
        kind: 'unregistered',
        ts: h.now,
        receivedAt: h.now,
        source: 'mqtt',
        channel: 'reading',
        value: 1,
        unit: 'ppm',
      });
    }
    expect([...h.state.sensors.values()].filter((rs) => rs.unknown).length).toBeLessThanOrEqual(UNKNOWN_SUBJECTS_MAX);
    // No rule state per device id.
    expect(h.state.sensors.has('FLOOD-1')).toBe(false);
  });
});
