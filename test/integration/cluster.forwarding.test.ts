// Forwarding between the nodes of a cluster (docs/architecture.md "Several nodes"): each site's
// alarm engine runs on the node holding its lease; an action a person sends to another node, and
// an HTTP-ingest observation posted to another node, are applied by the holder as if its own
// route had received them — same validation, same answer, same audit actor — over HTTP signed
// with NODE_SECRET. Two nodes here are two real HTTP servers with their own connection pools to
// one real PostgreSQL (leases, alarms, audit trail) and their own alarm engines (SiteAlarms), and
// the holder stores forwarded observations in a real InfluxDB before the device gets its answer.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Registry as PromRegistry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmAction, Observation } from '../../contract/index.ts';
import { InfluxClient } from '../../server/src/adapters/influx.client.ts';
import { InfluxHistory } from '../../server/src/adapters/influx.history.ts';
import { keyedOffset } from '../../server/src/adapters/influx.line-protocol.ts';
import { ensureSchema } from '../../server/src/adapters/influx.schema.ts';
import { NodeForwarder, type HolderDirectory } from '../../server/src/adapters/node.forwarder.ts';
import { PostgresLeaseStore } from '../../server/src/adapters/postgres.leases.ts';
import { POSTGRES_MIGRATIONS } from '../../server/src/adapters/postgres.migrations.ts';
import { SqlAlarmStore } from '../../server/src/adapters/sql.alarms.ts';
import { SqlAuditLog } from '../../server/src/adapters/sql.audit.ts';
import { SqlOutbox } from '../../server/src/adapters/sql.outbox.ts';
import { openPostgres, type PostgresSql } from '../../server/src/adapters/sql.postgres.ts';
import { AlarmActionError, DEFAULT_ENGINE_SETTINGS } from '../../server/src/domain/alarm/index.ts';
import { composeForwarding } from '../../server/src/compose/forwarding.ts';
import { createApp } from '../../server/src/http/app.ts';
import type { Actor } from '../../server/src/services/alarm.operations.ts';
import { systemClock, systemScheduler } from '../../server/src/services/clock.ts';
import { HistoryWriter } from '../../server/src/services/history.writer.ts';
import { IngestService } from '../../server/src/services/ingest.service.ts';
import { NODE_HEADERS, signRequest } from '../../server/src/services/node-signature.ts';
import { RejectionLog } from '../../server/src/services/rejection.log.ts';
import { SiteUnavailableError } from '../../server/src/services/site-alarms.ports.ts';
import { SiteAlarms } from '../../server/src/services/site-alarms.ts';
import { postgresDatabases } from '../support/postgres.ts';
import { testRegistry } from '../support/registry.fixtures.ts';
import { startInflux, stopAllServices, type InfluxHandle } from '../support/services.ts';

const database = postgresDatabases();
const SECRET = 'forwarding-test-node-secret-0123456789abcdef';
const INFLUX_DB = 'vigil_forwarding_test';
/** Long enough that no lease runs out during a test: nothing renews them here. */
const TTL = 120_000;
/** As a router passes it: the session's whole user, more than an Actor. */
const officer: Actor = Object.assign({ username: 'olga', role: 'officer' as const }, { displayName: 'Olga', disabled: false });
const logger = pino({ level: 'silent' });

let influx: InfluxHandle;
let influxClient: InfluxClient;

beforeAll(async () => {
  influx = await startInflux();
  influxClient = new InfluxClient({ url: influx.url, db: INFLUX_DB });
  await ensureSchema(influxClient, 3650);
}, 60_000);

afterAll(() => stopAllServices());

/** One Vigil node: its pool, lease row, alarm engines, ingest, and the internal routes on a real HTTP server. */
interface Node {
  id: string;
  url: string;
  sql: PostgresSql;
  leases: PostgresLeaseStore;
  alarms: SiteAlarms;
  ingest: IngestService;
  clusterIngest: Pick<IngestService, 'handleHttpItems'>;
  writer: HistoryWriter;
  forwarderErrors: unknown[];
  hold(site: string): Promise<number>;
  letGo(site: string): Promise<void>;
  close(): Promise<void>;
}

const nodes: Node[] = [];

afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
});

