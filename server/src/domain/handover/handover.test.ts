/**
 * The handover's list and rules: what the next shift inherits (standing, shelved, out-of-service,
 * open actions, running drills, link trouble), that no shelved alarm passes without an explicit
 * carry-over or unshelve, and that the officer who handed over cannot also accept.
 */
import { describe, expect, it } from 'vitest';
import { itemsCarriedOver, type Drill, type Handover, type HandoverSnapshot } from '../../../../contract/index.ts';
import { FIXTURE_T0 as T0, makeAlarm } from '../../../../test/support/contract.fixtures.ts';
import { refusalOf } from '../../../../test/support/handover.fixtures.ts';
import { checkAcceptable, checkSignable, countHandovers, decideShelved } from './handover.rules.ts';
import { buildSnapshot, type SnapshotInput } from './handover.snapshot.ts';

const shelf = { at: T0, until: T0 + 3_600_000, by: 'li', reason: 'detector being cleaned' };
const drill = (id: string, siteId: string, state: Drill['state']): Drill => ({
  id,
  scenario: 'canteen-gas-leak',
  title: 'Canteen gas leak',
  speed: 1,
  siteId,
  startedBy: 'chen',
  startedAt: T0,
  endedAt: state === 'ended' ? T0 + 1 : null,
  state,
  expected: [],
});

const input = (over: Partial<SnapshotInput> = {}): SnapshotInput => ({
  alarms: [],
  outOfService: [],
  drills: [],
  actions: [],
  links: { brokerConnected: true, storageAccepting: true, outboxDepth: 0 },
  ...over,
});

describe('what a handover lists', () => {
  it("lists the site's standing, shelved and out-of-service items, open actions, running drills and link trouble", () => {
    const s = buildSnapshot(
      input({
        alarms: [
          makeAlarm({ id: 'a-later', raisedAt: T0 + 60_000 }),
          makeAlarm({ id: 'a-first', state: 'active_acked' }),
          makeAlarm({ id: 'a-shelved', sensorId: 'KIT-SMK-01', shelved: shelf }),
          makeAlarm({ id: 'a-gw', condition: 'gateway_offline', sensorId: 'GW-1', message: 'Gateway GW-1 offline', activatedAt: T0 + 5 }),
          makeAlarm({ id: 'a-oos', sensorId: 'KIT-CO-01', outOfService: true }),
        ],
        outOfService: [{ sensorId: 'KIT-CO-01', sensorName: 'Kitchen CO', siteId: 'hq', since: T0, until: T0 + 7_200_000, by: 'zhao', reason: 'calibration' }],
        drills: [drill('drill-a', 'hq', 'running'), drill('drill-b', 'hq', 'ended')],
        actions: [{ id: '7', title: 'replace hose clamps', assignee: 'wang', dueAt: T0 + 86_400_000, state: 'open', overdue: false }],
        links: { brokerConnected: false, storageAccepting: false, outboxDepth: 42 },
      }),
      'hq',
      T0 + 120_000,
    );
    expect(s.takenAt).toBe(T0 + 120_000);
    // Oldest first: the one standing longest is the one to mention first.
    expect(s.standing.map((a) => a.alarmId)).toEqual(['a-first', 'a-later']);
    expect(s.standing[0]).toMatchObject({ sensorId: 'KIT-GAS-01', condition: 'gas', priority: 'critical', state: 'active_acked' });
    expect(s.shelved).toEqual([expect.objectContaining({ alarmId: 'a-shelved', shelf, decision: null })]);
    expect(s.outOfService).toEqual([{ sensorId: 'KIT-CO-01', sensorName: 'Kitchen CO', since: T0, until: T0 + 7_200_000, by: 'zhao', reason: 'calibration' }]);
    expect(s.actions.map((a) => a.id)).toEqual(['7']);
    expect(s.drills).toEqual([{ id: 'drill-a', title: 'Canteen gas leak', startedBy: 'chen', startedAt: T0 }]);
    expect(s.links).toEqual([
      { kind: 'broker', id: 'broker', since: null, detail: 'MQTT broker not connected' },
      { kind: 'storage', id: 'storage', since: null, detail: 'InfluxDB not accepting writes; 42 points in the outbox' },
      { kind: 'gateway', id: 'GW-1', since: T0 + 5, detail: 'Gateway GW-1 offline' },
    ]);
  });

  it('leaves out other sites, drill alarms and closed alarms, and reports no link trouble when the links are up', () => {
    const s = buildSnapshot(
      input({
        alarms: [
          makeAlarm({ id: 'a-other-site', siteId: 'plant' }),
          makeAlarm({ id: 'a-drill', drill: 'drill-a' }),
          makeAlarm({ id: 'a-closed', state: 'cleared' }),
          makeAlarm({ id: 'a-rtn', state: 'cleared_unacked', conditionActive: false }),
        ],
        outOfService: [{ sensorId: 'P-1', sensorName: 'Plant', siteId: 'plant', since: T0, by: 'zhao', reason: 'x' }],
        drills: [drill('drill-p', 'plant', 'running')],
      }),
      'hq',
      T0,
    );
    // Returned to normal but unacknowledged is still the next shift's to acknowledge.
    expect(s.standing.map((a) => a.alarmId)).toEqual(['a-rtn']);
    expect([s.shelved, s.outOfService, s.drills, s.links]).toEqual([[], [], [], []]);
  });

  it('lists a shelved gateway alarm as shelved, so that it too needs a decision', () => {
    const s = buildSnapshot(input({ alarms: [makeAlarm({ id: 'a-gw', condition: 'gateway_offline', shelved: shelf })] }), 'hq', T0);
    expect(s.shelved.map((a) => a.alarmId)).toEqual(['a-gw']);
    expect(s.links).toEqual([]);
  });
});

