// InfluxDB with authentication on: Vigil's client signs in with a Basic Authorization header
// (adapters/influx.client.ts), which a real influxd 1.x accepts for writes and InfluxQL alike.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxClient } from '../../server/src/adapters/influx.client.ts';
import { freePort, httpStatus, makeTempDir, ManagedProcess, removeOwnedDir, requireBinary } from '../support/process.ts';
import { influxConfig } from '../support/services.ts';

let influxd: ManagedProcess;
let url: string;
let dir: string;
const ADMIN = { username: 'vigil-admin', password: 'pä:ss w&rd=1' };

beforeAll(async () => {
  dir = makeTempDir('influx-auth');
  const [port, rpcPort] = [await freePort(), await freePort()];
  const configFile = path.join(dir, 'influxdb.conf');
  writeFileSync(configFile, influxConfig({ dir, port, rpcPort }).replace(/auth-enabled = false/, 'auth-enabled = true'));
  url = `http://127.0.0.1:${port}`;
  influxd = new ManagedProcess({
    name: `influxd (authentication on) on port ${port}`,
    command: requireBinary('influxd', 'influxdb'),
    args: ['-config', configFile],
    logFile: path.join(dir, 'influxd.log'),
    ready: async () => (await httpStatus(`${url}/ping`)) === 204,
    readyTimeoutMs: 60_000,
  });
  await influxd.start();
  // With no user yet, InfluxDB lets anyone create the first admin.
  const created = await fetch(`${url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: `CREATE USER "${ADMIN.username}" WITH PASSWORD '${ADMIN.password}' WITH ALL PRIVILEGES` }),
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await influxd?.stop();
  if (dir) removeOwnedDir(dir);
});

describe('InfluxDB with authentication', () => {
  it('writes and queries with the credentials', async () => {
    const client = new InfluxClient({ url, db: 'vigil_auth', ...ADMIN });
    await client.query('CREATE DATABASE "vigil_auth"');
    await client.write('m,t=a f=1i 1764240000123000000');
    const [series = []] = await client.query('SELECT f FROM m');
    expect(series[0]?.values).toEqual([[1764240000123, 1]]);
  });

  it('is refused without them, or with a wrong password, and keeps the data for a retry', async () => {
    await expect(new InfluxClient({ url, db: 'vigil_auth' }).write('m f=2i 2')).rejects.toMatchObject({ status: 401, retryable: true });
    await expect(new InfluxClient({ url, db: 'vigil_auth', username: ADMIN.username, password: 'wrong' }).write('m f=2i 2')).rejects.toMatchObject({
      status: 401,
      retryable: true,
    });
    await expect(new InfluxClient({ url, db: 'vigil_auth' }).query('SHOW DATABASES')).rejects.toThrow(/401|authorization|auth/i);
  });
});
