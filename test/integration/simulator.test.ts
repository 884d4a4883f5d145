// The simulator against real Mosquitto, InfluxDB and the real Vigil server, talking to
// Vigil only the way devices do (MQTT). Normal operations reach InfluxDB for every registered
// sensor; a drill's observations are stored tagged with its drill id; a killed simulator's
// devices go offline through their MQTT last wills; a scenario's disconnect does the same for
// one gateway's devices; load reports what the broker acknowledged.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, type DrillReport, type SensorState } from '../../contract/index.ts';
import { stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { eventually, startVigilStack, type VigilHandle } from '../support/vigil.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FACILITY = path.join(ROOT, 'config/facility.yaml');
const DB = 'vigil_simulator_test';

let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
const children = new Set<ChildProcess>();

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `simulate <args>` against the test broker, the way an operator would run it. */
function simulate(args: string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'simulator/src/cli.ts'), ...args, '--broker', broker.url, '--facility', FACILITY], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}

function sentCount(out: Finished): number {
  const m = /sent (\d+) observations, acked (\d+), failed 0/.exec(out.stdout);
  expect(m, `summary line in:\n${out.stdout}\n${out.stderr}`).not.toBeNull();
  expect(m![2]).toBe(m![1]);
  return Number(m![1]);
}

async function sensorsState(): Promise<SensorState[]> {
  return (await vigil.api<SensorState[]>('/api/sensors', { headers: { cookie: viewerCookie } })).body;
}

/** The `count` of a `SELECT count(x) …` query (0 when nothing matches). */
const countOf = async (q: string): Promise<number> => Number((await influx.query(q, DB))[0]?.count ?? 0);

let registered: { id: string; kind: string }[];
/** Gateways publish too: the demo's Zigbee2MQTT bridge says it is online, and has a last will. */
let gatewayIds: string[];
// Demo mode creates these accounts; a manager may run drills (contract/auth.ts).
const manager = DEMO_ACCOUNTS.find((a) => a.role === 'manager')!;
/** The facility and sensor states need a signed-in user; the manager's session will do. */
let viewerCookie = '';

