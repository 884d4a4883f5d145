/**
 * The handover service over its store on every engine (SQLite, PostgreSQL): the outgoing officer's
 * signature unshelves what was to be unshelved and freezes the list as it was; both signatures are
 * audited in the transaction of the change they record; two signatures racing (two tabs, two nodes)
 * take effect once, and the four-eyes rule holds in the store itself; one handover at a time per
 * site even when two officers open at once; the counts the safety report reads come from the
 * stored handovers (docs/contracts.md#shift-handover).
 */
import { expect, it } from 'vitest';
import type { Alarm } from '../../contract/index.ts';
import { SqlAuditLog } from '../../server/src/adapters/sql.audit.ts';
import { SqlHandoverStore } from '../../server/src/adapters/sql.handovers.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import type { Actor } from '../../server/src/services/alarm.service.ts';
import { HandoverService, type HandoverSources, type HandoverStore, type StoredHandover } from '../../server/src/services/handover.service.ts';
import { FIXTURE_T0 as T0, makeAlarm } from '../support/contract.fixtures.ts';
import { refusalOfAsync as refusal } from '../support/handover.fixtures.ts';
import { eachStore } from '../support/stores.ts';

const li: Actor = { username: 'li', role: 'officer' };
const wang: Actor = { username: 'wang', role: 'officer' };
const zhao: Actor = { username: 'zhao', role: 'officer' };
const shelf = { at: T0, until: T0 + 3_600_000, by: 'li', reason: 'cleaning' };

function setup(sql: Sql, store: HandoverStore = new SqlHandoverStore(sql)) {
  const clock = { t: T0, now: () => clock.t };
  let alarms: Alarm[] = [
    makeAlarm({ id: 'a-standing' }),
    makeAlarm({ id: 'a-carry', sensorId: 'S-1', shelved: shelf }),
    makeAlarm({ id: 'a-unshelve', sensorId: 'S-2', shelved: shelf }),
  ];
  const unshelved: { alarmId: string; actor: string; note: string }[] = [];
  const sources: HandoverSources = {
    siteExists: (id) => id === 'hq',
    openAlarms: async () => alarms,
    outOfService: async () => [],
    drills: async () => [],
    links: () => ({ brokerConnected: true, storageAccepting: true, outboxDepth: 0 }),
    unshelve: async (alarmId, actor, note) => {
      unshelved.push({ alarmId, actor: actor.username, note });
      alarms = alarms.map((a) => (a.id === alarmId ? { ...a, shelved: null } : a));
    },
  };
  const log = new SqlAuditLog(sql, clock.now);
  const service = new HandoverService(store, sources, log, clock, {
    openActions: async (siteId) => [{ id: `act-${siteId}`, title: 'replace clamps', assignee: 'wang', dueAt: null, state: 'open', overdue: true }],
  });
  const audit = async () => (await log.list({ from: 0, to: T0 + 86_400_000, limit: 100 })).reverse().filter((e) => e.action.startsWith('handover.'));
  return { service, clock, audit, unshelved, setAlarms: (a: Alarm[]) => (alarms = a) };
}

/** The store as a request sees it that read `first` before another changed it; its later reads are current. */
function behind(real: SqlHandoverStore, first: StoredHandover): HandoverStore {
  let reads = 0;
  return Object.assign(Object.create(real) as SqlHandoverStore, { get: async (id: string) => (reads++ === 0 ? first : real.get(id)) });
}

const decisions = {
  shelved: [
    { alarmId: 'a-carry', decision: 'carry' as const },
    { alarmId: 'a-unshelve', decision: 'unshelve' as const },
  ],
};

