// Cluster wiring (README "Several nodes (high availability)", docs/architecture.md "Sites and
// leases"): two real nodes on one PostgreSQL share the sites through leases; each site's readings
// reach its holder through the site's own MQTT session (`vigil-<site>`, per-site broker
// credentials set up by the node on the shipped broker); /api/health names each node's sites,
// peers and any site nobody holds; SIGTERM hands a node's sites over at once (drain), and the
// other node then receives those sites' readings.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, HealthResponse } from '../../contract/index.ts';
import { connectDevice, startCluster, type Cluster } from '../support/cluster.ts';
import { TEST_API_KEY, eventually, postJson } from '../support/vigil.ts';

let cluster: Cluster;
const devices: MqttClient[] = [];
const cookies = new Map<string, string>();

/** The ids of the open alarms of `sensor`, as `node` answers. */
async function openAlarms(node: string, sensor: string): Promise<Alarm[]> {
  const { vigil } = cluster.node(node);
  const res = await vigil.api<{ alarms: Alarm[] }>(`/api/alarms?sensor=${sensor}&state=open`, { headers: { cookie: cookies.get(node)! } });
  return res.body.alarms ?? [];
}

async function alarm(node: string, id: string): Promise<Alarm> {
  const { vigil } = cluster.node(node);
  return (await vigil.api<{ alarm: Alarm }>(`/api/alarms/${id}`, { headers: { cookie: cookies.get(node)! } })).body.alarm;
}

async function publishGas(sensor: string, value: number): Promise<void> {
  const device = await connectDevice(cluster, sensor);
  devices.push(device);
  await device.publishAsync(`vigil/${cluster.sites.find((s) => s.gas === sensor)!.id}/${sensor}/reading`, JSON.stringify({ value, unit: '%LEL' }), { qos: 1 });
}

async function health(node: string): Promise<HealthResponse & { parts: { cluster?: unknown } }> {
  const { vigil } = cluster.node(node);
  return (await vigil.api<HealthResponse>('/api/health', { headers: { cookie: cookies.get(node)! } })).body as HealthResponse & {
    parts: { cluster?: unknown };
  };
}

beforeAll(async () => {
  cluster = await startCluster({ db: 'vigil_cluster_wiring_test', loadPerSite: 0 });
  const [a] = cluster.nodes;
  await a!.vigil.addUser('officer1', 'officer');
  for (const n of cluster.nodes) cookies.set(n.id, await n.vigil.login('officer1'));
}, 180_000);

afterAll(async () => {
  for (const d of devices) await d.endAsync().catch(() => undefined);
  await cluster?.stop();
});

