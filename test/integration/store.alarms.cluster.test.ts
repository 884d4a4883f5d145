// The alarm store's cluster parts on every engine (docs/architecture.md "Several nodes"): the one
// event counter all nodes number their events from — handed out inside the commit's transaction,
// gap-free, never twice, given back by a rollback — each site's own engine meta, the lease check
// a site's commit makes (its fencing token), and the one read a console's snapshot of the sites
// held elsewhere is made of.
import { expect, it } from 'vitest';
import type { Alarm, AlarmEvent } from '../../contract/index.ts';
import { SqlAlarmStore } from '../../server/src/adapters/sql.alarms.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import type { SensorRuleState } from '../../server/src/domain/alarm/index.ts';
import { newRuleState } from '../../server/src/domain/alarm/rule-state.ts';
import type { AlarmCommit, EngineMeta } from '../../server/src/services/alarm.ports.ts';
import { FIXTURE_T0 as T, makeAlarm, makeIncident as incident } from '../support/contract.fixtures.ts';
import { eachStore } from '../support/stores.ts';

const meta = (alarm: number, site = 'hq'): EngineMeta => ({
  counters: { alarm, incident: 0 },
  floods: [{ key: site, times: [T] }],
  outOfService: [],
  seq: 0,
});

const event = (a: Alarm, seq: number): AlarmEvent =>
  ({ subject: 'alarm', kind: 'raised', alarmId: a.id, alarm: a, at: a.raisedAt, actor: 'system', note: null, drill: null, seq }) as AlarmEvent;

const rule = (sensorId: string, siteId: string): SensorRuleState => newRuleState(sensorId, { id: sensorId, siteId, zoneId: 'z' }, null, 'gas', T);

const commit = (site: string | undefined, alarms: Alarm[], seqFrom: number, extra: Partial<AlarmCommit> = {}): AlarmCommit => ({
  events: alarms.map((a, i) => event(a, seqFrom + i)),
  alarms,
  incidents: [],
  ruleStates: [],
  meta: meta(alarms.length, site),
  ...(site !== undefined && { site }),
  ...extra,
});

async function lease(sql: Sql, site: string, holder: string | null, token: number): Promise<void> {
  await sql.run(
    `INSERT INTO site_lease (site, holder, token, acquired_at, renewed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site) DO UPDATE SET holder = excluded.holder, token = excluded.token`,
    [site, holder, token, T, T, T + 15_000],
  );
}

