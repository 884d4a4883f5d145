// docker-compose.yml is the deployment path (README.md "Two commands", deployment).
// No Docker engine runs on the development and CI machines, so the file is checked the way the
// compose client itself reads it: `docker compose config` (v2 plugin) or `docker-compose config`
// (v1, Debian's `docker-compose` package), which validates and resolves it without an engine.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SIMULATOR_BUNDLE } from '../../server/src/adapters/simulator.runner.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function findComposeClient(): string[] | null {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const [file, ...args] = command as [string, ...string[]];
    const probe = spawnSync(file, [...args, 'version'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return command;
  }
  return null;
}

const compose = findComposeClient();

interface ComposeService {
  image?: string;
  build?: unknown;
  user?: string;
  profiles?: string[];
  command?: string[] | string;
  environment?: Record<string, string | null>;
  ports?: Array<{ published?: string | number; target?: number } | string>;
  volumes?: Array<{ source?: string; target?: string; type?: string } | string>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
}

const resolved = new Map<string, { services: Record<string, ComposeService> }>();

/** The file as the client resolves it (cached: v1 takes about a second per call). */
function composeConfig(...globalArgs: string[]): { services: Record<string, ComposeService> } {
  const key = globalArgs.join(' ');
  const cached = resolved.get(key);
  if (cached) return cached;
  const [file, ...args] = compose as [string, ...string[]];
  const result = spawnSync(file, [...args, '-f', 'docker-compose.yml', ...globalArgs, 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    // The defaults in the file must resolve on their own: nothing from the caller's environment.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
  });
  expect(result.status, `${compose?.join(' ')} config failed:\n${result.stderr}`).toBe(0);
  const config = parse(result.stdout) as { services: Record<string, ComposeService> };
  resolved.set(key, config);
  return config;
}

function publishedPorts(service: ComposeService): string[] {
  return (service.ports ?? []).map((port) => (typeof port === 'string' ? port : `${port.published}:${port.target}`));
}

/** v2 prints volumes in the long syntax, v1 as "source:target[:mode]". */
function mounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source ?? '', target: volume.target ?? '' };
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });
}

function volumeTargets(service: ComposeService): string[] {
  return mounts(service).map((mount) => mount.target);
}

// Skipped where no compose client is installed (apt-get install docker-compose brings v1): there
// is nothing else on these machines that can read the file as Docker would.
describe.runIf(compose !== null)(`docker-compose.yml, as ${compose?.join(' ') ?? 'a compose client'} reads it`, () => {
  it('defines broker-init, mosquitto, influxdb and vigil by default, and the simulator behind the "simulator" profile', () => {
    const { services } = composeConfig('--profile', 'simulator');
    expect(Object.keys(services).sort()).toEqual(['broker-init', 'influxdb', 'mosquitto', 'simulator', 'vigil']);
    expect(services.simulator?.profiles).toEqual(['simulator']);
    for (const name of ['broker-init', 'mosquitto', 'influxdb', 'vigil']) expect(services[name]?.profiles ?? []).toEqual([]);
  });

  it('runs Mosquitto with the shipped configuration, dynamic security from a file broker-init writes first, and its data in a volume', () => {
    const { mosquitto, 'broker-init': init, vigil } = composeConfig().services;
    expect(mosquitto?.image).toBe('eclipse-mosquitto:2');
    expect(volumeTargets(mosquitto ?? {})).toEqual(expect.arrayContaining(['/mosquitto/config/mosquitto.conf', '/mosquitto/data']));
    const configMount = mounts(mosquitto ?? {}).find((mount) => mount.target === '/mosquitto/config/mosquitto.conf');
    expect(configMount && path.relative(ROOT, configMount.source)).toBe(path.join('config', 'mosquitto.conf'));
    expect(publishedPorts(mosquitto ?? {})).toContain('1883:1883');
    expect(mosquitto?.depends_on).toEqual({ 'broker-init': { condition: 'service_completed_successfully' } });

    // broker-init writes the plugin file where the shipped configuration tells the plugin to read it: the same volume, the same name.
    const shipped = readFileSync(path.join(ROOT, 'config/mosquitto.conf'), 'utf8');
    const setting = (name: string) => new RegExp(`^${name} (.+)$`, 'm').exec(shipped)?.[1];
    expect(setting('plugin')).toBe('/usr/lib/mosquitto_dynamic_security.so'); // where eclipse-mosquitto:2 installs it
    expect(setting('allow_anonymous')).toBe('false');
    const pluginFile = setting('plugin_opt_config_file')!;
    const dataVolume = mounts(mosquitto ?? {}).find((m) => m.target === '/mosquitto/data')!.source;
    const initMount = mounts(init ?? {}).find((m) => m.source === dataVolume)!;
    expect(init?.command).toEqual([
      'node',
      '--import',
      'tsx',
      'server/src/cli.ts',
      'broker',
      'init',
      '--dynsec-file',
      path.posix.join(initMount.target, path.posix.relative('/mosquitto/data', pluginFile)),
    ]);
    // ... and keeps the administrator's password where Vigil reads it (the same data volume and DATA_DIR).
    const vigilData = mounts(vigil ?? {}).find((m) => m.target === '/data')!.source;
    expect(mounts(init ?? {}).find((m) => m.target === '/data')?.source).toBe(vigilData);
    expect(init?.environment?.DATA_DIR).toBe('/data');
    // Healthy only once it refuses an anonymous client: the plugin is loaded.
    expect(JSON.stringify(mosquitto?.healthcheck?.test)).toContain('not authorised');
  });

  it('runs the simulator with one credential per device (sim@<sensor>), its password read from the file Vigil keeps', () => {
    const { simulator } = composeConfig('--profile', 'simulator').services;
    // The bundle the image builds (Dockerfile: npm run build:simulator), where drills look for it too
    // (server/src/adapters/simulator.runner.ts SIMULATOR_BUNDLE): no tsx or TypeScript sources at run time.
    expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toContain('npm run build:simulator');
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts['build:simulator']).toContain(`--outfile=${SIMULATOR_BUNDLE}`);
    expect(simulator?.command).toEqual([
      'node',
      SIMULATOR_BUNDLE,
      'run',
      '--broker',
      'mqtt://mosquitto:1883',
      '--username',
      'sim@{sensor}',
      '--password-file',
      '/data/broker/simulator.password',
    ]);
    expect(volumeTargets(simulator ?? {})).toContain('/data');
  });

  it('runs InfluxDB 1.8 with the vigil database, without auth, on a volume', () => {
    const { influxdb } = composeConfig().services;
    expect(influxdb?.image).toBe('influxdb:1.8');
    expect(influxdb?.environment).toMatchObject({ INFLUXDB_DB: 'vigil', INFLUXDB_HTTP_AUTH_ENABLED: 'false' });
    expect(volumeTargets(influxdb ?? {})).toContain('/var/lib/influxdb');
  });

  it('builds Vigil from the Dockerfile, wires it to both services and starts it once they are healthy', () => {
    const { vigil } = composeConfig().services;
    expect(vigil?.build).toBeDefined();
    expect(existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    expect(vigil?.environment).toMatchObject({
      MQTT_URL: 'mqtt://mosquitto:1883',
      INFLUX_URL: 'http://influxdb:8086',
      DATA_DIR: '/data',
    });
    expect(volumeTargets(vigil ?? {})).toContain('/data');
    expect(publishedPorts(vigil ?? {})).toContain('8080:8080');
    expect(vigil?.depends_on).toEqual({
      mosquitto: { condition: 'service_healthy' },
      influxdb: { condition: 'service_healthy' },
    });
  });
});