describe('two nodes sharing the sites', () => {
  it('splits the sites between the nodes, and each site alarms through its own session on its holder', async () => {
    const holders = await eventually(
      async () => {
        const h = await cluster.holders();
        return new Set(h.values()).size === 2 ? h : undefined;
      },
      20_000,
      'both nodes holding sites',
    );
    expect([...holders.keys()].sort()).toEqual(cluster.sites.map((s) => s.id).sort());
    // A gas reading at every site raises its alarm, whichever node holds the site; both nodes list it.
    for (const site of cluster.sites) await publishGas(site.gas, 60);
    for (const site of cluster.sites) {
      const [raised] = await eventually(
        async () => {
          const open = await openAlarms('vigil-a', site.gas);
          return open.length ? open : undefined;
        },
        10_000,
        `${site.gas} alarm`,
      );
      expect(raised).toMatchObject({ siteId: site.id, sensorId: site.gas, state: 'active_unacked' });
      expect((await openAlarms('vigil-b', site.gas)).map((a) => a.id)).toEqual([raised!.id]);
    }
  });

  it('reports each node’s sites, peers and lease ages in /api/health', async () => {
    const holders = await cluster.holders();
    for (const node of cluster.nodes) {
      const body = await health(node.id);
      expect(body.ok).toBe(true);
      const mine = [...holders].filter(([, h]) => h === node.id).map(([s]) => s);
      expect(body.parts.cluster).toMatchObject({
        ok: true,
        node: node.id,
        peers: [cluster.nodes.find((n) => n.id !== node.id)!.id],
        unheld: [],
      });
      const held = (body.parts.cluster as { held: { site: string; token: number; ageMs: number }[] }).held;
      expect(held.map((h) => h.site).sort()).toEqual(mine.sort());
      for (const h of held) expect(h.ageMs).toBeLessThan(6000);
    }
  });

  it('hands every site over on SIGTERM: the other node holds them at once and receives their readings', async () => {
    const before = await cluster.holders();
    const leaving = cluster.node('vigil-a');
    const aSites = cluster.sites.filter((s) => before.get(s.id) === 'vigil-a');
    expect(aSites.length).toBeGreaterThan(0);
    const stopped = Date.now();
    await leaving.vigil.stop();
    // Drained: the node said it was leaving and gave its leases back; none is left to run out.
    expect(await cluster.query<{ draining: number }>(`SELECT draining::int AS draining FROM vigil_node WHERE id = 'vigil-a'`)).toEqual([{ draining: 1 }]);
    expect(
      await cluster.query(`SELECT site FROM site_lease WHERE holder = 'vigil-a' AND expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`),
    ).toEqual([]);
    // Drained leases are released, not left to expire (6 s TTL): the peer takes them at its next round (2 s).
    await eventually(
      async () => [...(await cluster.holders()).values()].every((h) => h === 'vigil-b') && (await cluster.holders()).size === cluster.sites.length,
      5000,
      'vigil-b holding every site',
    );
    expect(Date.now() - stopped).toBeLessThan(6000);
    // The alarms raised on the leaving node carry on here, and the site's readings now arrive here.
    for (const site of aSites) {
      const [open] = await openAlarms('vigil-b', site.gas);
      expect(open).toMatchObject({ state: 'active_unacked', conditionActive: true });
      await publishGas(site.gas, 0);
      await eventually(async () => (await alarm('vigil-b', open!.id)).conditionActive === false, 10_000, `${site.gas} gone on vigil-b`);
    }
    await leaving.vigil.start();
  });

  // Forwarding (docs/architecture.md "Several nodes"): runs last, once the restarted node holds
  // sites again, so the tests above see the alarms as they raised them.
  it("an acknowledgement and an HTTP observation sent to the node that does not hold the site are applied by its holder, in the officer's name", async () => {
    const holders = await eventually(
      async () => {
        const h = await cluster.holders();
        return new Set(h.values()).size === 2 && h.size === cluster.sites.length ? h : undefined;
      },
      20_000,
      'both nodes holding sites again',
    );
    const site = cluster.sites[0]!;
    const holder = holders.get(site.id)!;
    const sender = cluster.nodes.find((n) => n.id !== holder)!;
    const [open] = await openAlarms(holder, site.gas);
    expect(open).toMatchObject({ ackedBy: null });

    const acked = await postJson<{ alarm: Alarm }>(sender.vigil, `/api/alarms/${open!.id}/ack`, {}, cookies.get(sender.id)!);
    expect(acked).toMatchObject({ status: 200, body: { alarm: { id: open!.id, ackedBy: 'officer1' } } });
    expect(await alarm(holder, open!.id)).toMatchObject({ ackedBy: 'officer1' });
    // The holder's refusal is the answer one node gives.
    const again = await postJson(sender.vigil, `/api/alarms/${open!.id}/ack`, {}, cookies.get(sender.id)!);
    expect([again.status, again.body.error?.code]).toEqual([409, 'INVALID_TRANSITION']);

    // Gas posted over HTTP to the other node: evaluated by the holder, whose engine raises the alarm.
    const posted = await sender.vigil.api<{ accepted: number }>('/api/ingest', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ observations: [{ sensorId: site.gas, channel: 'reading', value: 60, unit: '%LEL' }] }),
    });
    expect(posted).toMatchObject({ status: 202, body: { accepted: 1, rejected: 0 } });
    await eventually(async () => (await openAlarms(holder, site.gas)).some((a) => a.conditionActive), 10_000, `${site.gas} raised again on ${holder}`);
  });
});
