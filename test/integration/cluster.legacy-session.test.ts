// Becoming a cluster (README "Several nodes (high availability)", server/src/compose/legacy-session.ts):
// a single node on PostgreSQL read every topic through one persistent MQTT session, `vigil-ingest`.
// Readings published after it stopped and before the first cluster node starts are queued for that
// session only. The first cluster node must process them — stored in InfluxDB, the alarm raised —
// before its per-site sessions read anything, then remove the old session from the broker so it
// queues nothing more, and record that it is done.
import fs from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, startCluster, type Cluster } from '../support/cluster.ts';
import { freePort } from '../support/process.ts';
import { eventually, startVigil } from '../support/vigil.ts';

const DB = 'vigil_cluster_legacy_session_test';
let cluster: Cluster;

async function publish(sensor: string, value: number): Promise<void> {
  const site = cluster.sites.find((s) => s.gas === sensor || s.gas2 === sensor)!;
  const device = await connectDevice(cluster, sensor);
  await device.publishAsync(`vigil/${site.id}/${sensor}/reading`, JSON.stringify({ value, unit: '%LEL' }), { qos: 1 });
  await device.endAsync();
}

async function storedValues(sensor: string): Promise<number[]> {
  return (await cluster.influx.query(`SELECT value FROM reading WHERE sensor = '${sensor}'`, DB)).map((r) => r.value as number);
}

/** Connects as the single node's session did (persistent) and says whether the broker still had a session for it. */
async function legacySessionPresent(): Promise<boolean> {
  const password = fs.readFileSync(path.join(cluster.dataDir, 'broker/ingest.password'), 'utf8').trim();
  const client = mqtt.connect(cluster.broker.url, { clientId: 'vigil-ingest', username: 'vigil-ingest', password, clean: false, reconnectPeriod: 0 });
  try {
    const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    return connack.sessionPresent;
  } finally {
    // Clean again, so this check leaves no session behind.
    await client.endAsync();
    await mqtt
      .connectAsync(cluster.broker.url, { clientId: 'vigil-ingest', username: 'vigil-ingest', password, clean: true, reconnectPeriod: 0 })
      .then((c) => c.endAsync());
  }
}

beforeAll(async () => {
  // One node without NODE_ID: PostgreSQL, and the single `vigil-ingest` session subscribed to every topic.
  cluster = await startCluster({ db: DB, loadPerSite: 1, nodeIds: ['single'], leases: false, sites: ['north', 'south'] });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('an installation becoming a cluster', () => {
  it('drains the former single session: every reading queued while switching is stored and alarms; the session is gone', async () => {
    const [north, south] = cluster.sites;
    await cluster.nodes[0]!.vigil.stop();
    // Switching: nothing reads the broker; only `vigil-ingest` exists to queue these.
    await publish(north!.gas, 60); // over the high threshold (40): an alarm
    await publish(north!.gas2, 5);
    await publish(south!.gas, 6);
    await publish(south!.gas2, 7);
    // And a device publishing all through the cluster node's start: some of its readings are
    // queued for the old session only, some for both, some for its site's session only.
    const feeder = await connectDevice(cluster, south!.load[0]!);
    let feeding = true;
    let fed = 0;
    const fed_all = (async () => {
      for (let ts = Date.now(); feeding; ts++) {
        await feeder.publishAsync(`vigil/south/${south!.load[0]}/reading`, JSON.stringify({ ts, value: 1 + (fed % 5), unit: '%LEL' }), { qos: 1 });
        fed++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const port = await freePort();
    const vigil = await startVigil({
      mqttUrl: cluster.broker.url,
      influxUrl: cluster.influx.url,
      influxDb: DB,
      port,
      env: {
        DATABASE_URL: cluster.databaseUrl,
        REDIS_URL: cluster.redis.url,
        DATA_DIR: cluster.dataDir,
        FACILITY_FILE: path.join(cluster.dataDir, 'facility.yaml'),
        VIGIL_DEMO: '1',
        SIMULATED_CAMERAS: '0',
        FLUSH_INTERVAL_MS: '50',
        NODE_ID: 'vigil-a',
        NODE_URL: `http://127.0.0.1:${port}`,
        NODE_SECRET: 'legacy-session-test-node-secret-0123456789',
      },
    });
    cluster.nodes.push({ id: 'vigil-a', vigil });

    // Recorded once done: later starts skip the drain.
    const [done] = await eventually(
      async () => {
        const rows = await cluster.query<{ drained: number }>(
          `SELECT drained FROM legacy_mqtt_session WHERE client_id = 'vigil-ingest' AND removed_at IS NOT NULL`,
        );
        return rows.length ? rows : undefined;
      },
      20_000,
      'the former session recorded as drained',
    );
    expect(Number(done!.drained)).toBeGreaterThanOrEqual(4);
    // Stored before the record (acknowledged only once stored), so no waiting here.
    expect(await storedValues(north!.gas)).toEqual([60]);
    expect(await storedValues(north!.gas2)).toEqual([5]);
    expect(await storedValues(south!.gas)).toEqual([6]);
    expect(await storedValues(south!.gas2)).toEqual([7]);
    const alarms = await eventually(
      async () => {
        const rows = await cluster.query<{ condition: string; priority: string; site: string }>(
          `SELECT condition, priority, site FROM alarm WHERE sensor = $1`,
          [north!.gas],
        );
        return rows.length ? rows : undefined;
      },
      5000,
      'the drained reading raised its alarm',
    );
    expect(alarms).toEqual([{ condition: 'gas', priority: 'critical', site: 'north' }]);

    // The per-site sessions run after it: a reading published now reaches its site's session.
    await publish(south!.gas, 8);
    await eventually(async () => (await storedValues(south!.gas)).includes(8), 10_000, 'a later reading stored through the site session');
    feeding = false;
    await fed_all;
    await feeder.endAsync();
    // Every one stored, once (a reading in both queues lands on the same point twice).
    await eventually(async () => (await storedValues(south!.load[0]!)).length === fed, 10_000, `all ${fed} readings of the feeder stored`);
    expect(fed).toBeGreaterThan(20);
    // The old session is gone: nothing of that reading (or any other) was queued for it.
    expect(await legacySessionPresent()).toBe(false);
  }, 60_000);
});
