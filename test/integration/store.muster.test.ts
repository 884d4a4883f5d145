/**
 * The muster store on every engine (SQLite, PostgreSQL): the list an alarm's raise took is kept as
 * first stored (a second save, from another node, is ignored), a drill's lists come in the order
 * their alarms were raised, and a person is accounted for once however many tick at once; the
 * service's tick and its audit entry commit together (docs/contracts.md#presence-in-hazard-zones).
 */
import { expect, it } from 'vitest';
import type { PresentPerson } from '../../contract/index.ts';
import { SqlAuditLog } from '../../server/src/adapters/sql.audit.ts';
import { SqlMusterStore } from '../../server/src/adapters/sql.muster.ts';
import { PresenceService, type AlarmPresenceRecord } from '../../server/src/services/presence.service.ts';
import { makeAlarm } from '../support/contract.fixtures.ts';
import { FakeScheduler } from '../support/fake.scheduler.ts';
import { testPresenceRules } from '../support/presence.fixtures.ts';
import { eachStore } from '../support/stores.ts';

const T0 = Date.UTC(2026, 10, 27, 8);
const person = (key: string, since: number): PresentPerson => ({
  key,
  name: key,
  badge: `••••${key.slice(-4)}`,
  siteId: 'hq',
  zoneId: 'kitchen',
  since,
  doorId: 'KIT-BACK',
});

const list = (alarmId: string, over: Partial<AlarmPresenceRecord> = {}): AlarmPresenceRecord => ({
  alarmId,
  siteId: 'hq',
  zoneId: 'kitchen',
  building: 'HQ',
  drill: null,
  at: T0,
  windowHours: 12.5,
  zonePeople: [person('person:wang-wei', T0 - 60_000)],
  buildingPeople: [person('person:wang-wei', T0 - 60_000), person('person:li-na', T0 - 30_000)],
  ...over,
});

eachStore((open, engine) => {
  it('keeps the first list stored for an alarm, as it was given', async () => {
    const store = new SqlMusterStore(await open());
    await store.savePresence(list('al_1'));
    await store.savePresence(list('al_1', { zonePeople: [], windowHours: 1 }));
    expect(await store.presence('al_1')).toEqual(list('al_1'));
    expect(await store.presence('al_none')).toBeUndefined();
  });

  it("lists a drill's alarms in the order they were raised, and only that drill's", async () => {
    const store = new SqlMusterStore(await open());
    await store.savePresence(list('al_b', { drill: 'd1', at: T0 + 2000 }));
    await store.savePresence(list('al_c', { drill: 'd2', at: T0 + 1000 }));
    await store.savePresence(list('al_a', { drill: 'd1', at: T0 + 1000 }));
    await store.savePresence(list('al_0', { drill: 'd1', at: T0 + 1000 }));
    expect((await store.presenceOfDrill('d1')).map((r) => r.alarmId)).toEqual(['al_0', 'al_a', 'al_b']);
    expect(await store.presenceOfDrill('d9')).toEqual([]);
  });

  it('accounts for a person once: the first tick stands, wherever it was made', async () => {
    const sql = await open();
    const a = new SqlMusterStore(sql);
    const b = new SqlMusterStore(engine === 'postgres' ? await open.again() : sql);
    const ticks = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).tick({ alarmId: 'al_1', key: 'person:wang-wei', at: T0 + i, actor: `officer${i}` })),
    );
    expect(ticks.filter(Boolean)).toHaveLength(1);
    expect(await a.tick({ alarmId: 'al_1', key: 'person:li-na', at: T0 + 10, actor: 'officer1' })).toBe(true);
    expect(await a.tick({ alarmId: 'al_2', key: 'person:wang-wei', at: T0 + 11, actor: 'officer1' })).toBe(true);
    const kept = await a.ticks('al_1');
    expect(kept.map((t) => t.key)).toEqual(['person:li-na', 'person:wang-wei']);
    expect(kept[1]).toMatchObject({ alarmId: 'al_1', at: T0 + ticks.indexOf(true), actor: `officer${ticks.indexOf(true)}` });
  });

  it('a muster tick and its audit entry commit together: when the entry cannot be written, the person is not ticked', async () => {
    const sql = await open();
    const store = new SqlMusterStore(sql);
    const scheduler = new FakeScheduler(T0 + 60_000);
    const service = new PresenceService({
      rules: testPresenceRules(),
      history: { grantedReads: async () => [] },
      store,
      audit: new SqlAuditLog(sql, scheduler.now),
      scheduler,
      logger: { info: () => {}, warn: () => {} },
    });
    await store.savePresence(list('al_fire'));
    const fire = makeAlarm({ id: 'al_fire', condition: 'smoke', raisedAt: T0 });
    const done = await service.account(fire, 'person:wang-wei', 'officer1');
    expect(done.ok && done.muster.people.map((p) => [p.key, p.accountedBy])).toEqual([
      ['person:wang-wei', 'officer1'],
      ['person:li-na', null],
    ]);
    await sql.run('DROP TABLE audit');
    await expect(service.account(fire, 'person:li-na', 'officer1')).rejects.toThrow();
    expect((await store.ticks('al_fire')).map((t) => t.key)).toEqual(['person:wang-wei']);
  });
});
