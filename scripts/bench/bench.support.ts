/** Shared by the benchmarks: a generated facility of gas detectors, signing in, running and printing. */
import fs from 'node:fs';
import path from 'node:path';
import { stopAllServices } from '../../test/support/services.ts';
import type { VigilHandle } from '../../test/support/vigil.ts';

/** Writes a one-site facility with the given gas detector ids; returns the yaml file. */
export function writeBenchFacility(dir: string, sensorIds: string[]): string {
  fs.mkdirSync(path.join(dir, 'plans'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'plans/bench.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1000"><rect width="1000" height="1000" fill="none" stroke="#888"/></svg>',
  );
  const yaml = [
    'facility: { name: Benchmark }',
    'defaults:',
    '  gas: { heartbeatS: 600, thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 } }',
    'sites:',
    '  - id: bench',
    '    name: Benchmark site',
    '    timezone: UTC',
    '    floors:',
    '      - id: bench-1f',
    '        name: Floor',
    '        plan: plans/bench.svg',
    '        zones:',
    '          - id: hall',
    '            name: Hall',
    '            sensors:',
    ...sensorIds.map((id, i) => `              - { id: ${id}, name: "Gas ${i}", kind: gas, x: ${i % 1000}, y: ${Math.floor(i / 1000) % 1000} }`),
    '',
  ].join('\n');
  const file = path.join(dir, 'facility.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

/**
 * Signs in as the demo officer when the server has accounts; returns the session cookie,
 * or null when the server does not know sessions.
 */
export async function benchLogin(vigil: VigilHandle): Promise<string | null> {
  const res = await fetch(`${vigil.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: process.env.BENCH_USER ?? 'officer', password: process.env.BENCH_PASSWORD ?? 'demo-officer-password' }),
  });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')?.split(';')[0] ?? null;
}

export interface ZonedBenchFacility {
  file: string;
  /** Zones in order, each with the sensor ids dealt to it. */
  zones: { floorId: string; zoneId: string; name: string; sensorIds: string[] }[];
}

const ZONE_NAMES = ['Boiler house', 'Compressor hall', 'Gas meter room', 'Kitchen line', 'Plant room', 'Loading bay', 'Laboratory', 'Generator room'];

/**
 * Like writeBenchFacility, but for screens that should look like a real site: one site of
 * `floors` floors with `zonesPerFloor` zones each, every zone outlined on its floor's plan
 * (`<rect data-zone>`, viewBox 0 0 1000 600) with its gas detectors on a grid inside. Sensors are
 * dealt to the zones in order, in equal runs.
 */
export function writeZonedBenchFacility(
  dir: string,
  sensorIds: string[],
  o: { siteId: string; floors: number; zonesPerFloor: number; timezone?: string },
): ZonedBenchFacility {
  fs.mkdirSync(path.join(dir, 'plans'), { recursive: true });
  const zoneCount = o.floors * o.zonesPerFloor;
  const perZone = Math.ceil(sensorIds.length / zoneCount);
  const zones: ZonedBenchFacility['zones'] = [];
  const yaml = [
    'facility: { name: Benchmark plant }',
    'defaults:',
    '  gas: { heartbeatS: 600, thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 } }',
    'sites:',
    `  - id: ${o.siteId}`,
    '    name: Benchmark plant',
    `    timezone: ${o.timezone ?? 'UTC'}`,
    '    floors:',
  ];
  // Zones on a grid over the floor (0 0 1000 600, 40 units of margin), detectors on a grid inside each.
  const gridCols = Math.ceil(Math.sqrt(o.zonesPerFloor));
  const gridRows = Math.ceil(o.zonesPerFloor / gridCols);
  const width = 920 / gridCols;
  const height = 520 / gridRows;
  for (let f = 0; f < o.floors; f++) {
    const floorId = `${o.siteId}-l${f + 1}`;
    const plan = `plans/${floorId}.svg`;
    const svg = [
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 600" class="vigil-plan">',
      '<style>.vigil-plan .zone{fill:#8a8f98;fill-opacity:.08;stroke:#8a8f98;stroke-width:3}.vigil-plan text{font-family:sans-serif;font-size:16px;fill:#8a8f98;text-anchor:middle}</style>',
    ];
    yaml.push(`      - id: ${floorId}`, `        name: Level ${f + 1}`, `        plan: ${plan}`, '        zones:');
    for (let z = 0; z < o.zonesPerFloor; z++) {
      const k = f * o.zonesPerFloor + z;
      const ids = sensorIds.slice(k * perZone, (k + 1) * perZone);
      const zoneId = `${floorId}-z${z + 1}`;
      const name = `${ZONE_NAMES[k % ZONE_NAMES.length]} ${f + 1}.${z + 1}`;
      zones.push({ floorId, zoneId, name, sensorIds: ids });
      const x0 = 40 + (z % gridCols) * width;
      const y0 = 40 + Math.floor(z / gridCols) * height;
      svg.push(
        `<rect class="zone" data-zone="${zoneId}" x="${x0}" y="${y0}" width="${width}" height="${height}"/>`,
        `<text x="${x0 + width / 2}" y="${y0 + 20}">${name}</text>`,
      );
      yaml.push(`          - id: ${zoneId}`, `            name: ${name}`, '            sensors:');
      // Below the zone's name, with a margin: columns and rows in the proportions of the free area.
      const [w, h] = [width - 30, height - 50];
      const cols = Math.max(1, Math.round(Math.sqrt((ids.length * w) / h)));
      const rows = Math.ceil(ids.length / cols);
      ids.forEach((id, i) => {
        const x = Math.round(x0 + 15 + ((i % cols) + 0.5) * (w / cols));
        const y = Math.round(y0 + 35 + (Math.floor(i / cols) + 0.5) * (h / rows));
        yaml.push(`              - { id: ${id}, name: "Gas detector ${i + 1}", kind: gas, x: ${x}, y: ${y} }`);
      });
    }
    svg.push('</svg>');
    fs.writeFileSync(path.join(dir, plan), svg.join('\n'));
  }
  const file = path.join(dir, 'facility.yaml');
  fs.writeFileSync(file, [...yaml, ''].join('\n'));
  return { file, zones };
}

/**
 * The load generator a benchmark runs in a worker thread (`--publisher`): `raw` encodes MQTT
 * 3.1.1 frames itself (lean, the default: the publisher shares the CPU with the system under
 * test), `mqttjs` uses mqtt.js. Both take the same workerData and post the same messages. Null
 * for an unknown name.
 */
export function publisherWorker(name: string | undefined): { name: 'raw' | 'mqttjs'; url: URL } | null {
  if (name === 'raw') return { name, url: new URL('./publisher.raw.worker.mjs', import.meta.url) };
  if (name === 'mqttjs') return { name, url: new URL('./publisher.worker.mjs', import.meta.url) };
  return null;
}

/** A publisher worker's messages: `{ sent, acked }` each second, then the final one (`done`). */
export interface PublisherResult {
  done?: boolean;
  sent: number;
  /** Acknowledged by the broker (PUBACK). */
  acked: number;
  seconds: number;
  /** Final message: CPU time of the worker's process since the worker started, ms (GC threads included). */
  cpuMs: number;
  /** Final message: CPU time of the worker thread alone, ms (Linux; NaN elsewhere). */
  threadCpuMs: number;
  /** Final message, `live` mode: the device timestamps of the first and last messages (ms). */
  firstTs: number | null;
  lastTs: number | null;
  /** Final message: the numbers of the messages the broker never acknowledged (PUBACK), ascending. */
  unacked?: number[];
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN when it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** The pid of the process whose command line mentions `needle` (a service's config file). */
export function pidOf(needle: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Runs a benchmark's `main`; on failure prints why, stops the services it started and exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch(async (err: unknown) => {
    process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
    await stopAllServices();
    process.exit(1);
  });
}

/** A number for the results tables: `d` decimals, thousands separated; n/a when not finite. */
export const fmt = (n: number, d = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a';
