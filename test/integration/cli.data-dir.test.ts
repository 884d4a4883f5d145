// The command line and the server use one database: `npm start` (scripts/start.sh) and `npm run
// vigil` resolve DATA_DIR the same way, from one default (server/src/config.ts DEFAULT_DATA_DIR),
// so an account the CLI adds as the README says is one the running server signs in; and the CLI
// names the database it opened, refusing one that does not exist instead of quietly starting a
// new, empty one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadConfig } from '../../server/src/config.ts';
import { startInflux, stopAllServices } from '../support/services.ts';
import { TEST_PASSWORD, runVigilCli, startVigil, type VigilHandle } from '../support/vigil.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FACILITY = path.resolve('test/fixtures/facility.yaml');

let vigil: VigilHandle;

beforeAll(async () => {
  const influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: 'vigil_cli_data_dir_test', env: { FACILITY_FILE: FACILITY } });
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
});

describe('one DATA_DIR for the server, npm start and the CLI', () => {
  it('without DATA_DIR, the CLI resolves the default the server does, whatever the working directory', () => {
    const env = { ...process.env };
    delete env.DATA_DIR;
    const printed = execFileSync(
      process.execPath,
      ['--import', path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'), path.join(ROOT, 'server/src/cli.ts'), 'data-dir'],
      {
        cwd: os.tmpdir(),
        env,
        encoding: 'utf8',
      },
    ).trim();
    expect(printed).toBe(DEFAULT_DATA_DIR);
    expect(loadConfig({}).DATA_DIR).toBe(DEFAULT_DATA_DIR);
    // npm start takes its DATA_DIR from the CLI rather than a default of its own.
    const startSh = fs.readFileSync(path.join(ROOT, 'scripts/start.sh'), 'utf8');
    expect(startSh).toContain('DATA_DIR="$(node --import tsx server/src/cli.ts data-dir)"');
    expect(startSh).not.toMatch(/DATA_DIR:-/);
  });

  it('an account the CLI adds with the environment the server runs with signs in on that server, and the CLI names the database file', async () => {
    const added = await vigil.cli(['user', 'add', 'carol', '--role', 'officer', '--password-stdin'], `${TEST_PASSWORD}\n`);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain(`vigil: database ${path.join(vigil.dataDir, 'vigil.db')}`);
    await expect(vigil.login('carol')).resolves.toMatch(/^vigil_session=/);
  });

  it('refuses to work on a database that does not exist, naming the file, and creates nothing', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-no-db-'));
    const r = await runVigilCli(['user', 'list'], { ...process.env, DATA_DIR: elsewhere, FACILITY_FILE: FACILITY });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no Vigil database at ${path.join(elsewhere, 'vigil.db')}`);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });
});