const snapshotWithShelved = (...ids: string[]): HandoverSnapshot =>
  buildSnapshot(input({ alarms: ids.map((id) => makeAlarm({ id, shelved: shelf })) }), 'hq', T0);

describe('every shelved alarm is carried over or unshelved before the outgoing signature', () => {
  it('refuses while any shelved alarm has no decision, naming each', () => {
    const err = refusalOf(() => decideShelved(snapshotWithShelved('a1', 'a2', 'a3'), [{ alarmId: 'a2', decision: 'carry' }]));
    expect(err.code).toBe('SHELVED_UNDECIDED');
    expect(err.details).toEqual({ alarmIds: ['a1', 'a3'] });
  });

  it('records each decision on the list; a decision about an alarm no longer shelved is ignored', () => {
    const s = decideShelved(snapshotWithShelved('a1', 'a2'), [
      { alarmId: 'a1', decision: 'carry' },
      { alarmId: 'a2', decision: 'unshelve' },
      { alarmId: 'gone', decision: 'carry' },
    ]);
    expect(s.shelved.map((x) => [x.alarmId, x.decision])).toEqual([
      ['a1', 'carry'],
      ['a2', 'unshelve'],
    ]);
  });

  it('needs no decision when nothing is shelved', () => {
    expect(decideShelved(snapshotWithShelved(), []).shelved).toEqual([]);
  });

  it('signs an open handover only', () => {
    expect(() => checkSignable({ id: 'h', state: 'open' })).not.toThrow();
    expect(refusalOf(() => checkSignable({ id: 'h', state: 'handed_over' })).code).toBe('INVALID_TRANSITION');
    expect(refusalOf(() => checkSignable({ id: 'h', state: 'accepted' })).code).toBe('INVALID_TRANSITION');
  });
});

describe('who may accept', () => {
  const signed = { id: 'h', state: 'handed_over' as const, handedOverBy: 'li' };

  it('another officer may accept a signed handover', () => {
    expect(() => checkAcceptable(signed, 'wang')).not.toThrow();
  });

  it('not the officer who handed over: two people sign a handover', () => {
    expect(refusalOf(() => checkAcceptable(signed, 'li')).code).toBe('SAME_OFFICER');
  });

  it('not before the outgoing signature, and only once', () => {
    expect(refusalOf(() => checkAcceptable({ ...signed, state: 'open', handedOverBy: null }, 'wang')).code).toBe('INVALID_TRANSITION');
    expect(refusalOf(() => checkAcceptable({ ...signed, state: 'accepted' }, 'wang')).code).toBe('INVALID_TRANSITION');
  });
});

describe('counts for the safety report', () => {
  const handover = (over: Partial<Handover>): Handover => ({
    id: 'h',
    siteId: 'hq',
    state: 'accepted',
    openedAt: T0,
    openedBy: 'li',
    notes: '',
    handedOverAt: T0,
    handedOverBy: 'li',
    acceptedAt: T0,
    acceptedBy: 'wang',
    remarks: null,
    snapshot: decideShelved(snapshotWithShelved('s1', 's2'), [
      { alarmId: 's1', decision: 'carry' },
      { alarmId: 's2', decision: 'unshelve' },
    ]),
    ...over,
  });

  it('counts an unshelved alarm as not carried over', () => {
    expect(itemsCarriedOver(handover({}).snapshot)).toBe(1);
  });

  it('counts handovers signed in [from, to) at the site, accepted ones and those with remarks, and the items they carried', () => {
    const c = countHandovers(
      [
        handover({ id: 'h1' }),
        handover({ id: 'h2', remarks: 'door 3 first' }),
        handover({ id: 'h3', state: 'handed_over', acceptedAt: null, acceptedBy: null }),
        handover({ id: 'h-late', handedOverAt: T0 + 1000 }),
        handover({ id: 'h-other', siteId: 'plant' }),
        handover({ id: 'h-open', state: 'open', handedOverAt: null }),
      ],
      { siteId: 'hq', from: T0, to: T0 + 1000 },
    );
    expect(c).toEqual({
      siteId: 'hq',
      from: T0,
      to: T0 + 1000,
      handedOver: 3,
      accepted: 2,
      acceptedWithRemarks: 1,
      itemsCarriedOver: 3,
      shelvedCarriedOver: 3,
    });
  });
});
