// The alarm store on every engine: an engine change (alarms, incidents, rule states, events, the
// engine's counters) is committed whole or not at all, inside the caller's transaction; the alarm
// log's filters, paging and sort orders (GET /api/alarms) answer the same on SQLite and PostgreSQL;
// a restart — or a node taking one site over — restores exactly the state that was committed.
import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent } from '../../contract/index.ts';
import { SqlAlarmStore } from '../../server/src/adapters/sql.alarms.ts';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import { alarmSitesMigration } from '../../server/src/adapters/sqlite.alarms.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import type { SensorRuleState } from '../../server/src/domain/alarm/index.ts';
import { newRuleState } from '../../server/src/domain/alarm/rule-state.ts';
import type { AlarmCommit, AlarmFilter, EngineMeta } from '../../server/src/services/alarm.ports.ts';
import { FIXTURE_T0 as T, makeAlarm, makeIncident as incident } from '../support/contract.fixtures.ts';
import { tempDatabases } from '../support/sqlite.temp.ts';
import { eachStore } from '../support/stores.ts';

const MIN = 60_000;
const meta = (seq: number, alarm = 0): EngineMeta => ({ counters: { alarm, incident: 1 }, floods: [{ key: 'hq', times: [T] }], outOfService: [], seq });

let seqs = 0;
const raised = (a: Alarm, kind: AlarmEvent['kind'] = 'raised', at = a.raisedAt): AlarmEvent =>
  ({ subject: 'alarm', kind, alarmId: a.id, alarm: a, at, actor: 'system', note: null, drill: a.drill, seq: ++seqs }) as AlarmEvent;

const ruleState = (sensorId: string, siteId: string, drill: string | null = null): SensorRuleState =>
  newRuleState(drill === null ? sensorId : `${sensorId}#${drill}`, { id: sensorId, siteId, zoneId: 'z' }, drill, 'gas', T);

const commitOf = (alarms: Alarm[], extra: Partial<AlarmCommit> = {}): AlarmCommit => ({
  events: alarms.map((a) => raised(a)),
  alarms,
  incidents: [],
  ruleStates: [],
  meta: meta(seqs),
  ...extra,
});

const ids = (r: { alarms: Alarm[] }) => r.alarms.map((a) => a.id);
const all: AlarmFilter = { limit: 100, offset: 0 };

/** A day of the alarm log: kinds, sites, states, drills and sort keys to filter and order by. */
const LOG: Alarm[] = [
  makeAlarm({ id: 'a1', raisedAt: T, priority: 'low', sensorName: 'Boiler', ackedAt: T + 5 * MIN }),
  makeAlarm({ id: 'a2', raisedAt: T + MIN, priority: 'critical', sensorName: '', sensorId: 'ZZ-GAS', ackedAt: T + MIN + 30_000 }),
  makeAlarm({
    id: 'a3',
    raisedAt: T + 2 * MIN,
    priority: 'high',
    siteId: 'lab',
    zoneId: 'bench',
    sensorKind: 'smoke',
    condition: 'smoke',
    sensorName: 'Atrium smoke',
    state: 'cleared',
    closedAt: T + 10 * MIN,
    resolution: { causeCategory: 'false_alarm', cause: 'steam', correctiveAction: 'hood fan checked', by: 'ann', at: T + 10 * MIN },
  }),
  makeAlarm({ id: 'a4', raisedAt: T + 3 * MIN, priority: 'medium', drill: 'd-1', sensorName: 'Cellar' }),
  makeAlarm({ id: 'a5', raisedAt: T + 3 * MIN, priority: 'critical', drill: 'd-2', sensorName: 'Cellar', state: 'cleared', closedAt: T + 4 * MIN }),
];

