/**
 * `npx tsx scripts/bench/engine.bench.ts` — the alarm engine's cost in the ingest path
 * (ingest runs at 50,000 observations/s). Evaluates 1,000,000 normal readings (gas 0–3 %LEL and CO
 * 0–5 ppm with noise, nothing pending, no open alarm) over 2,000 registered sensors with a fake
 * clock at 50,000 observations/s, ticking once per simulated second. Prints evaluations/s, the
 * mean tick time, and heap growth. Flags: --readings 1000000 --sensors 2000.
 */
import { parseArgs } from 'node:util';
import type { ReadingObservation, Sensor } from '../../contract/index.ts';
import { createEngineState, DEFAULT_ENGINE_SETTINGS, evaluate, tick, type EngineContext } from '../../server/src/domain/alarm/index.ts';

const { values: args } = parseArgs({
  options: { readings: { type: 'string', default: '1000000' }, sensors: { type: 'string', default: '2000' } },
});
const READINGS = Number(args.readings);
const SENSORS = Number(args.sensors);
const RATE = 50_000;
const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);

const sensors: Sensor[] = Array.from({ length: SENSORS }, (_, i) => {
  const gas = i % 2 === 0;
  return {
    id: `S-${i}`,
    name: `sensor ${i}`,
    kind: gas ? 'gas' : 'co',
    siteId: 'hq',
    floorId: 'f1',
    zoneId: `z${i % 40}`,
    secureZone: false,
    x: 0,
    y: 0,
    unit: gas ? '%LEL' : 'ppm',
    thresholds: gas
      ? { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 }
      : { low: 35, high: 200, deadband: 5, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 20, riseWindowS: 30 },
    heartbeatS: 60,
    heldOpenS: null,
    leakOnDelayS: null,
    batteryLowPct: 20,
    schedule: null,
    source: { adapter: 'native' },
  };
});
const byId = new Map(sensors.map((s) => [s.id, s]));
const ctx: EngineContext = {
  registry: { facility: { schedules: {}, sops: {} }, sensor: (id) => byId.get(id), site: () => undefined, allSensors: () => sensors },
  settings: { ...DEFAULT_ENGINE_SETTINGS },
};

// Observations are built by ingest anyway; a pool of them keeps the measurement on the engine.
let seed = 42;
const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pool: ReadingObservation[] = Array.from({ length: 20_000 }, (_, i) => {
  const sensor = sensors[i % SENSORS] as Sensor;
  const gas = sensor.kind === 'gas';
  return {
    siteId: 'hq',
    sensorId: sensor.id,
    zoneId: sensor.zoneId,
    kind: sensor.kind,
    ts: T0,
    receivedAt: T0,
    source: 'mqtt',
    channel: 'reading',
    value: gas ? 1.5 + random() * 1.5 : 2 + random() * 3,
    unit: gas ? '%LEL' : 'ppm',
  };
});

function run(count: number, startAt: number): { evaluations: number; ms: number; ticks: number; tickMs: number; events: number } {
  let state = createEngineState();
  let events = 0;
  let ticks = 0;
  let tickMs = 0;
  let nextTick = startAt + 1000;
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const now = startAt + Math.floor((i * 1000) / RATE);
    if (now >= nextTick) {
      const t = performance.now();
      const r = tick(state, ctx, now);
      tickMs += performance.now() - t;
      ticks += 1;
      events += r.events.length;
      state = r.state;
      nextTick += 1000;
    }
    const obs = pool[i % pool.length] as ReadingObservation;
    const r = evaluate(state, obs, byId.get(obs.sensorId), ctx, now);
    state = r.state;
    events += r.events.length;
  }
  return { evaluations: count, ms: performance.now() - started - tickMs, ticks, tickMs, events };
}

run(200_000, T0); // warm up the JIT
const heapBefore = process.memoryUsage().heapUsed;
const r = run(READINGS, T0);
const heapAfter = process.memoryUsage().heapUsed;
const perS = Math.round((r.evaluations / r.ms) * 1000);
process.stdout.write(
  [
    `alarm engine: ${r.evaluations.toLocaleString('en')} normal readings over ${SENSORS} sensors in ${r.ms.toFixed(0)} ms`,
    `  ${perS.toLocaleString('en')} evaluations/s (${((r.ms * 1e6) / r.evaluations).toFixed(0)} ns each; ingest needs 50,000/s)`,
    `  ${r.ticks} ticks, mean ${(r.tickMs / Math.max(1, r.ticks)).toFixed(3)} ms; ${r.events} alarm events (expected 0)`,
    `  heap ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB after the run (GC-dependent)`,
  ].join('\n') + '\n',
);