/** Looks the holder up in the table, except for the first `stale` lookups, which answer what a lookup racing a move would: the old holder. */
function staleFirst(directory: HolderDirectory, old: Node, stale: number): HolderDirectory {
  let left = stale;
  return {
    holderOf: async (site) => {
      if (left-- > 0) return { node: old.id, url: old.url };
      return directory.holderOf(site);
    },
  };
}

async function startNode(
  id: string,
  url: string,
  options: { secret?: string; directory?: (real: HolderDirectory, nodes: Node[]) => HolderDirectory } = {},
): Promise<Node> {
  const registry = testRegistry();
  const sql = await openPostgres(url, POSTGRES_MIGRATIONS, () => undefined);
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const nodeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const leases = new PostgresLeaseStore(sql, nodeUrl);
  await leases.heartbeat(id, false);
  const forwarderErrors: unknown[] = [];
  const forwarder = new NodeForwarder({
    node: id,
    secret: options.secret ?? SECRET,
    directory: options.directory?.(leases, nodes) ?? leases,
    scheduler: systemScheduler,
    timeoutMs: 5_000,
    onError: (err) => forwarderErrors.push(err),
  });
  const store = new SqlAlarmStore(sql);
  const alarms = new SiteAlarms({
    registry,
    store,
    forwarder,
    engine: {
      settings: DEFAULT_ENGINE_SETTINGS,
      audit: new SqlAuditLog(sql),
      hub: { publish: () => undefined, sensors: () => undefined },
      notifier: { escalated: () => undefined },
      clock: systemClock,
      transaction: (fn) => sql.transaction(fn),
    },
  });
  const writer = new HistoryWriter(new InfluxHistory(influxClient, keyedOffset(randomBytes(32))), new SqlOutbox(sql), systemScheduler, {
    maxBatchPoints: 1000,
    flushIntervalMs: 20,
    maxInFlight: 2,
    maxQueuedPoints: 10_000,
    retryDelayMs: 20,
    maxRetryDelayMs: 200,
  });
  const ingest = new IngestService(registry, writer, new RejectionLog(100), systemClock, { maxAgeMs: 3_600_000 });
  ingest.subscribe((o) => alarms.onObservation(o));
  const forwarding = composeForwarding({ nodeId: id, nodeUrl, nodeSecret: options.secret ?? SECRET }, logger, { registry, sites: alarms, ingest, forwarder });
  const app = createApp({
    routers: [forwarding.internal],
    metrics: new PromRegistry(),
    clientDist: '/nonexistent',
    logger,
  });
  server.on('request', app);
  const tokens = new Map<string, number>();
  const node: Node = {
    id,
    url: nodeUrl,
    sql,
    leases,
    alarms,
    ingest,
    clusterIngest: forwarding.httpIngest,
    writer,
    forwarderErrors,
    async hold(site) {
      const token = await leases.acquire(site, id, TTL);
      if (token === undefined) throw new Error(`${id} could not take ${site}`);
      tokens.set(site, token);
      await alarms.acquire(site, token);
      return token;
    },
    async letGo(site) {
      await alarms.release(site);
      await leases.release(site, id, tokens.get(site)!);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await alarms.idle();
      await writer.stop();
      await sql.close();
    },
  };
  nodes.push(node);
  return node;
}

const gas = (value: number, at = Date.now()): Observation =>
  ({
    channel: 'reading',
    siteId: 'hq',
    sensorId: 'KIT-GAS-01',
    zoneId: 'kitchen',
    kind: 'gas',
    unit: '%LEL',
    value,
    ts: at,
    receivedAt: at,
    source: 'http',
  }) as Observation;

/** A gas alarm raised at `holder`'s engine and committed to the store; its id. */
async function raiseGasAlarm(holder: Node): Promise<string> {
  void holder.alarms.onObservation(gas(35));
  await holder.alarms.idle();
  const { alarms } = await holder.alarms.list({ limit: 10, offset: 0 });
  const alarm = alarms.find((a) => a.sensorId === 'KIT-GAS-01');
  if (alarm === undefined) throw new Error('no gas alarm was raised');
  return alarm.id;
}

