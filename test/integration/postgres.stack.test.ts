// The real stack on PostgreSQL (DATABASE_URL): the server and the command line keep everything in
// the PostgreSQL database, nothing in a SQLite file; a gas alarm is raised over real Mosquitto,
// acknowledged, reset and resolved; after kill -9 the server comes back with the same alarms, their
// acknowledgements and history, and an intact audit chain (docs/decisions/0007-postgresql-and-several-nodes.md:
// one store behind the same behaviour on both engines).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent, AlarmSnapshot, ClientToServerEvents, ServerToClientEvents } from '../../contract/index.ts';
import { mosquittoPub } from '../support/clients.ts';
import { startPostgres, type PostgresHandle } from '../support/postgres.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, postJson, signedIn, startVigilStack, type VigilStack } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');

let postgres: PostgresHandle;
let databaseUrl: string;
let stack: VigilStack;
let officer: string;
let manager: string;
const sockets: Socket[] = [];

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A live connection as the dashboard makes one: its snapshot, then every event after it. */
function watch(): Promise<{ snapshot: AlarmSnapshot; events: AlarmEvent[] }> {
  const socket: Client = io(stack.vigil.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: officer } });
  sockets.push(socket);
  const events: AlarmEvent[] = [];
  socket.on('alarm', (e) => events.push(e));
  return new Promise((resolve, reject) => {
    socket.once('snapshot', (snapshot) => resolve({ snapshot, events }));
    socket.once('connect_error', reject);
  });
}

const gas = (value: number) => mosquittoPub(stack.broker.port, 'vigil/t1/T-GAS-01/reading', { value, unit: '%LEL' });
const act = (id: string, action: string, body: unknown, cookie = officer) =>
  postJson<{ alarm?: Alarm }>(stack.vigil, `/api/alarms/${id}/${action}`, body, cookie);
const alarm = async (id: string) =>
  (await stack.vigil.api<{ alarm: Alarm; history: { kind: string; actor: string }[] }>(`/api/alarms/${id}`, { headers: { cookie: officer } })).body;

/** Rows of a table as PostgreSQL holds them, read on a connection of the test's own. */
async function rows<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase();
  stack = await startVigilStack({ db: 'vigil_postgres_stack_test', facility: FACILITY, databaseUrl });
  // Accounts made by the command line, signed in on the server: both on the one PostgreSQL store.
  officer = await signedIn(stack.vigil, 'officer1', 'officer');
  manager = await signedIn(stack.vigil, 'manager1', 'manager');
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await stack?.vigil.stop();
  await postgres?.stop();
  await stopAllServices();
});

describe('the stack on PostgreSQL', () => {
  it('keeps accounts in PostgreSQL and writes no SQLite file', async () => {
    expect(await rows<{ username: string }>('SELECT username FROM users ORDER BY username')).toEqual([{ username: 'manager1' }, { username: 'officer1' }]);
    expect(fs.existsSync(path.join(stack.vigil.dataDir, 'vigil.db'))).toBe(false);
    // The command line says which store it used.
    const listed = await stack.vigil.cli(['user', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain(`database postgres://postgres@127.0.0.1:${postgres.port}/`);
  });

  it('raises, acknowledges, resets and resolves a gas alarm; kill -9 brings back the same alarms and history', async () => {
    const first = await watch();
    expect(first.snapshot.alarms).toEqual([]);
    await gas(25);
    const raised = await eventually(() => first.events.find((e) => e.subject === 'alarm' && e.kind === 'raised'), 5000, 'raised event');
    const id = raised.subject === 'alarm' ? raised.alarm.id : '';
    expect((await act(id, 'ack', { note: 'on my way' })).body.alarm).toMatchObject({ state: 'active_acked', ackedBy: 'officer1' });
    await gas(1);
    await eventually(async () => (await alarm(id)).alarm.conditionActive === false, 5000, 'gas gone');
    expect((await act(id, 'reset', { note: 'detector checked' })).body.alarm).toMatchObject({ state: 'cleared', resetBy: 'officer1' });
    const resolution = { causeCategory: 'equipment_fault', cause: 'loose hose', correctiveAction: 'hose replaced' };
    expect((await act(id, 'resolve', resolution, manager)).body.alarm?.resolution).toMatchObject({ by: 'manager1', causeCategory: 'equipment_fault' });
    // A second alarm left open and acknowledged across the crash.
    await gas(30);
    const second = await eventually(
      () => first.events.find((e) => e.subject === 'alarm' && e.kind === 'raised' && e.alarm.id !== id),
      5000,
      'second raised event',
    );
    const openId = second.subject === 'alarm' ? second.alarm.id : '';
    expect((await act(openId, 'ack', {})).status).toBe(200);
    // Stored in PostgreSQL, not only in the server's memory.
    expect(await rows<{ id: string }>('SELECT id FROM alarm WHERE id = ANY($1) ORDER BY id', [[id, openId]])).toHaveLength(2);

    const before = await watch();
    await stack.vigil.kill();
    await stack.vigil.start();
    const after = await watch();
    const view = (s: AlarmSnapshot) => s.alarms.map((a) => ({ id: a.id, state: a.state, ackedBy: a.ackedBy, ackedAt: a.ackedAt }));
    expect(view(after.snapshot)).toEqual(view(before.snapshot));
    expect(view(after.snapshot)).toEqual([expect.objectContaining({ id: openId, state: 'active_acked', ackedBy: 'officer1' })]);
    expect(after.snapshot.seq).toBeGreaterThanOrEqual(before.snapshot.seq);
    const closed = await alarm(id);
    expect(closed.alarm).toMatchObject({ state: 'cleared', resetBy: 'officer1', resolution: { by: 'manager1' } });
    expect(closed.history.map((h) => [h.kind, h.actor])).toEqual(
      expect.arrayContaining([
        ['raised', 'system'],
        ['acked', 'officer1'],
        ['reset', 'officer1'],
        ['resolved', 'manager1'],
      ]),
    );
    const verify = await stack.vigil.api<{ ok: boolean; entries: number }>('/api/audit/verify', { headers: { cookie: manager } });
    expect(verify.body).toMatchObject({ ok: true });
    expect(verify.body.entries).toBeGreaterThan(4);
  });
});
