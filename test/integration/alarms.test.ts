// Issue 3: a gas reading through real Mosquitto raises a critical alarm that a Socket.IO client
// receives; actions are recorded; a kill -9 brings back the same alarms; the audit chain holds.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent, AlarmSnapshot, ClientToServerEvents, ServerToClientEvents } from '../../contract/index.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from '../support/services.ts';
import { eventually, startVigil, type VigilHandle } from '../support/vigil.ts';

const run = promisify(execFile);
const FACILITY = path.resolve('test/fixtures/facility.yaml');
const DB = 'vigil_alarms_test';

let broker: MosquittoHandle;
let influx: InfluxHandle;
let vigil: VigilHandle;
/** An officer's session: Socket.IO refuses connections without one (issue 4). */
let cookie: string;

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
interface Watcher {
  socket: Client;
  snapshot: AlarmSnapshot | null;
  events: AlarmEvent[];
}
const watchers: Watcher[] = [];

function watch(): Promise<Watcher> {
  const socket: Client = io(vigil.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  const w: Watcher = { socket, snapshot: null, events: [] };
  watchers.push(w);
  socket.on('alarm', (e) => w.events.push(e));
  return new Promise((resolve, reject) => {
    socket.once('snapshot', (s) => {
      w.snapshot = s;
      resolve(w);
    });
    socket.once('connect_error', reject);
  });
}

const pub = (topic: string, payload: unknown) =>
  run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-t', topic, '-m', JSON.stringify(payload)]);

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  vigil = await startVigil({ mqttUrl: broker.url, influxUrl: influx.url, influxDb: DB, env: { FACILITY_FILE: FACILITY } });
  await vigil.addUser('officer1', 'officer');
  cookie = await vigil.login('officer1');
});

afterAll(async () => {
  for (const w of watchers) w.socket.close();
  await vigil?.stop();
  await stopAllServices();
});

describe('alarms end to end', () => {
  it('pushes a critical gas alarm to a Socket.IO client within a second of mosquitto_pub', async () => {
    const w = await watch();
    expect(w.snapshot!.alarms).toEqual([]);
    const started = Date.now();
    await pub('vigil/t1/T-GAS-01/reading', { value: 25, unit: '%LEL' });
    const raised = await eventually(() => w.events.find((e) => e.subject === 'alarm' && e.kind === 'raised'), 5000, 'raised event');
    // NFPA 72 allows 10 s from the initiating device; the duty officer should see it within 1 s.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(raised.subject === 'alarm' && raised.alarm).toMatchObject({ sensorId: 'T-GAS-01', condition: 'gas', priority: 'critical', class: 'alarm', state: 'active_unacked', latching: true });
    // Strictly increasing sequence numbers.
    expect(w.events.map((e) => e.seq)).toEqual(w.events.map((_, i) => w.snapshot!.seq + 1 + i));
  });

  it('comes back with the same alarms after kill -9', async () => {
    const before = await watch();
    const open = before.snapshot!.alarms.map((a: Alarm) => ({ id: a.id, state: a.state, priority: a.priority }));
    expect(open.length).toBeGreaterThan(0);
    await vigil.kill();
    await vigil.start();
    const after = await watch();
    expect(after.snapshot!.alarms.map((a: Alarm) => ({ id: a.id, state: a.state, priority: a.priority }))).toEqual(open);
    expect(after.snapshot!.seq).toBe(before.snapshot!.seq);
  });

  it('refuses actions without a session', async () => {
    const res = await vigil.api('/api/alarms/x/ack', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});
