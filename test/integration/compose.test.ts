// docker-compose.yml is the deployment path (README.md "Two commands", deployment), and
// docker-compose.yml + docker-compose.ha.yml the one with several Vigil nodes (README.md "Several
// nodes (high availability)", docs/decisions/0007-postgresql-and-several-nodes.md).
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

/** The service names of the configuration `up` starts without --profile (v2 prints only those, v1 every service). */
function startedByDefault(services: Record<string, ComposeService>): string[] {
  return Object.keys(services)
    .filter((name) => (services[name]?.profiles ?? []).length === 0)
    .sort();
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
    // The several-nodes override adds nothing to the plain `docker compose up`.
    expect(startedByDefault(composeConfig().services)).toEqual(['broker-init', 'influxdb', 'mosquitto', 'vigil']);
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

/** The several-nodes deployment: docker-compose.yml overridden by docker-compose.ha.yml, as the README runs it. */
const haConfig = () => composeConfig('-f', 'docker-compose.ha.yml');
const HA_NODES = ['vigil-a', 'vigil-b'];

describe.runIf(compose !== null)(
  `docker-compose.yml + docker-compose.ha.yml (several nodes), as ${compose?.join(' ') ?? 'a compose client'} reads them`,
  () => {
    it('starts PostgreSQL, Redis, two Vigil nodes and the proxy beside Mosquitto and InfluxDB, and not the single-node vigil', () => {
      const { services } = haConfig();
      expect(startedByDefault(services)).toEqual(['broker-init', 'influxdb', 'mosquitto', 'postgres', 'proxy', 'redis', 'vigil-a', 'vigil-b']);
      // Only the proxy takes the dashboard's port: the nodes are reached through it and by each other.
      const publishing8080 = startedByDefault(services).filter((name) => publishedPorts(services[name] ?? {}).includes('8080:8080'));
      expect(publishing8080).toEqual(['proxy']);
      for (const node of HA_NODES) expect(publishedPorts(services[node] ?? {})).toEqual([]);
    });

    it('runs PostgreSQL 15 on a volume, with byte-order collation and a health check, and gives every node and broker-init its address', () => {
      const { postgres, redis, 'broker-init': init } = haConfig().services;
      expect(postgres?.image).toBe('postgres:15');
      expect(volumeTargets(postgres ?? {})).toContain('/var/lib/postgresql/data');
      expect(JSON.stringify(postgres?.healthcheck?.test)).toContain('pg_isready');
      // Vigil's SQL orders text as SQLite's BINARY collation does (decision 0007: one set of adapters for both engines).
      expect(postgres?.environment?.POSTGRES_INITDB_ARGS).toMatch(/--locale=C\b/);
      expect(postgres?.environment?.POSTGRES_INITDB_ARGS).toMatch(/--encoding=UTF8\b/);
      const { POSTGRES_USER: user, POSTGRES_PASSWORD: password, POSTGRES_DB: db } = postgres?.environment ?? {};
      expect(password).toBeTruthy(); // a demo default, so that a first start works
      const databaseUrl = `postgres://${user}:${password}@postgres:5432/${db}`;
      // broker-init writes the broker's credentials from the device credentials, which are in PostgreSQL here.
      expect(init?.environment?.DATABASE_URL).toBe(databaseUrl);
      expect(init?.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
      for (const node of HA_NODES) expect(haConfig().services[node]?.environment?.DATABASE_URL).toBe(databaseUrl);

      // Redis carries live events only: nothing kept, nothing mounted.
      expect(redis?.image).toBe('redis:7');
      expect(redis?.volumes ?? []).toEqual([]);
      expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'no', '--save', '']));
      expect(JSON.stringify(redis?.healthcheck?.test)).toContain('ping');
    });

    it('runs each node as the single vigil runs, plus its identity, the shared secret, Redis, and the data volume broker-init fills', () => {
      const { services } = haConfig();
      const single = composeConfig().services.vigil!;
      const secrets = new Set<string | null | undefined>();
      for (const node of HA_NODES) {
        const service = services[node]!;
        expect(service.image).toBe(single.image);
        // Same broker, InfluxDB, demo mode, origins, ingest key, cameras as the single node.
        expect(service.environment).toMatchObject(single.environment ?? {});
        expect(service.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', NODE_ID: node, NODE_URL: `http://${node}:8080` });
        expect(service.environment?.NODE_SECRET).toBeTruthy();
        secrets.add(service.environment?.NODE_SECRET);
        // One data volume with broker-init: the broker passwords it wrote and the history offset key
        // must be the same on every node, or a message redelivered to the other node after a
        // takeover would be stored a second time.
        const data = mounts(service).find((m) => m.target === '/data')?.source;
        expect(data).toBe(mounts(services['broker-init'] ?? {}).find((m) => m.target === '/data')?.source);
        expect(service.depends_on).toMatchObject({
          postgres: { condition: 'service_healthy' },
          redis: { condition: 'service_healthy' },
          mosquitto: { condition: 'service_healthy' },
          influxdb: { condition: 'service_healthy' },
        });
      }
      // A forwarded action is accepted only with the secret every node shares.
      expect(secrets.size).toBe(1);
    });

    it('puts nginx in front of exactly the nodes, with WebSocket upgrades, ip_hash stickiness and passive failover', () => {
      const { services } = haConfig();
      const { proxy } = services;
      expect(proxy?.image).toMatch(/^nginx:/);
      expect(publishedPorts(proxy ?? {})).toContain('8080:8080');
      const configMount = mounts(proxy ?? {}).find((m) => m.source.endsWith('nginx.ha.conf'));
      expect(configMount && path.relative(ROOT, configMount.source)).toBe(path.join('config', 'nginx.ha.conf'));
      expect(configMount?.target).toBe('/etc/nginx/conf.d/default.conf');
      // It starts without waiting for a node: with either one absent it must still serve the other.
      expect(proxy?.depends_on ?? {}).toEqual({});

      const conf = readFileSync(path.join(ROOT, 'config/nginx.ha.conf'), 'utf8').replace(/#.*$/gm, '');
      const upstream = /upstream\s+(\S+)\s*\{([^}]*)\}/.exec(conf);
      expect(upstream, 'an upstream block').not.toBeNull();
      const [, upstreamName, body] = upstream!;
      // The upstream's servers are the nodes' own addresses (NODE_URL), each left out for a while after failures.
      const servers = [...body!.matchAll(/^\s*server\s+(\S+)([^;]*);/gm)];
      const nodeAddresses = Object.values(services)
        .filter((service) => service.environment?.NODE_ID)
        .map((service) => new URL(service.environment!.NODE_URL!).host);
      expect(servers.map(([, address]) => address).sort()).toEqual(nodeAddresses.sort());
      for (const [, , options] of servers) {
        expect(options).toMatch(/max_fails=\d+.*fail_timeout=\d+s/);
        // Looked up while nginx runs, so that a node absent at the proxy's start does not keep it from starting.
        expect(options).toMatch(/\bresolve\b/);
      }
      expect(conf).toMatch(/^\s*resolver\s+127\.0\.0\.11\b/m);
      expect(body).toMatch(/^\s*zone\s+\S+\s+\d+k;/m);
      expect(body).toMatch(/^\s*ip_hash;/m);

      const location = (prefix: string) => new RegExp(`location\\s+${prefix.replaceAll('/', '\\/')}\\s*\\{([^}]*)\\}`).exec(conf)?.[1];
      for (const prefix of ['/socket.io/', '/']) expect(location(prefix)).toContain(`proxy_pass http://${upstreamName};`);
      expect(conf).toMatch(/listen\s+8080;/);
      // Upgrade headers and the failover rule are set once for every location (a location setting its own would drop them).
      expect(conf).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
      expect(conf).toMatch(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
      for (const prefix of ['/socket.io/', '/']) expect(location(prefix)).not.toMatch(/proxy_set_header|proxy_next_upstream/);
      // Not on Vigil's own 502/503 answers: those come from both nodes alike and would leave both out (the file says why).
      expect(conf).toMatch(/proxy_next_upstream\s+error\s+timeout;/);
      expect(location('/socket.io/')).toMatch(/proxy_read_timeout\s+\d+h;/);
      // The routes nodes forward to (docs/architecture.md "Several nodes") are not served to the outside.
      expect(location('/api/internal/')).toMatch(/^\s*return\s+404;\s*$/);
    });
  },
);
