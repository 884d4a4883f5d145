/**
 * `run`, `scenario` and `drill`: build the emission stream (normal operations, a scenario on top,
 * drill tagging), then play it — live through one MQTT connection per device, or as JSON lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sensor } from '../../../contract/index.ts';
import type { CommandSpec, CommonSpec, DrillSpec } from '../cli/program.ts';
import { endDrill, registerDrill, toDrillExpectations, type DrillServer } from '../drill/drill.client.ts';
import { makeDrillId, tagDrill } from '../drill/drill.id.ts';
import { readFacility, sensorsOf, type SimFacility } from '../facility/facility.read.ts';
import { willPayload, type Emission, type Payload } from '../generate/emission.ts';
import { bridgeStartup, zigbee2mqttGateways } from '../generate/normal.gateway.ts';
import { normalOperations } from '../generate/normal.operations.ts';
import { mergeByTime, takeUntil } from '../generate/stream.merge.ts';
import { DevicePublisher, type GatewayDevice } from '../publish/mqtt.publisher.ts';
import { LinePublisher } from '../publish/publisher.ts';
import { compileScenario, type Note } from '../scenario/scenario.compile.ts';
import { loadScenario } from '../scenario/scenario.library.ts';
import { playScenario } from '../scenario/scenario.play.ts';
import { errorText, usageError } from '../simulator.errors.ts';
import { info, warn, type CliContext } from './cli.context.ts';
import { startProgress } from './progress.ts';
import { runStream } from './stream.runner.ts';

type TrafficSpec = Extract<CommandSpec, { command: 'run' | 'scenario' | 'drill' }>;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Dry runs of `run` need an end: ten minutes of virtual time unless --duration says otherwise. */
const DRY_RUN_DEFAULT_S = 600;
const DRAIN_TIMEOUT_MS = 10_000;

/** A relative facility path is looked up from the working directory, then from the repository root. */
export function resolveFacilityPath(file: string): string {
  if (path.isAbsolute(file) || existsSync(file)) return file;
  const fromRoot = path.join(ROOT, file);
  return existsSync(fromRoot) ? fromRoot : file;
}

/** Everything a run needs to be played, whatever the command. */
interface Plan {
  label: string;
  stream: Iterable<Emission>;
  start: number;
  end?: number;
  speed: number;
  devices: Sensor[];
  /** Gateways publishing their own topics, each on its own connection with its own last will. */
  gateways: GatewayDevice[];
  will: Payload;
  notes: Note[];
  /** Scenario second 0 (notes are told relative to it). */
  origin: number;
  drill?: { id: string; scenario: string; siteId: string; expected: ReturnType<typeof toDrillExpectations> };
}

export function loadFacilityFor(common: CommonSpec): SimFacility {
  const facility = readFacility(resolveFacilityPath(common.facility));
  if (common.site !== undefined && !facility.sites.some((s) => s.id === common.site)) {
    throw usageError(`unknown site "${common.site}": ${common.facility} has ${facility.sites.map((s) => s.id).join(', ')}`);
  }
  return facility;
}

export function seedFor(common: CommonSpec, ctx: CliContext): number {
  if (common.seed !== undefined) return common.seed;
  const seed = ctx.randomSeed();
  info(ctx, `seed ${seed} (pass --seed ${seed} to replay this run)`);
  return seed;
}

/** Builds the stream and what goes with it, without publishing anything. */
export function planTraffic(spec: TrafficSpec, facility: SimFacility, seed: number, start: number, ctx: CliContext): Plan {
  const { common } = spec;
  if (spec.command === 'run') {
    const durationS = spec.durationS ?? (common.dryRun ? DRY_RUN_DEFAULT_S : undefined);
    const end = durationS === undefined ? undefined : start + durationS * 1000;
    const normal = normalOperations(facility, { seed, start, zigbee2mqtt: true, ...(common.site !== undefined && { siteId: common.site }) });
    const devices = sensorsOf(facility, common.site);
    const bridges = zigbee2mqttGateways(facility, common.site);
    const all = mergeByTime([bridgeStartup(bridges, devices, start), normal]);
    return {
      label: 'run',
      stream: end === undefined ? all : takeUntil(all, end),
      start,
      ...(end !== undefined && { end }),
      speed: common.speed,
      devices,
      // Zigbee2MQTT's own last will: its bridge state, retained, offline.
      gateways: bridges.map((g) => ({
        id: g.id,
        siteId: g.siteId,
        will: { topic: `${g.baseTopic}/bridge/state`, payload: JSON.stringify({ state: 'offline' }), retain: true },
      })),
      will: willPayload(),
      notes: [],
      origin: start,
    };
  }
  const loaded = loadScenario(spec.name, facility);
  const { scenario } = loaded;
  if (common.site !== undefined && common.site !== scenario.site)
    throw usageError(`scenario ${scenario.name} is for site ${scenario.site}, not ${common.site}`);
  let speed = common.speed;
  if (scenario.maxSpeed !== undefined && speed > scenario.maxSpeed) {
    warn(
      ctx,
      `${scenario.name} plays at most at --speed ${scenario.maxSpeed} (the server's timers run in real time; faster, expected alarms would be missed): using ${scenario.maxSpeed}`,
    );
    speed = scenario.maxSpeed;
  }
  const compiled = compileScenario(loaded, facility, { seed, start: start + spec.leadInS * 1000 });
  const background = spec.background ? normalOperations(facility, { seed, start, siteId: scenario.site }) : null;
  const devices = spec.background ? sensorsOf(facility, scenario.site) : facility.sensors.filter((s) => compiled.sensorIds.includes(s.id));
  const plan: Plan = {
    label: scenario.name,
    stream: playScenario(compiled, background),
    start,
    end: compiled.end,
    speed,
    devices,
    gateways: [],
    will: willPayload(),
    notes: compiled.notes,
    origin: compiled.start,
  };
  if (spec.command !== 'drill') return plan;
  const id = spec.drill?.drillId ?? makeDrillId(scenario.name, start);
  return {
    ...plan,
    label: `DRILL ${scenario.name}`,
    stream: tagDrill(plan.stream, id),
    will: willPayload(id),
    drill: { id, scenario: scenario.name, siteId: scenario.site, expected: toDrillExpectations(scenario) },
  };
}