/** POSTs `body` to a node's internal route with the given headers (signed or not). */
async function post(node: Node, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: { error?: { code: string } } }> {
  const res = await fetch(`${node.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

describe('forwarding to the holder of a site', () => {
  it("an officer's acknowledgement sent to the other node is applied by the holder, in the officer's name, and answered with the holder's alarm", async () => {
    const url = await database();
    const a = await startNode('node-a', url);
    const b = await startNode('node-b', url);
    await a.hold('hq');
    await b.hold('lodging');
    const id = await raiseGasAlarm(a);

    const acked = await b.alarms.act(id, { type: 'ack' } as AlarmAction, officer);
    expect(acked).toMatchObject({ id, siteId: 'hq', ackedBy: 'olga' });
    // The holder's engine changed (the one that goes on running the site), and stored it.
    expect(await a.alarms.get(id)).toMatchObject({ ackedBy: 'olga' });
    const entries = await new SqlAuditLog(b.sql).list({ from: 0, to: Date.now() + 60_000, limit: 50, target: `alarm:${id}` });
    expect(entries.filter((e) => e.actor === 'olga').map((e) => e.action)).toEqual([expect.stringContaining('ack')]);
    expect(await new SqlAuditLog(b.sql).verify()).toMatchObject({ ok: true });

    // The holder's refusal arrives as the same error, with its code (409 to the browser).
    const again = b.alarms.act(id, { type: 'ack' } as AlarmAction, officer);
    await expect(again).rejects.toBeInstanceOf(AlarmActionError);
    await expect(again).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    // An unknown alarm: 404 as on one node, without bothering the holder.
    await expect(b.alarms.act('al_none', { type: 'ack' } as AlarmAction, officer)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Maintenance of a sensor of the held-elsewhere site, and back.
    const until = Date.now() + 3_600_000;
    expect(await b.alarms.setOutOfService('KIT-CO-01', officer, 'calibration', until)).toMatchObject({ sensorId: 'KIT-CO-01', outOfService: { by: 'olga' } });
    expect(await a.alarms.sensorState('KIT-CO-01')).toMatchObject({ outOfService: { by: 'olga' } });
    expect(await b.alarms.returnToService('KIT-CO-01', officer)).toMatchObject({ sensorId: 'KIT-CO-01', outOfService: null });
    expect(b.forwarderErrors).toEqual([]);
  });

  it('the holder refuses a request that is not signed with the secret, was changed, is replayed or is invalid', async () => {
    const url = await database();
    const a = await startNode('node-a', url);
    await a.hold('hq');
    const id = await raiseGasAlarm(a);
    const path = '/api/internal/sites/hq/act';
    const sent = { username: 'olga', role: 'officer' };
    const body = JSON.stringify({ request: { op: 'act', alarmId: id, action: { type: 'ack' } }, actor: sent });
    const sign = (secret: string, b: string = body): Record<string, string> => signRequest(secret, 'node-b', systemClock, { method: 'POST', path, body: b });

    expect(await post(a, path, body, {})).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect((await post(a, path, body, sign('another-secret-that-is-long-enough-0123456789'))).status).toBe(401);
    // Signed for a manager, sent for an admin.
    const asManager = JSON.stringify({ request: { op: 'act', alarmId: id, action: { type: 'ack' } }, actor: { username: 'olga', role: 'manager' } });
    expect((await post(a, path, body.replace('officer', 'admin'), sign(SECRET, asManager))).status).toBe(401);
    expect(await a.alarms.get(id)).toMatchObject({ ackedBy: null });

    // The same validation as the public route: a shelve needs its reason and duration.
    const shelve = JSON.stringify({ request: { op: 'act', alarmId: id, action: { type: 'shelve' } }, actor: sent });
    expect(await post(a, path, shelve, sign(SECRET, shelve))).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const noActor = JSON.stringify({ request: { op: 'act', alarmId: id, action: { type: 'ack' } } });
    expect((await post(a, path, noActor, sign(SECRET, noActor))).status).toBe(400);

    const headers = sign(SECRET);
    expect((await post(a, path, body, headers)).status).toBe(200);
    expect(await a.alarms.get(id)).toMatchObject({ ackedBy: 'olga' });
    const replay = await post(a, path, body, headers);
    expect(replay.status).toBe(401);
    expect(headers[NODE_HEADERS.nonce]).toBeDefined();

    // A node configured with another secret is refused: a fault of the deployment, answered 500 to the person.
    const stranger = await startNode('node-c', url, { secret: 'a-different-secret-0123456789abcdefghijkl' });
    await expect(stranger.alarms.act(id, { type: 'comment', text: 'x' } as AlarmAction, officer)).rejects.toThrow(/answered 401 UNAUTHENTICATED/);
    expect(stranger.forwarderErrors).toHaveLength(1);
  });

  it('a holder that no longer holds the site answers NOT_HELD; the sender looks the holder up again and the new holder applies it', async () => {
    const url = await database();
    const a = await startNode('node-a', url);
    // Node C's first lookup returns A, as a lookup made just before the site moved would.
    const c = await startNode('node-c', url, {
      directory: (real, all) =>
        staleFirst(
          real,
          all.find((n) => n.id === 'node-a')!,
          1,
        ),
    });
    const b = await startNode('node-b', url);
    await a.hold('hq');
    const id = await raiseGasAlarm(a);
    await a.letGo('hq');
    await b.hold('hq');

    expect(await c.alarms.act(id, { type: 'ack' } as AlarmAction, officer)).toMatchObject({ ackedBy: 'olga' });
    expect(await b.alarms.get(id)).toMatchObject({ ackedBy: 'olga' });

    // Looked up again once only: still the wrong node the second time, and the person is told to try again (503).
    const d = await startNode('node-d', url, {
      directory: (real, all) =>
        staleFirst(
          real,
          all.find((n) => n.id === 'node-a')!,
          2,
        ),
    });
    const refused = d.alarms.act(id, { type: 'comment', text: 'x' } as AlarmAction, officer);
    await expect(refused).rejects.toBeInstanceOf(SiteUnavailableError);
    await expect(refused).rejects.toMatchObject({ code: 'NO_HOLDER', site: 'hq' });
  });

  it('no holder, or a holder that is down before its lease runs out: 503 NO_HOLDER, nothing changed', async () => {
    const url = await database();
    const a = await startNode('node-a', url);
    const b = await startNode('node-b', url);
    await a.hold('hq');
    const id = await raiseGasAlarm(a);

    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    await expect(b.alarms.act(id, { type: 'ack' } as AlarmAction, officer)).rejects.toMatchObject({ code: 'NO_HOLDER', site: 'hq' });
    expect(b.forwarderErrors).toHaveLength(1);

    await b.sql.run("UPDATE site_lease SET holder = NULL WHERE site = 'hq'");
    await expect(b.alarms.act(id, { type: 'ack' } as AlarmAction, officer)).rejects.toMatchObject({ code: 'NO_HOLDER', site: 'hq' });
    expect((await b.alarms.get(id))?.ackedBy).toBeNull();
  });

  it("HTTP ingest: observations of a site held elsewhere are stored and evaluated by its holder before the device's answer, which reads as one node's", async () => {
    const url = await database();
    const a = await startNode('node-a', url);
    const b = await startNode('node-b', url);
    await a.hold('hq');
    await b.hold('lodging');
    const ts = Date.now() - 1000;
    const items = [
      { sensorId: 'GH-SMK-101', channel: 'status', battery: 90, ts },
      { sensorId: 'KIT-GAS-01', channel: 'reading', value: 35, unit: '%LEL', ts },
      { sensorId: 'KIT-CO-01', channel: 'reading', value: 'high', unit: 'ppm', ts },
    ];

    const result = await b.clusterIngest.handleHttpItems(items, (id) => testRegistry().sensor(id)?.siteId);
    expect(result).toMatchObject({ accepted: 2, rejected: 1, rejections: [{ index: 2, reason: 'invalid_payload' }] });
    // Stored in InfluxDB by the holder before the answer came back.
    const rows = await influx.query(`SELECT value FROM "raw"."reading" WHERE sensor = 'KIT-GAS-01'`, INFLUX_DB);
    expect(rows).toEqual([expect.objectContaining({ value: 35 })]);
    // Evaluated by the holder's engine: the gas alarm is raised there, not on the node posted to.
    await a.alarms.idle();
    expect((await a.alarms.snapshot()).alarms).toEqual([expect.objectContaining({ sensorId: 'KIT-GAS-01', siteId: 'hq' })]);
    expect(b.alarms.held()).toEqual(['lodging']);

    // The holder gone: the device is answered 503 and sends again; nothing of it was accepted here.
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    await expect(b.clusterIngest.handleHttpItems(items, (id) => testRegistry().sensor(id)?.siteId)).rejects.toMatchObject({ code: 'NO_HOLDER' });
  });
});
