// Site engines on a real PostgreSQL, two nodes (docs/architecture.md "Several nodes"): each node's
// SiteAlarms runs the sites whose lease it holds, over its own connection to one database. Both
// raising alarms at once, their events form ONE gap-free sequence in commit order, each committed
// with its audit entry (the chain verifies); a commit made after the lease moved on is refused and
// leaves nothing; the node taking a site over restores what the other committed and goes on with
// the numbers.
import { describe, expect, it } from 'vitest';
import type { AlarmEvent, Observation } from '../../contract/index.ts';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { SqlAlarmStore } from '../../server/src/adapters/sql.alarms.ts';
import { SqlAuditLog } from '../../server/src/adapters/sql.audit.ts';
import { openPostgres, type PostgresSql } from '../../server/src/adapters/sql.postgres.ts';
import { DEFAULT_ENGINE_SETTINGS } from '../../server/src/domain/alarm/index.ts';
import { SiteAlarms } from '../../server/src/services/site-alarms.ts';
import { FakeForwarder } from '../support/fake.forwarder.ts';
import { postgresDatabases } from '../support/postgres.ts';
import { testRegistry } from '../support/registry.fixtures.ts';

const database = postgresDatabases();

async function node(url: string, forwarder: FakeForwarder) {
  const sql: PostgresSql = await openPostgres(url, POSTGRES_MIGRATIONS, () => undefined);
  const published: AlarmEvent[] = [];
  const failures: string[] = [];
  const audit = new SqlAuditLog(sql);
  const sites = new SiteAlarms({
    registry: testRegistry(),
    store: new SqlAlarmStore(sql),
    forwarder,
    engine: {
      settings: DEFAULT_ENGINE_SETTINGS,
      audit,
      hub: { publish: (e) => published.push(e), sensors: () => {} },
      notifier: { escalated: () => {} },
      clock: { now: () => Date.now() },
      transaction: (fn) => sql.transaction(fn),
      onCommitError: (err) => failures.push((err as Error).message),
    },
  });
  return { sql, sites, published, failures, audit };
}

async function lease(sql: PostgresSql, site: string, holder: string, token: number): Promise<void> {
  const now = Date.now();
  await sql.run(
    `INSERT INTO site_lease (site, holder, token, acquired_at, renewed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site) DO UPDATE SET holder = excluded.holder, token = excluded.token`,
    [site, holder, token, now, now, now + 15_000],
  );
}

const reading = (siteId: string, sensorId: string, value: number): Observation =>
  ({ siteId, zoneId: 'z', sensorId, ts: Date.now(), receivedAt: Date.now(), source: 'mqtt', channel: 'reading', value, unit: '%LEL' }) as Observation;
const smoke = (): Observation =>
  ({
    siteId: 'lodging',
    zoneId: 'gh-rooms',
    sensorId: 'GH-SMK-101',
    ts: Date.now(),
    receivedAt: Date.now(),
    source: 'mqtt',
    channel: 'event',
    type: 'smoke',
  }) as Observation;

describe('site engines on PostgreSQL, two nodes', () => {
  it('number every event of both nodes in one gap-free sequence, refuse a commit after the lease moved, and hand a site over with its state', async () => {
    const url = await database();
    const forwarder = new FakeForwarder();
    const a = await node(url, forwarder);
    const b = await node(url, forwarder);
    try {
      await lease(a.sql, 'hq', 'a', 1);
      await lease(a.sql, 'lodging', 'b', 1);
      await a.sites.acquire('hq', 1);
      await b.sites.acquire('lodging', 1);

      // Both nodes change their sites at once, many times: gas up and down on hq, smoke and acks on lodging.
      for (let i = 0; i < 10; i++) {
        void a.sites.onObservation(reading('hq', 'KIT-GAS-01', i % 2 === 0 ? 25 : 1));
        void a.sites.onObservation(reading('hq', 'KIT-CO-01', i % 2 === 0 ? 250 : 1));
        void b.sites.onObservation(smoke());
      }
      await Promise.all([a.sites.idle(), b.sites.idle()]);
      const seqs = [...a.published, ...b.published].map((e) => e.seq).sort((x, y) => x - y);
      expect(seqs.length).toBeGreaterThan(2);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      const stored = await a.sql.all<{ seq: number }>('SELECT seq FROM alarm_event ORDER BY seq');
      expect(stored.map((r) => r.seq)).toEqual(seqs);
      expect((await a.audit.verify()).ok).toBe(true);
      expect([a.failures, b.failures]).toEqual([[], []]);

      // hq is taken over (token 2) before A's next change lands: A writes and pushes nothing.
      const before = a.published.length;
      await lease(b.sql, 'hq', 'b', 2);
      void a.sites.onObservation(reading('hq', 'KIT-GAS-01', 30));
      await a.sites.idle();
      expect(a.failures).toEqual(['site hq is not held by this node']);
      expect(a.published.length).toBe(before);
      expect((await a.sql.get<{ n: number }>('SELECT count(*) AS n FROM alarm_event'))!.n).toBe(seqs.length);
      a.sites.lost('hq');

      // B restores hq as A committed it and goes on with the numbers.
      await b.sites.acquire('hq', 2);
      const snapshot = await b.sites.snapshot();
      const open = (await a.sql.all<{ id: string }>("SELECT id FROM alarm WHERE state <> 'cleared' ORDER BY id")).map((r) => r.id);
      expect(snapshot.alarms.map((x) => x.id).sort()).toEqual(open);
      expect(snapshot.seq).toBe(seqs.length);
      void b.sites.onObservation(reading('hq', 'KIT-GAS-01', 30));
      await b.sites.idle();
      expect(b.published.at(-1)!.seq).toBe(seqs.length + 1);
    } finally {
      await a.sql.close();
      await b.sql.close();
    }
  });
});