eachStore((open, engine) => {
  it('opens with the live list, signs once every shelved alarm is decided, freezes the list, and is accepted by another officer', async () => {
    const { service, clock, audit, unshelved, setAlarms } = setup(await open());
    const h = await service.open({ siteId: 'hq', notes: 'quiet night' }, li);
    expect(h).toMatchObject({ siteId: 'hq', state: 'open', openedBy: 'li', notes: 'quiet night', handedOverBy: null });
    expect(h.snapshot.standing.map((a) => a.alarmId)).toEqual(['a-standing']);
    expect(h.snapshot.shelved.map((a) => a.alarmId)).toEqual(['a-carry', 'a-unshelve']);
    expect(h.snapshot.actions.map((a) => a.id)).toEqual(['act-hq']);

    expect((await refusal(service.sign(h.id, { shelved: [{ alarmId: 'a-carry', decision: 'carry' }] }, li))).details).toEqual({ alarmIds: ['a-unshelve'] });
    expect(unshelved).toEqual([]);

    clock.t = T0 + 60_000;
    const signed = await service.sign(h.id, { notes: 'quiet night, S-1 still being cleaned', ...decisions }, li);
    expect(unshelved).toEqual([{ alarmId: 'a-unshelve', actor: 'li', note: `shift handover ${h.id}` }]);
    expect(signed).toMatchObject({ state: 'handed_over', handedOverAt: T0 + 60_000, handedOverBy: 'li', notes: 'quiet night, S-1 still being cleaned' });
    expect(signed.snapshot.shelved.map((a) => [a.alarmId, a.decision])).toEqual([
      ['a-carry', 'carry'],
      ['a-unshelve', 'unshelve'],
    ]);

    // What was handed over stays as it was, whatever happens after.
    setAlarms([makeAlarm({ id: 'a-new', raisedAt: T0 + 90_000 })]);
    clock.t = T0 + 120_000;
    expect((await service.get(h.id)).snapshot).toEqual(signed.snapshot);

    expect((await refusal(service.accept(h.id, {}, li))).code).toBe('SAME_OFFICER');
    const accepted = await service.accept(h.id, { remarks: 'will check S-1 first' }, wang);
    expect(accepted).toMatchObject({ state: 'accepted', acceptedBy: 'wang', acceptedAt: T0 + 120_000, remarks: 'will check S-1 first' });
    expect((await refusal(service.accept(h.id, {}, zhao))).code).toBe('INVALID_TRANSITION');

    const entries = await audit();
    expect(entries.map((e) => [e.actor, e.action, e.target])).toEqual([
      ['li', 'handover.open', `handover:${h.id}`],
      ['li', 'handover.sign', `handover:${h.id}`],
      ['wang', 'handover.accept', `handover:${h.id}`],
    ]);
    expect(entries[1]!.detail).toMatchObject({ carried: ['a-carry'], unshelved: ['a-unshelve'], standing: 1, actions: 1 });
    expect(entries[2]!.detail).toMatchObject({ handedOverBy: 'li', remarks: 'will check S-1 first' });
    expect(await service.list({ limit: 10 })).toEqual([accepted]);
  });

  it('refuses a second handover for a site until the first is accepted, and an unknown site', async () => {
    const { service } = setup(await open());
    const h = await service.open({ siteId: 'hq' }, li);
    expect(await refusal(service.open({ siteId: 'hq' }, wang))).toMatchObject({ code: 'CONFLICT', details: { id: h.id } });
    expect((await refusal(service.open({ siteId: 'nowhere' }, li))).code).toBe('BAD_REQUEST');
    expect((await refusal(service.get('ho_none'))).code).toBe('NOT_FOUND');
  });

  // PostgreSQL: each officer's request on its own connection, as on two nodes.
  it('two officers opening a handover for one site at once: one is opened, the other refused', async () => {
    const a = setup(await open());
    const b = engine === 'postgres' ? setup(await open.again()) : a;
    const outcomes = await Promise.allSettled([a.service.open({ siteId: 'hq' }, li), b.service.open({ siteId: 'hq' }, wang)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await a.service.list({ siteId: 'hq', limit: 10 })).toHaveLength(1);
    expect((await a.audit()).filter((e) => e.action === 'handover.open')).toHaveLength(1);
  });

  it('two signatures racing take effect once: one handed over, one audit entry; the other is told it is already signed', async () => {
    const sql = await open();
    const { service, audit } = setup(sql);
    const h = await service.open({ siteId: 'hq' }, li);
    const other = setup(engine === 'postgres' ? await open.again() : sql);
    const outcomes = await Promise.allSettled([
      service.sign(h.id, { ...decisions, notes: 'first' }, li),
      other.service.sign(
        h.id,
        {
          shelved: [
            { alarmId: 'a-carry', decision: 'carry' },
            { alarmId: 'a-unshelve', decision: 'carry' },
          ],
          notes: 'second',
        },
        li,
      ),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = outcomes.find((o) => o.status === 'rejected')!;
    expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_TRANSITION', message: `handover ${h.id} is already signed` });
    const won = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ notes: string }>).value;
    expect((await service.get(h.id)).notes).toBe(won.notes);
    expect((await audit()).filter((e) => e.action === 'handover.sign')).toHaveLength(1);
  });

  it('a signature judged on a handover read before another signed it changes nothing', async () => {
    const sql = await open();
    const real = new SqlHandoverStore(sql);
    const { service, audit } = setup(sql, real);
    const h = await service.open({ siteId: 'hq' }, li);
    const asOpened = (await real.get(h.id))!;
    await service.sign(h.id, decisions, li);
    // A second tab (or node) still holding the handover as opened: its reads are behind.
    const late = setup(sql, behind(real, asOpened));
    expect((await refusal(late.service.sign(h.id, { shelved: decisions.shelved.map((s) => ({ ...s, decision: 'carry' as const })) }, wang))).code).toBe(
      'INVALID_TRANSITION',
    );
    const stale = { ...asOpened, state: 'handed_over' as const, handedOverBy: 'wang' };
    const sameOfficer = setup(sql, behind(real, stale));
    // Read as handed over by wang, so the service's own rule lets li accept; the store knows li signed it.
    expect((await refusal(sameOfficer.service.accept(h.id, {}, li))).code).toBe('SAME_OFFICER');
    expect(await real.get(h.id)).toMatchObject({ state: 'handed_over', handedOverBy: 'li', acceptedBy: null });
    expect((await audit()).map((e) => e.action)).toEqual(['handover.open', 'handover.sign']);
  });

  it('a signature whose audit entry fails is not made', async () => {
    const sql = await open();
    const real = new SqlHandoverStore(sql);
    const { service } = setup(sql, real);
    const h = await service.open({ siteId: 'hq' }, li);
    await sql.run('DROP TABLE audit');
    await expect(service.sign(h.id, decisions, li)).rejects.toThrow();
    expect(await real.get(h.id)).toMatchObject({ state: 'open', handedOverBy: null, snapshot: null });
  });

  it('counts shifts handed over and items carried over in a period, from the stored handovers', async () => {
    const { service, clock } = setup(await open());
    const first = await service.open({ siteId: 'hq' }, li);
    await service.sign(first.id, decisions, li);
    await service.accept(first.id, {}, wang);
    clock.t = T0 + 3_600_000;
    const second = await service.open({ siteId: 'hq' }, wang);
    await service.sign(second.id, { shelved: [{ alarmId: 'a-carry', decision: 'carry' }] }, wang);
    // Standing 1 + 1 carried + 1 action, then (a-unshelve now standing) 2 + 1 carried + 1 action.
    expect(await service.counts({ siteId: 'hq', from: T0, to: T0 + 7_200_000 })).toMatchObject({
      handedOver: 2,
      accepted: 1,
      acceptedWithRemarks: 0,
      itemsCarriedOver: 7,
      shelvedCarriedOver: 2,
    });
    expect(await service.counts({ from: T0 + 1, to: T0 + 7_200_000 })).toMatchObject({ siteId: null, handedOver: 1, itemsCarriedOver: 4 });
    // Newest first, paged by the limit.
    expect((await service.list({ siteId: 'hq', limit: 1 })).map((h) => h.id)).toEqual([second.id]);
    expect((await service.list({ limit: 10 })).map((h) => h.id)).toEqual([second.id, first.id]);
  });
});
