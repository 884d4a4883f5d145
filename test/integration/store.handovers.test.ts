/**
 * The handover service over its SQLite store: the outgoing officer's signature unshelves what
 * was to be unshelved and freezes the list as it was; both signatures are audited; the counts the
 * safety report reads come from the stored handovers.
 */
import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../contract/index.ts';
import { FIXTURE_T0 as T0, makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { refusalOf } from '../../../test/support/handover.fixtures.ts';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqliteHandoverStore } from './sqlite.handovers.ts';
import type { Actor } from '../services/alarm.service.ts';
import type { AuditInput } from '../services/audit.port.ts';
import { HandoverService, type HandoverSources } from '../services/handover.service.ts';

const open = tempDatabases('vigil-handover-');
const li: Actor = { username: 'li', role: 'officer' };
const wang: Actor = { username: 'wang', role: 'officer' };
const shelf = { at: T0, until: T0 + 3_600_000, by: 'li', reason: 'cleaning' };

function setup() {
  const clock = { t: T0, now: () => clock.t };
  let alarms: Alarm[] = [
    makeAlarm({ id: 'a-standing' }),
    makeAlarm({ id: 'a-carry', sensorId: 'S-1', shelved: shelf }),
    makeAlarm({ id: 'a-unshelve', sensorId: 'S-2', shelved: shelf }),
  ];
  const unshelved: { alarmId: string; actor: string; note: string }[] = [];
  const sources: HandoverSources = {
    siteExists: (id) => id === 'hq',
    openAlarms: () => alarms,
    outOfService: () => [],
    drills: () => [],
    links: () => ({ brokerConnected: true, storageAccepting: true, outboxDepth: 0 }),
    unshelve: (alarmId, actor, note) => {
      unshelved.push({ alarmId, actor: actor.username, note });
      alarms = alarms.map((a) => (a.id === alarmId ? { ...a, shelved: null } : a));
    },
  };
  const audit: AuditInput[] = [];
  const service = new HandoverService(new SqliteHandoverStore(open().db), sources, { append: (e) => audit.push(e) }, clock, {
    openActions: (siteId) => [{ id: `act-${siteId}`, title: 'replace clamps', assignee: 'wang', dueAt: null, state: 'open', overdue: true }],
  });
  return { service, clock, audit, unshelved, setAlarms: (a: Alarm[]) => (alarms = a) };
}

describe('a shift handover', () => {
  it('opens with the live list, signs once every shelved alarm is decided, freezes the list, and is accepted by another officer', () => {
    const { service, clock, audit, unshelved, setAlarms } = setup();
    const h = service.open({ siteId: 'hq', notes: 'quiet night' }, li);
    expect(h).toMatchObject({ siteId: 'hq', state: 'open', openedBy: 'li', notes: 'quiet night', handedOverBy: null });
    expect(h.snapshot.standing.map((a) => a.alarmId)).toEqual(['a-standing']);
    expect(h.snapshot.shelved.map((a) => a.alarmId)).toEqual(['a-carry', 'a-unshelve']);
    expect(h.snapshot.actions.map((a) => a.id)).toEqual(['act-hq']);

    expect(refusalOf(() => service.sign(h.id, { shelved: [{ alarmId: 'a-carry', decision: 'carry' }] }, li)).details).toEqual({ alarmIds: ['a-unshelve'] });
    expect(unshelved).toEqual([]);

    clock.t = T0 + 60_000;
    const signed = service.sign(
      h.id,
      {
        notes: 'quiet night, S-1 still being cleaned',
        shelved: [
          { alarmId: 'a-carry', decision: 'carry' },
          { alarmId: 'a-unshelve', decision: 'unshelve' },
        ],
      },
      li,
    );
    expect(unshelved).toEqual([{ alarmId: 'a-unshelve', actor: 'li', note: `shift handover ${h.id}` }]);
    expect(signed).toMatchObject({ state: 'handed_over', handedOverAt: T0 + 60_000, handedOverBy: 'li', notes: 'quiet night, S-1 still being cleaned' });
    expect(signed.snapshot.shelved.map((a) => [a.alarmId, a.decision])).toEqual([
      ['a-carry', 'carry'],
      ['a-unshelve', 'unshelve'],
    ]);

    // What was handed over stays as it was, whatever happens after.
    setAlarms([makeAlarm({ id: 'a-new', raisedAt: T0 + 90_000 })]);
    clock.t = T0 + 120_000;
    expect(service.get(h.id).snapshot).toEqual(signed.snapshot);

    expect(refusalOf(() => service.accept(h.id, {}, li)).code).toBe('SAME_OFFICER');
    const accepted = service.accept(h.id, { remarks: 'will check S-1 first' }, wang);
    expect(accepted).toMatchObject({ state: 'accepted', acceptedBy: 'wang', acceptedAt: T0 + 120_000, remarks: 'will check S-1 first' });
    expect(refusalOf(() => service.accept(h.id, {}, { username: 'zhao', role: 'officer' })).code).toBe('INVALID_TRANSITION');

    expect(audit.map((e) => [e.actor, e.action, e.target])).toEqual([
      ['li', 'handover.open', `handover:${h.id}`],
      ['li', 'handover.sign', `handover:${h.id}`],
      ['wang', 'handover.accept', `handover:${h.id}`],
    ]);
    expect(audit[1]!.detail).toMatchObject({ carried: ['a-carry'], unshelved: ['a-unshelve'], standing: 1, actions: 1 });
    expect(audit[2]!.detail).toMatchObject({ handedOverBy: 'li', remarks: 'will check S-1 first' });
    expect(service.list({ limit: 10 })).toEqual([accepted]);
  });

  it('refuses a second handover for a site until the first is accepted, and an unknown site', () => {
    const { service } = setup();
    const h = service.open({ siteId: 'hq' }, li);
    expect(refusalOf(() => service.open({ siteId: 'hq' }, wang))).toMatchObject({ code: 'CONFLICT', details: { id: h.id } });
    expect(refusalOf(() => service.open({ siteId: 'nowhere' }, li)).code).toBe('BAD_REQUEST');
    expect(refusalOf(() => service.get('ho_none')).code).toBe('NOT_FOUND');
  });

  it('counts shifts handed over and items carried over in a period, from the stored handovers', () => {
    const { service, clock } = setup();
    const decisions = {
      shelved: [
        { alarmId: 'a-carry', decision: 'carry' as const },
        { alarmId: 'a-unshelve', decision: 'unshelve' as const },
      ],
    };
    const first = service.open({ siteId: 'hq' }, li);
    service.sign(first.id, decisions, li);
    service.accept(first.id, {}, wang);
    clock.t = T0 + 3_600_000;
    const second = service.open({ siteId: 'hq' }, wang);
    service.sign(second.id, { shelved: [{ alarmId: 'a-carry', decision: 'carry' }] }, wang);
    // Standing 1 + 1 carried + 1 action, then (a-unshelve now standing) 2 + 1 carried + 1 action.
    expect(service.counts({ siteId: 'hq', from: T0, to: T0 + 7_200_000 })).toMatchObject({
      handedOver: 2,
      accepted: 1,
      acceptedWithRemarks: 0,
      itemsCarriedOver: 7,
      shelvedCarriedOver: 2,
    });
    expect(service.counts({ from: T0 + 1, to: T0 + 7_200_000 })).toMatchObject({ siteId: null, handedOver: 1, itemsCarriedOver: 4 });
  });
});