eachStore((open) => {
  it('keeps what a commit holds: get, history in seq order, and a later commit updates the alarm', async () => {
    const store = new SqlAlarmStore(await open());
    const a = makeAlarm({ id: 'al_1' });
    await store.commit(commitOf([a]));
    expect(await store.get('al_1')).toEqual(a);
    expect(await store.get('nope')).toBeUndefined();

    const acked: Alarm = { ...a, state: 'active_acked', ackedAt: T + MIN, ackedBy: 'ann', priority: 'high', updatedAt: T + MIN };
    const cleared: Alarm = { ...acked, state: 'cleared', conditionActive: false, closedAt: T + 2 * MIN, updatedAt: T + 2 * MIN };
    await store.commit({ ...commitOf([]), events: [raised(acked, 'acked', T + MIN), raised(cleared, 'cleared', T + 2 * MIN)], alarms: [cleared] });
    expect(await store.get('al_1')).toEqual(cleared);
    expect((await store.history('al_1')).map((e) => e.kind)).toEqual(['raised', 'acked', 'cleared']);
    expect(await store.list({ ...all, priority: 'high', state: 'closed' })).toEqual({ total: 1, alarms: [cleared] });
  });

  it('filters the log by state, site, zone, sensor, kind, priority, time and drill; counts all, pages the rest', async () => {
    const store = new SqlAlarmStore(await open());
    await store.commit(commitOf(LOG));
    expect(ids(await store.list(all))).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']); // newest first, the id breaking the tie
    expect(ids(await store.list({ ...all, state: 'open' }))).toEqual(['a4', 'a2', 'a1']);
    expect(ids(await store.list({ ...all, state: 'closed' }))).toEqual(['a5', 'a3']);
    expect(ids(await store.list({ ...all, state: 'active_unacked' }))).toEqual(['a4', 'a2', 'a1']);
    expect(ids(await store.list({ ...all, site: 'lab' }))).toEqual(['a3']);
    expect(ids(await store.list({ ...all, zone: 'bench' }))).toEqual(['a3']);
    expect(ids(await store.list({ ...all, sensor: 'ZZ-GAS' }))).toEqual(['a2']);
    expect(ids(await store.list({ ...all, kind: 'smoke' }))).toEqual(['a3']);
    expect(ids(await store.list({ ...all, priority: 'critical' }))).toEqual(['a5', 'a2']);
    expect(ids(await store.list({ ...all, from: T + MIN, to: T + 2 * MIN }))).toEqual(['a3', 'a2']);
    expect(ids(await store.list({ ...all, drill: 'only' }))).toEqual(['a5', 'a4']);
    expect(ids(await store.list({ ...all, drill: 'exclude' }))).toEqual(['a3', 'a2', 'a1']);
    expect(ids(await store.list({ ...all, drill: 'only', drillId: 'd-1' }))).toEqual(['a4']);
    const page = await store.list({ ...all, limit: 2, offset: 2 });
    expect([page.total, ids(page)]).toEqual([5, ['a3', 'a2']]);
    expect(await store.list({ ...all, site: 'nowhere' })).toEqual({ total: 0, alarms: [] });
  });

  it('sorts the whole log by each column, either way, alarms without a value last both ways', async () => {
    const store = new SqlAlarmStore(await open());
    await store.commit(commitOf(LOG));
    const sorted = async (sort: AlarmFilter['sort'], order: AlarmFilter['order']) => ids(await store.list({ ...all, sort, order }));
    expect(await sorted('priority', 'desc')).toEqual(['a5', 'a2', 'a3', 'a4', 'a1']);
    expect(await sorted('priority', 'asc')).toEqual(['a1', 'a4', 'a3', 'a5', 'a2']);
    // An empty sensor name sorts by the sensor id; equal names newest first.
    expect(await sorted('sensor', 'asc')).toEqual(['a3', 'a1', 'a5', 'a4', 'a2']);
    expect(await sorted('acked', 'asc')).toEqual(['a2', 'a1', 'a5', 'a4', 'a3']);
    expect(await sorted('acked', 'desc')).toEqual(['a1', 'a2', 'a5', 'a4', 'a3']);
    expect(await sorted('closed', 'desc')).toEqual(['a3', 'a5', 'a4', 'a2', 'a1']);
    expect(await sorted('cause', 'asc')).toEqual(['a3', 'a5', 'a4', 'a2', 'a1']);
  });

  it('restores nothing before the first commit; then open alarms, recent closed ones, open incidents, rule states and the meta', async () => {
    const store = new SqlAlarmStore(await open());
    expect(await store.load(0)).toBeNull();
    const old = makeAlarm({ id: 'old', raisedAt: T - 60 * MIN, state: 'cleared', closedAt: T - 30 * MIN });
    const recent = makeAlarm({ id: 'recent', raisedAt: T - 20 * MIN, state: 'cleared', closedAt: T - 5 * MIN });
    const open1 = makeAlarm({ id: 'open1', raisedAt: T });
    const open2 = makeAlarm({ id: 'open2', raisedAt: T - 10 * MIN });
    const rs = ruleState('KIT-GAS-01', 'hq');
    await store.commit(
      commitOf([old, recent, open1, open2], {
        incidents: [incident('in_2', 'hq', 'open', T), incident('in_1', 'hq', 'acked', T - MIN), incident('in_0', 'hq', 'closed', T - 2 * MIN)],
        ruleStates: [rs],
        meta: meta(7, 4),
      }),
    );
    const saved = (await store.load(T - 10 * MIN))!;
    expect(saved.seq).toBe(7);
    // In the order they were raised (opened): the console lists them so after a restart.
    expect(saved.state.alarms.map((a) => a.id)).toEqual(['recent', 'open2', 'open1']);
    expect(saved.state.incidents.map((i) => i.id)).toEqual(['in_1', 'in_2']);
    expect(saved.state.sensors).toEqual([rs]);
    expect(saved.state.counters).toEqual({ alarm: 4, incident: 1 });
    expect(saved.state.floods).toEqual([{ key: 'hq', times: [T] }]);
  });

  it("restores one site's alarms, incidents and rule states for a node taking it over", async () => {
    const store = new SqlAlarmStore(await open());
    const hq = makeAlarm({ id: 'hq1' });
    const lab = makeAlarm({ id: 'lab1', siteId: 'lab' });
    await store.commit(
      commitOf([hq, lab], {
        incidents: [incident('in_hq', 'hq', 'open', T), incident('in_lab', 'lab', 'open', T)],
        ruleStates: [ruleState('KIT-GAS-01', 'hq'), ruleState('LAB-GAS-01', 'lab'), ruleState('LAB-GAS-01', 'lab', 'd-1')],
        meta: meta(3),
      }),
    );
    const lab1 = (await store.load(0, 'lab'))!;
    expect(lab1.state.alarms.map((a) => a.id)).toEqual(['lab1']);
    expect(lab1.state.incidents.map((i) => i.id)).toEqual(['in_lab']);
    expect(lab1.state.sensors.map((s) => s.key)).toEqual(['LAB-GAS-01', 'LAB-GAS-01#d-1']);
    // The site's engine numbers its events from the counter every node shares (nothing taken yet),
    // not from the single node's meta (store.alarms.cluster.test.ts).
    expect(lab1.seq).toBe(0);
    expect((await store.load(0))!.seq).toBe(3);
    const nowhere = (await store.load(0, 'nowhere'))!;
    expect([nowhere.state.alarms, nowhere.state.incidents, nowhere.state.sensors]).toEqual([[], [], []]);
    expect((await store.load(0))!.state.sensors).toHaveLength(3);
  });

  it('saves rule states with the meta: an upsert per key, the newest kept', async () => {
    const store = new SqlAlarmStore(await open());
    const rs = ruleState('KIT-GAS-01', 'hq');
    await store.saveRuleStates([rs], meta(1));
    await store.saveRuleStates([{ ...rs, lastSeen: T + MIN, wakeAt: T + 2 * MIN }], meta(2));
    const saved = (await store.load(0))!;
    expect(saved.seq).toBe(2);
    expect(saved.state.sensors).toEqual([{ ...rs, lastSeen: T + MIN, wakeAt: T + 2 * MIN }]);
  });

  it('commits all of a change or none of it: a repeated event seq fails the commit and leaves the alarm as it was', async () => {
    const store = new SqlAlarmStore(await open());
    const a = makeAlarm({ id: 'al_1' });
    const first = commitOf([a]);
    await store.commit(first);
    const acked: Alarm = { ...a, state: 'active_acked', ackedAt: T + MIN };
    await expect(store.commit({ ...commitOf([acked]), events: [first.events[0]!], meta: meta(99) })).rejects.toThrow();
    expect(await store.get('al_1')).toEqual(a);
    expect((await store.load(0))!.seq).toBe(first.meta.seq);
  });

  it("joins the caller's transaction and goes with it when that rolls back (the audit entries fail, say)", async () => {
    const sql = await open();
    const store = new SqlAlarmStore(sql);
    await expect(
      sql.transaction(async () => {
        await store.commit(commitOf([makeAlarm({ id: 'al_1' })], { ruleStates: [ruleState('KIT-GAS-01', 'hq')] }));
        throw new Error('audit append failed');
      }),
    ).rejects.toThrow('audit append failed');
    expect(await store.get('al_1')).toBeUndefined();
    expect(await store.load(0)).toBeNull();
  });
});

describe('sqlite: the site column of rule states and incidents', () => {
  const database = tempDatabases('vigil-alarm-sites-');

  it('is filled from the documents a database held before it existed', async () => {
    const before = MIGRATIONS.indexOf(alarmSitesMigration);
    expect(before).toBeGreaterThan(0);
    const { db, dir } = database(MIGRATIONS.slice(0, before));
    db.prepare('INSERT INTO rule_state (key, json) VALUES (?, ?)').run('LAB-GAS-01', JSON.stringify(ruleState('LAB-GAS-01', 'lab')));
    db.prepare('INSERT INTO incident (id, state, json) VALUES (?, ?, ?)').run('in_1', 'open', JSON.stringify(incident('in_1', 'lab', 'open', T)));
    db.prepare('INSERT INTO engine_meta (id, json) VALUES (1, ?)').run(JSON.stringify(meta(1)));
    db.close();
    const store = new SqlAlarmStore(new SqliteSql(database(MIGRATIONS, dir).db));
    const lab = (await store.load(0, 'lab'))!;
    expect(lab.state.sensors.map((s) => s.key)).toEqual(['LAB-GAS-01']);
    expect(lab.state.incidents.map((i) => i.id)).toEqual(['in_1']);
  });
});