async function managerSession(): Promise<string> {
  const res = await fetch(`${vigil.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: manager.username, password: manager.password }),
  });
  expect(res.status).toBe(200);
  return /vigil_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
}

beforeAll(async () => {
  ({ broker, influx, vigil } = await startVigilStack({
    db: DB,
    facility: FACILITY,
    // `simulate load` publishes unregistered sensors faster than a site's unregistered devices may
    // send (docs/contracts.md#ingest-limits): this test is about what the simulator sends.
    env: { FLUSH_INTERVAL_MS: '100', VIGIL_DEMO: '1', INGEST_UNREGISTERED_PER_SITE_PER_S: '100000' },
  }));
  viewerCookie = await managerSession();
  const facility = await vigil.api<{ sensors: { id: string; kind: string }[]; gateways?: { id: string }[] }>('/api/facility', {
    headers: { cookie: viewerCookie },
  });
  registered = facility.body.sensors;
  gatewayIds = (facility.body.gateways ?? []).map((g) => g.id);
  expect(registered.length).toBeGreaterThanOrEqual(70);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await vigil?.stop();
  await stopAllServices();
});

describe('simulate run', () => {
  it('publishes normal operations that arrive in InfluxDB for every registered sensor', async () => {
    const t0 = Date.now();
    const out = await simulate(['run', '--speed', '20', '--duration', '40', '--seed', '1']).done;
    expect(out.code, out.stderr).toBe(0);
    expect(sentCount(out)).toBeGreaterThan(registered.length);
    const seen = await eventually(
      async () => {
        const rows = await influx.query(`SELECT count(online) FROM status WHERE time >= ${t0}ms GROUP BY sensor`, DB);
        const ids = new Set(rows.map((r) => r.sensor as string));
        return registered.every((s) => ids.has(s.id)) ? ids : null;
      },
      15_000,
      'a status from every registered sensor in InfluxDB',
    );
    expect(seen.size).toBe(registered.length + gatewayIds.length);
    // Gas and CO detectors: readings in their quiet band (gas 0–3 %LEL, CO 0–5 ppm).
    const readings = await influx.query(`SELECT count(value), max(value) FROM reading WHERE time >= ${t0}ms AND drill = '' GROUP BY sensor`, DB);
    for (const s of registered.filter((x) => x.kind === 'gas' || x.kind === 'co')) {
      const row = readings.find((r) => r.sensor === s.id);
      expect(row, `readings of ${s.id}`).toBeDefined();
      expect(Number(row!.count)).toBeGreaterThanOrEqual(3);
      expect(Number(row!.max)).toBeLessThanOrEqual(s.kind === 'gas' ? 3 : 5);
    }
    // Doors badge in and out during the run's office hours or not, but every sensor is online.
    const states = await sensorsState();
    for (const s of registered)
      expect(
        states.find((x) => x.sensorId === s.id),
        s.id,
      ).toMatchObject({ online: true });
  }, 60_000);
});

describe('simulate drill', () => {
  it('drill canteen-gas-leak --speed 10 stores its observations tagged with the drill id, and only those', async () => {
    const id = 'drill-itest-canteen-gas-leak';
    const t0 = Date.now();
    const args = ['drill', 'canteen-gas-leak', '--speed', '10', '--seed', '7', '--drill-id', id, '--lead-in', '2', '--server', vigil.url];
    const out = await simulate([...args, '--api-user', manager.username, '--api-password', manager.password]).done;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe(`drill ${id}`);
    expect(out.stderr).toContain(`drill ${id} registered with ${vigil.url}`);
    const sent = sentCount(out);
    // Every observation the drill sent is stored, and carries the drill id.
    const tagged = async () =>
      (await countOf(`SELECT count(value) FROM reading WHERE drill = '${id}'`)) +
      (await countOf(`SELECT count(type) FROM event WHERE drill = '${id}'`)) +
      (await countOf(`SELECT count(online) FROM status WHERE drill = '${id}'`));
    await eventually(async () => (await tagged()) === sent, 15_000, `${sent} drill observations in InfluxDB`);
    const untagged = await influx.query(`SELECT count(*) FROM reading, event, status WHERE time >= ${t0}ms AND drill = ''`, DB);
    expect(untagged).toEqual([]);
    const peak = await influx.query(`SELECT max(value) FROM reading WHERE drill = '${id}' AND sensor = 'CAN-GAS-01'`, DB);
    expect(Number(peak[0]!.max)).toBeGreaterThanOrEqual(20);
    // The drill leaves the real sensor's state alone (docs/contracts.md#drills: drills never pollute real data).
    expect((await sensorsState()).find((s) => s.sensorId === 'CAN-GAS-01')!.lastValue).toBeLessThanOrEqual(3);
    // Registered, ended, and every alarm the scenario expects was raised (the report is the server's).
    const report = await vigil.api<DrillReport>(`/api/drills/${id}/report`, { headers: { cookie: await managerSession() } });
    expect(report.status).toBe(200);
    expect(report.body.drill).toMatchObject({ id, scenario: 'canteen-gas-leak', siteId: 'hq', state: 'ended', startedBy: manager.username });
    expect(report.body.score).toMatchObject({ expected: 7, raised: 7, missed: 0 });
  }, 90_000);

  it('a drill against a server that will not register it still runs, with a warning', async () => {
    const out = await simulate(['drill', 'guesthouse-fire', '--speed', '50', '--seed', '8', '--lead-in', '0', '--server', vigil.url]).done;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/warning: .* refused to register the drill \(401\)/);
    sentCount(out);
  }, 30_000);
});

describe('last wills', () => {
  it("killing the simulator (SIGKILL) makes the broker publish every device's last will: Vigil shows them offline", async () => {
    const t0 = Date.now();
    const { child, done } = simulate(['run', '--seed', '2']);
    await eventually(
      async () => {
        const states = await sensorsState();
        return registered.every((s) => {
          const st = states.find((x) => x.sensorId === s.id);
          return st?.online === true && (st.lastSeen ?? 0) >= t0;
        });
      },
      20_000,
      'every device connected and announced',
    );
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    await eventually(
      async () => {
        const states = await sensorsState();
        return registered.every((s) => states.find((x) => x.sensorId === s.id)?.online === false);
      },
      20_000,
      'every device offline',
    );
    // The wills are also history: stored once the writer's batch is (not at the same instant).
    await eventually(
      async () => {
        const wills = await influx.query(`SELECT count(online) FROM status WHERE time >= ${t0}ms AND online = false GROUP BY sensor`, DB);
        return wills.length === registered.length + gatewayIds.length;
      },
      10_000,
      'every last will stored in InfluxDB',
    );
  }, 60_000);

  it("a scenario's gateway failure cuts ten devices off (their wills), and they rejoin", async () => {
    const gateway = [
      'GH-1F-SMK-101',
      'GH-1F-SMK-102',
      'GH-1F-SMK-103',
      'GH-1F-SMK-104',
      'GH-1F-SMK-105',
      'GH-1F-SMK-106',
      'GH-2F-SMK-203',
      'GH-2F-SMK-204',
      'GH-2F-SMK-205',
      'GH-2F-SMK-206',
    ];
    const t0 = Date.now();
    const { done } = simulate(['scenario', 'gateway-failure', '--speed', '20', '--seed', '3', '--lead-in', '1']);
    const lodging = registered.filter((s) => s.id.startsWith('GH-') || s.id.startsWith('DRM-')).map((s) => s.id);
    // After the devices announce themselves, the gateway's ten go offline — and only those.
    await eventually(
      async () => {
        const states = await sensorsState();
        const fresh = (id: string) => states.find((s) => s.sensorId === id && (s.lastSeen ?? 0) >= t0);
        return lodging.every((id) => fresh(id)?.online === !gateway.includes(id));
      },
      20_000,
      "the gateway's devices offline, the rest of the site online",
    );
    const out = await done;
    expect(out.code, out.stderr).toBe(0);
    sentCount(out);
    await eventually(
      async () => {
        const states = await sensorsState();
        return gateway.every((id) => states.find((s) => s.sensorId === id)?.online === true);
      },
      10_000,
      "the gateway's devices back online",
    );
  }, 60_000);
});

describe('simulate load', () => {
  it('publishes at a fixed rate with QoS 1 and reports what the broker acknowledged', async () => {
    const t0 = Date.now();
    const out = await simulate(['load', '--sensors', '20', '--rate', '500', '--duration', '2', '--seed', '4']).done;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/load: sent 1000 in [\d.]+ s \(\d+\/s\), acked 1000 in [\d.]+ s \(\d+\/s\), failed 0, unacked 0/);
    await eventually(
      async () => (await countOf(`SELECT count(value) FROM reading WHERE device =~ /^LOAD-/ AND time >= ${t0}ms`)) === 1000,
      15_000,
      '1000 load readings stored',
    );
  }, 30_000);
});
