// Who drains the former single-node MQTT session when an installation becomes a cluster
// (server/src/adapters/postgres.legacy-session.ts, docs/architecture.md "Several nodes"): on a real
// PostgreSQL, one node at a time holds the job, a lapsed claim is taken over, the record of the
// removal ends it for every node, and a cluster that ran before the first claim is told so.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresLegacySessions } from '../../server/src/adapters/postgres.legacy-session.ts';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { openPostgres, type PostgresSql } from '../../server/src/adapters/sql.postgres.ts';
import { postgresDatabases } from '../support/postgres.ts';

const database = postgresDatabases();
const opened: PostgresSql[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((sql) => sql.close()));
});

async function open(): Promise<{ sql: PostgresSql; store: PostgresLegacySessions }> {
  const sql = await openPostgres(await database(), POSTGRES_MIGRATIONS, () => undefined);
  opened.push(sql);
  return { sql, store: new PostgresLegacySessions(sql) };
}

const TTL = 30_000;

describe('the former single-node session claim', () => {
  it('one node at a time; the claimant may claim again; a removal ends it for everyone', async () => {
    const { store } = await open();
    const claims = await Promise.all(['a', 'b', 'c'].map((node) => store.claim('vigil-ingest', node, TTL)));
    const mine = claims.filter((c) => c.state === 'mine');
    expect(mine).toEqual([{ state: 'mine', clusterRanBefore: false }]);
    const winner = ['a', 'b', 'c'][claims.findIndex((c) => c.state === 'mine')]!;
    for (const c of claims.filter((c) => c.state !== 'mine')) expect(c).toEqual({ state: 'busy', node: winner });
    expect(await store.claim('vigil-ingest', winner, TTL)).toEqual({ state: 'mine', clusterRanBefore: false });
    expect(await store.renew('vigil-ingest', winner, TTL)).toBe(true);
    const other = winner === 'a' ? 'b' : 'a';
    expect(await store.renew('vigil-ingest', other, TTL)).toBe(false);

    await store.removed('vigil-ingest', winner, 4);
    for (const node of ['a', 'b', 'c']) expect(await store.claim('vigil-ingest', node, TTL)).toEqual({ state: 'done' });
    expect(await store.renew('vigil-ingest', winner, TTL)).toBe(false);
  });

  it('a claim that lapsed (its node died mid-way) is taken over; the former claimant is then refused', async () => {
    const { store } = await open();
    // A TTL of 0: lapsed as soon as it is made, by the database's clock.
    expect(await store.claim('vigil-ingest', 'a', 0)).toEqual({ state: 'mine', clusterRanBefore: false });
    expect(await store.claim('vigil-ingest', 'b', TTL)).toEqual({ state: 'mine', clusterRanBefore: false });
    expect(await store.claim('vigil-ingest', 'a', TTL)).toEqual({ state: 'busy', node: 'b' });
    expect(await store.renew('vigil-ingest', 'a', TTL)).toBe(false);
  });

  it('says the cluster ran before when site leases existed at the first claim, and keeps saying it', async () => {
    const { sql, store } = await open();
    await sql.run('INSERT INTO site_lease (site, holder, token, acquired_at, renewed_at, expires_at) VALUES (?, ?, 1, 0, 0, 0)', ['north', 'old-node']);
    expect(await store.claim('vigil-ingest', 'a', 0)).toEqual({ state: 'mine', clusterRanBefore: true });
    expect(await store.claim('vigil-ingest', 'b', TTL)).toEqual({ state: 'mine', clusterRanBefore: true });
  });
});