export async function runTraffic(spec: TrafficSpec, ctx: CliContext): Promise<number> {
  const { common } = spec;
  const facility = loadFacilityFor(common);
  const seed = seedFor(common, ctx);
  const start = common.dryRun ? (common.start ?? ctx.clock.now()) : ctx.clock.now();
  const plan = planTraffic(spec, facility, seed, start, ctx);
  if (plan.drill) {
    if (common.dryRun) info(ctx, `drill ${plan.drill.id}`);
    else ctx.out(`drill ${plan.drill.id}\n`);
  }
  const onNote = (n: Note): void => info(ctx, `${plan.label} t+${Math.round((n.at - plan.origin) / 1000)} s: ${n.text}`);
  if (common.dryRun) {
    const publisher = new LinePublisher(ctx.out);
    const result = await runStream({
      stream: plan.stream,
      publisher,
      virtualStart: start,
      ...(plan.end !== undefined && { until: plan.end }),
      speed: plan.speed,
      live: false,
      clock: ctx.clock,
      signal: ctx.signal,
      notes: plan.notes,
      onNote,
    });
    info(ctx, `${publisher.stats().sent} observations over ${Math.round((result.reached - start) / 1000)} virtual seconds (dry run, nothing published)`);
    return 0;
  }

  const publisher = await DevicePublisher.open(plan.devices, brokerOptions(common, ctx), plan.will, plan.gateways);
  info(ctx, `${plan.devices.length} devices connected to ${common.broker}${plan.speed === 1 ? '' : ` (speed ×${plan.speed})`}`);
  const server = plan.drill && spec.command === 'drill' && spec.drill?.register ? drillServer(spec.drill, ctx) : null;
  const registration = server && plan.drill ? await registerDrill({ ...plan.drill, speed: plan.speed }, server) : null;
  if (registration?.registered) info(ctx, `drill ${plan.drill!.id} registered with ${server!.url}`);
  const startedReal = ctx.clock.now();
  let reached = start;
  const stopProgress = startProgress(
    {
      label: plan.label,
      elapsedMs: () => reached - start,
      ...(plan.end !== undefined && { totalMs: plan.end - start }),
      speed: plan.speed,
      stats: () => publisher.stats(),
    },
    ctx.err,
  );
  let result;
  try {
    result = await runStream({
      stream: plan.stream,
      publisher,
      virtualStart: start,
      ...(plan.end !== undefined && { until: plan.end }),
      speed: plan.speed,
      live: true,
      clock: ctx.clock,
      signal: ctx.signal,
      notes: plan.notes,
      onNote,
      onAdvance: (t) => (reached = t),
    });
  } finally {
    stopProgress();
    await publisher.drain(DRAIN_TIMEOUT_MS);
    await publisher.close();
  }
  if (server && registration?.registered) await endDrill(plan.drill!.id, server, registration.cookie);
  const st = publisher.stats();
  const seconds = ((ctx.clock.now() - startedReal) / 1000).toFixed(1);
  ctx.out(
    `${result.stopped ? 'stopped: ' : ''}sent ${st.sent} observations, acked ${st.acked}, failed ${st.failed}, in ${seconds} s (${Math.round((result.reached - start) / 1000)} virtual s)\n`,
  );
  if (st.acked < st.sent) {
    warn(ctx, `${st.sent - st.acked} messages were not acknowledged by the broker`);
    return 1;
  }
  return 0;
}

export function brokerOptions(common: CommonSpec, ctx: CliContext) {
  const password = common.passwordFile !== undefined ? readPasswordFile(common.passwordFile) : common.password;
  return {
    url: common.broker,
    connectTimeoutMs: common.connectTimeoutS * 1000,
    warn: (m: string) => warn(ctx, m),
    ...(common.username !== undefined && { username: common.username }),
    ...(password !== undefined && { password }),
  };
}

function readPasswordFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[0]!;
  } catch (err) {
    throw usageError(`cannot read the MQTT password from --password-file ${file}: ${errorText(err)}`);
  }
}

function drillServer(d: DrillSpec, ctx: CliContext): DrillServer {
  return {
    url: d.server,
    warn: (m) => warn(ctx, m),
    ...(d.apiUser !== undefined && { user: d.apiUser }),
    ...(d.apiPassword !== undefined && { password: d.apiPassword }),
  };
}