eachStore((open, engine) => {
  it('hands out event numbers in order from 1, and a rolled-back transaction gives its numbers back', async () => {
    const sql = await open();
    const store = new SqlAlarmStore(sql);
    expect(await sql.transaction(() => store.takeSeq(3))).toBe(3);
    await expect(
      sql.transaction(async () => {
        expect(await store.takeSeq(2)).toBe(5);
        throw new Error('the audit append failed');
      }),
    ).rejects.toThrow('the audit append failed');
    expect(await sql.transaction(() => store.takeSeq(1))).toBe(4);
    expect((await store.readSites([])).seq).toBe(4);
  });

  it('never gives one number twice, nor leaves one out, when two nodes commit at once', async () => {
    const sqlA = await open();
    const a = new SqlAlarmStore(sqlA);
    // SQLite runs one node: its two engines share one connection, whose transactions take turns.
    const sqlB = engine === 'postgres' ? await open.again() : sqlA;
    const b = new SqlAlarmStore(sqlB);
    // Each commit takes 1–3 numbers and stores its events under them, as the alarm service does.
    const rounds = Array.from({ length: 20 }, (_, i) => i);
    const taken: number[] = [];
    const node = (sql: Sql, store: SqlAlarmStore, site: string) =>
      Promise.all(
        rounds.map((i) =>
          sql.transaction(async () => {
            const count = (i % 3) + 1;
            const alarms = Array.from({ length: count }, (_, k) => makeAlarm({ id: `al_${site}_${i}_${k}`, siteId: site }));
            const last = await store.takeSeq(count);
            await store.commit(commit(site, alarms, last - count + 1));
            for (let k = last - count + 1; k <= last; k++) taken.push(k);
          }),
        ),
      );
    await Promise.all([node(sqlA, a, 'hq'), node(sqlB, b, 'annex')]);
    const total = 2 * rounds.reduce((n, i) => n + (i % 3) + 1, 0);
    expect(taken.sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect((await a.readSites([])).seq).toBe(total);
  });

  if (engine === 'postgres') {
    it('keeps the counter locked until the commit that took a number ends, so numbers land in commit order', async () => {
      const sqlA = await open();
      const a = new SqlAlarmStore(sqlA);
      const sqlB = await open.again();
      const b = new SqlAlarmStore(sqlB);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let tookA!: () => void;
      const aTook = new Promise<void>((resolve) => (tookA = resolve));
      const order: string[] = [];
      const first = sqlA.transaction(async () => {
        order.push(`A took ${await a.takeSeq(1)}`);
        tookA();
        await held;
        order.push('A commits');
      });
      await aTook;
      const second = sqlB.transaction(async () => order.push(`B took ${await b.takeSeq(1)}`));
      // B's statement is at the server, waiting for A's row lock; give it time to (wrongly) return.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(order).toEqual(['A took 1']);
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['A took 1', 'A commits', 'B took 2']);
    });
  }

  it('catches the counter up with events a node without NODE_ID stored after it', async () => {
    const store = new SqlAlarmStore(await open());
    await store.commit(commit(undefined, [makeAlarm({ id: 'a1' }), makeAlarm({ id: 'a2' })], 41));
    await store.catchUpSeq();
    expect(await store.takeSeq(1)).toBe(43);
    await store.catchUpSeq();
    expect(await store.takeSeq(1)).toBe(44);
  });

  it("keeps each site's engine meta apart from the single node's, and falls back to the single node's until the site has its own", async () => {
    const store = new SqlAlarmStore(await open());
    expect(await store.load(0, 'hq')).toMatchObject({ state: { counters: { alarm: 0, incident: 0 }, alarms: [] } });
    expect(await store.load(0)).toBeNull();
    await store.commit(commit(undefined, [makeAlarm({ id: 'a1' })], 1, { meta: meta(7, 'all') }));
    await store.commit(commit('hq', [makeAlarm({ id: 'al_hq_1' })], 2));
    await store.saveRuleStates([rule('ANX-GAS-01', 'annex')], meta(3, 'annex'), 'annex');
    expect((await store.load(0))!.state.counters.alarm).toBe(7);
    expect((await store.load(0, 'hq'))!.state).toMatchObject({ counters: { alarm: 1 }, floods: [{ key: 'hq' }] });
    expect((await store.load(0, 'annex'))!.state).toMatchObject({ counters: { alarm: 3 }, floods: [{ key: 'annex' }] });
    expect((await store.load(0, 'lab'))!.state).toMatchObject({ counters: { alarm: 7 }, floods: [{ key: 'all' }] });
    // A site's engine goes on from the last number any node handed out; a single node from its own,
    // or from the nodes' should they have numbered past it (the store ran several nodes since).
    await store.takeSeq(5);
    expect((await store.load(0, 'hq'))!.seq).toBe(5);
    expect((await store.load(0))!.seq).toBe(5);
    await store.commit(commit(undefined, [makeAlarm({ id: 'a9' })], 6, { meta: { ...meta(8, 'all'), seq: 6 } }));
    expect((await store.load(0))!.seq).toBe(6);
  });

  it("checks a site's lease by its fencing token: held with that token, not once taken over or released", async () => {
    const sql = await open();
    const store = new SqlAlarmStore(sql);
    expect(await store.holds('hq', 1)).toBe(false);
    await lease(sql, 'hq', 'node-a', 1);
    expect(await store.holds('hq', 1)).toBe(true);
    await lease(sql, 'hq', 'node-b', 2);
    expect(await store.holds('hq', 1)).toBe(false);
    expect(await store.holds('hq', 2)).toBe(true);
    await lease(sql, 'hq', null, 2);
    expect(await store.holds('hq', 2)).toBe(false);
  });

  it("reads the sites asked for in one go: open alarms and incidents in the engine's order, rule states, meta, and the counter", async () => {
    const sql = await open();
    const store = new SqlAlarmStore(sql);
    const alarms = [
      makeAlarm({ id: 'al_hq_b', raisedAt: T + 1 }),
      makeAlarm({ id: 'al_hq_a', raisedAt: T + 1 }),
      makeAlarm({ id: 'al_hq_0', raisedAt: T }),
      makeAlarm({ id: 'al_hq_closed', state: 'cleared', closedAt: T + 2 }),
      makeAlarm({ id: 'al_annex_1', siteId: 'annex' }),
      makeAlarm({ id: 'al_lab_1', siteId: 'lab' }),
    ];
    await sql.transaction(async () => {
      await store.takeSeq(alarms.length);
      await store.commit(
        commit('hq', alarms, 1, {
          incidents: [
            incident('in_hq_2', 'hq', 'open', T + 5),
            incident('in_hq_1', 'hq', 'open', T),
            incident('in_hq_x', 'hq', 'closed', T),
            incident('in_lab', 'lab', 'open', T),
          ],
          ruleStates: [rule('KIT-GAS-02', 'hq'), rule('KIT-GAS-01', 'hq'), rule('LAB-GAS-01', 'lab')],
        }),
      );
    });
    await store.saveRuleStates([], meta(9, 'annex'), 'annex');
    const read = await store.readSites(['hq', 'annex']);
    expect(read.seq).toBe(alarms.length);
    expect([...read.sites.keys()]).toEqual(['hq', 'annex']);
    const hq = read.sites.get('hq')!.state;
    expect(hq.alarms.map((a) => a.id)).toEqual(['al_hq_0', 'al_hq_a', 'al_hq_b']);
    expect(hq.incidents.map((i) => i.id)).toEqual(['in_hq_1', 'in_hq_2']);
    expect(hq.sensors.map((r) => r.key)).toEqual(['KIT-GAS-01', 'KIT-GAS-02']);
    expect(hq.counters.alarm).toBe(alarms.length);
    const annex = read.sites.get('annex')!.state;
    expect(annex.alarms.map((a) => a.id)).toEqual(['al_annex_1']);
    expect(annex.counters.alarm).toBe(9);
    expect(await store.getIncident('in_hq_2')).toEqual(incident('in_hq_2', 'hq', 'open', T + 5));
    expect(await store.getIncident('in_none')).toBeUndefined();
  });
});
