// Flood grouping as docs/contracts.md#escalation-floods-chattering describes it.
import { describe, expect, it } from 'vitest';
import type { IncidentChangeEvent, Sensor } from '../../../../contract/index.ts';
import { Harness, MIN, S, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

// 8 doors in the lobby, 8 in the store: tamper alarms are one event each.
const doors: Sensor[] = Array.from({ length: 16 }, (_, i) => makeSensor('door', { id: `D-${i}`, zoneId: i < 8 ? 'lobby' : 'store', heartbeatS: 86_400 }));
const harness = () => new Harness({ sensors: doors });
const incidentEvents = (h: Harness): IncidentChangeEvent[] => h.log.filter((e): e is IncidentChangeEvent => e.subject === 'incident');

describe('alarm flood grouping', () => {
  it('does not group 10 new alarms within 10 minutes', () => {
    // ISA-18.2 flood: *more than* 10 new alarms within 10 minutes at one site → incidents.
    const h = harness();
    for (let i = 0; i < 10; i += 1) h.at(i * 30 * S).event(`D-${i}`, 'tamper');
    expect(h.state.incidents.size).toBe(0);
  });

  it('groups the site’s alarms by zone when the 11th arrives within 10 minutes', () => {
    const h = harness();
    for (let i = 0; i < 11; i += 1) h.at(i * 50 * S).event(`D-${i}`, 'tamper');
    const incidents = [...h.state.incidents.values()];
    expect(incidents.map((i) => [i.zoneId, i.alarmIds.length, i.state])).toEqual([
      ['lobby', 8, 'open'],
      ['store', 3, 'open'],
    ]);
    expect([...h.state.alarms.values()].every((a) => a.incidentId !== null)).toBe(true);
    expect(incidentEvents(h).filter((e) => e.kind === 'incident_opened')).toHaveLength(2);
    // Later alarms in the flood join their zone's incident.
    h.at(11 * 50 * S).event('D-11', 'tamper');
    expect(h.state.incidents.get(incidents[1]?.id ?? '')?.alarmIds).toHaveLength(4);
  });

  it('does not group alarms spread over more than 10 minutes', () => {
    const h = harness();
    for (let i = 0; i < 12; i += 1) h.at(i * MIN).event(`D-${i}`, 'tamper');
    expect(h.state.incidents.size).toBe(0);
  });

  it('acknowledges every member when the incident is acknowledged', () => {
    // An incident can be acknowledged as a whole.
    const h = harness();
    for (let i = 0; i < 11; i += 1) h.at(i * S).event(`D-${i}`, 'tamper');
    const lobby = [...h.state.incidents.values()].find((i) => i.zoneId === 'lobby');
    if (lobby === undefined) throw new Error('no lobby incident');
    const events = h.at(30 * S).actOnIncident(lobby.id, { type: 'ack', note: 'cleaning crew' }, 'officer.wang');
    expect(events.filter((e) => e.subject === 'alarm' && e.kind === 'acked')).toHaveLength(8);
    expect(events.filter((e) => e.subject === 'incident').map((e) => e.kind)).toEqual(['incident_acked']);
    expect(h.state.incidents.get(lobby.id)).toMatchObject({ state: 'acked', unackedCount: 0, ackedBy: 'officer.wang' });
    expect(lobby.alarmIds.map((id) => h.state.alarms.get(id)?.ackedBy)).toEqual(Array(8).fill('officer.wang'));
  });

  it('never puts a fire, gas, CO or leak alarm into an incident, so an incident acknowledge cannot reach one', () => {
    // The console at 3 a.m.: a fire in the middle of a flood of troubles in its zone.
    const lifeSafety = [
      makeSensor('smoke', { id: 'SMK', zoneId: 'lobby' }),
      makeSensor('gas', { id: 'GAS', zoneId: 'lobby' }),
      makeSensor('leak', { id: 'LEAK', zoneId: 'lobby' }),
    ];
    const h = new Harness({ sensors: [...doors, ...lifeSafety] });
    h.at(0).event('SMK', 'smoke');
    h.at(S).event('LEAK', 'leak');
    h.at(2 * S).reading('GAS', 25);
    for (let i = 0; i < 8; i += 1) h.at((3 + i) * S).event(`D-${i}`, 'tamper');
    const lobby = [...h.state.incidents.values()].find((i) => i.zoneId === 'lobby');
    if (lobby === undefined) throw new Error('no lobby incident');
    const open = [...h.state.alarms.values()];
    const safety = open.filter((a) => ['smoke', 'gas', 'leak'].includes(a.condition));
    expect(safety.map((a) => a.condition).sort()).toEqual(['gas', 'leak', 'smoke']);
    expect(safety.map((a) => a.incidentId)).toEqual([null, null, null]);
    expect(lobby.alarmIds).toHaveLength(8);
    h.at(20 * S).actOnIncident(lobby.id, { type: 'ack' }, 'officer.wang');
    expect(safety.map((a) => h.state.alarms.get(a.id)?.state)).toEqual(['active_unacked', 'active_unacked', 'active_unacked']);
  });

  it('closes an incident when all its alarms are closed', () => {
    const h = harness();
    for (let i = 0; i < 11; i += 1) h.at(i * S).event(`D-${i}`, 'tamper');
    const store = [...h.state.incidents.values()].find((i) => i.zoneId === 'store');
    if (store === undefined) throw new Error('no store incident');
    h.actOnIncident(store.id, { type: 'ack' });
    for (let i = 8; i < 11; i += 1) h.at(60 * S).event(`D-${i}`, 'tamper_clear');
    expect(h.state.incidents.get(store.id)).toMatchObject({ state: 'closed', closedAt: h.now });
  });

  it('floods drill alarms into drill incidents, apart from real ones', () => {
    // Drill alarms are kept out of real statistics.
    const h = harness();
    for (let i = 0; i < 11; i += 1) h.at(i * S).event(`D-${i}`, 'tamper', { drill: 'flood-1' });
    for (let i = 0; i < 3; i += 1) h.at(20 * S).event(`D-${i}`, 'tamper');
    const incidents = [...h.state.incidents.values()];
    expect(incidents.every((i) => i.drill === 'flood-1')).toBe(true);
    expect(h.alarmsOf('D-0', 'tamper')[0]?.incidentId).toBeNull();
  });

  it('forgets a flood window once it has emptied, so an ended drill leaves nothing in the stored state', () => {
    const h = harness();
    h.at(0).event('D-0', 'tamper');
    h.at(0).event('D-1', 'tamper', { drill: 'flood-2' });
    expect([...h.state.floods.keys()].sort()).toEqual(['hq', 'hq#flood-2']);
    h.at(5 * MIN).tick();
    expect(h.state.floods.size).toBe(2);
    h.at(10 * MIN + S).tick();
    expect(h.state.floods.size).toBe(0);
  });

  it('applies comment, assign and shelve to an incident as a whole, recorded with who', () => {
    // Incidents take the same actions as alarms; every action records who and when.
    const h = harness();
    for (let i = 0; i < 11; i += 1) h.at(i * S).event(`D-${i}`, 'tamper');
    const lobby = [...h.state.incidents.values()].find((i) => i.zoneId === 'lobby');
    if (lobby === undefined) throw new Error('no lobby incident');
    const [comment] = h.at(20 * S).actOnIncident(lobby.id, { type: 'comment', text: 'storm tripped the covers' }, 'officer.wang');
    expect(comment).toMatchObject({ subject: 'incident', kind: 'incident_commented', actor: 'officer.wang', note: 'storm tripped the covers' });
    h.actOnIncident(lobby.id, { type: 'assign', to: 'tech.zhao' });
    expect(lobby.alarmIds.map((id) => h.state.alarms.get(id)?.assignedTo)).toEqual(Array(8).fill('tech.zhao'));
    const events = h.actOnIncident(lobby.id, { type: 'shelve', durationS: 3600, reason: 'storm' });
    expect(events.filter((e) => e.subject === 'alarm' && e.kind === 'shelved')).toHaveLength(8);
    expect(events.at(-1)).toMatchObject({ kind: 'incident_updated', note: 'shelve applied to 8 of 8 alarms' });
    expect(() => h.actOnIncident(lobby.id, { type: 'reset' })).toThrow(/only latching alarms/);
  });
});
