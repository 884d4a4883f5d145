/**
 * Compiles a checked scenario into what it sends: a time-ordered list of emissions, the claims it
 * makes on sensors (while a scenario drives a sensor's channel, normal traffic on that channel is
 * held back, so a 24 %LEL ramp is not interleaved with 1 %LEL baseline readings) and the notes
 * to show the drill coordinator. Pure: facility, seed and start time decide everything.
 */
import { KIND_UNITS, type Channel, type Sensor } from '../../../contract/index.ts';
import type { SimFacility } from '../facility/facility.read.ts';
import { emission, round1, willPayload, type Emission } from '../generate/emission.ts';
import { typicalBaseline } from '../generate/normal.analog.ts';
import { createRng } from '../generate/prng.ts';
import { SimulatorError } from '../simulator.errors.ts';
import type { LoadedScenario } from './scenario.library.ts';
import type { Ramp, Step } from './scenario.schema.ts';
import { selectSensors } from './scenario.select.ts';

/** Normal door traffic stops this long before a scenario's first door event: no passage is left half-done. */
const EVENT_CLAIM_LEAD_MS = 30_000;

export interface Claim {
  sensorId: string;
  /** Channels held back from normal traffic; `all` while the sensor is silent or disconnected. */
  channels: readonly Channel[] | 'all';
  from: number;
  to: number;
}

export interface Note {
  at: number;
  text: string;
}

export interface CompiledScenario {
  /** Virtual epoch ms of scenario second 0, and of its end. */
  start: number;
  end: number;
  emissions: Emission[];
  claims: Claim[];
  notes: Note[];
  /** Every sensor a step targets. */
  sensorIds: string[];
}

interface Action {
  t: number;
  order: number;
  step: Step;
  stepIndex: number;
}

interface Segment {
  t: number;
  ramp: Ramp;
  stepIndex: number;
}

export function compileScenario(loaded: LoadedScenario, facility: SimFacility, opts: { seed: number; start: number }): CompiledScenario {
  const { scenario } = loaded;
  const end = opts.start + loaded.durationS * 1000;
  const perSensor = new Map<string, { sensor: Sensor; actions: Action[] }>();
  const notes: Note[] = [];
  let order = 0;
  scenario.steps.forEach((step, stepIndex) => {
    const at = opts.start + step.at * 1000;
    if (step.note !== undefined) notes.push({ at, text: step.note });
    if (step.note !== undefined && Object.keys(step).every((k) => k === 'at' || k === 'note' || k === 'noteZh')) return;
    const sensors = selectSensors(facility, step);
    if (typeof sensors === 'string') throw new SimulatorError('SCENARIO_INVALID', `${loaded.file}: steps[${stepIndex}]: ${sensors}`);
    sensors.forEach((sensor, j) => {
      const offsetMs = step.spread === undefined ? 0 : (j * step.spread * 1000) / sensors.length;
      const entry = perSensor.get(sensor.id) ?? { sensor, actions: [] };
      entry.actions.push({ t: Math.round(at + offsetMs), order: order++, step, stepIndex });
      perSensor.set(sensor.id, entry);
    });
  });

  const emissions: Emission[] = [];
  const claims: Claim[] = [];
  for (const { sensor, actions } of perSensor.values()) {
    actions.sort((a, b) => a.t - b.t || a.order - b.order);
    compileSensor(sensor, actions, { ...opts, end, name: scenario.name }, emissions, claims);
  }
  emissions.sort((a, b) => a.at - b.at);
  return { start: opts.start, end, emissions, claims, notes: notes.sort((a, b) => a.at - b.at), sensorIds: [...perSensor.keys()] };
}

interface SensorContext {
  seed: number;
  end: number;
  name: string;
}

function compileSensor(sensor: Sensor, actions: Action[], ctx: SensorContext, out: Emission[], claims: Claim[]): void {
  const open = new Map<string, Claim>();
  const claim = (key: string, channels: Claim['channels'], from: number): void => {
    if (!open.has(key)) open.set(key, { sensorId: sensor.id, channels, from, to: ctx.end });
  };
  const closeAll = (t: number): void => {
    for (const c of open.values()) claims.push({ ...c, to: t });
    open.clear();
  };
  const values: Segment[] = [];
  const batteries: Segment[] = [];
  /** Times at which a held value stops: silence, disconnect, resume. */
  const cuts: number[] = [];

  for (const { t, step, stepIndex } of actions) {
    if (step.ramp !== undefined || step.reading !== undefined) {
      const ramp: Ramp = step.ramp ?? {
        from: step.reading!.value,
        to: step.reading!.value,
        over: 0.001,
        every: 2,
        noise: 0,
        of: 'value',
        unit: step.reading!.unit,
      };
      const battery = ramp.of === 'battery';
      claim(battery ? 'status' : 'reading', [battery ? 'status' : 'reading'], t);
      (battery ? batteries : values).push({ t, ramp, stepIndex });
    } else if (step.event !== undefined) {
      claim('event', ['event'], t - EVENT_CLAIM_LEAD_MS);
      const ev = step.event;
      for (let k = 0; k < ev.count; k++) {
        const credential = ev.credentials?.[k % ev.credentials.length] ?? ev.credential;
        out.push(
          emission(t + k * ev.every * 1000, sensor, 'event', {
            type: ev.type,
            ...(credential !== undefined && { credential }),
            ...(ev.detail !== undefined && { detail: ev.detail }),
          }),
        );
      }
    } else if (step.status !== undefined) {
      out.push(emission(t, sensor, 'status', step.status as Record<string, number | boolean>));
    } else if (step.silence || step.disconnect) {
      cuts.push(t);
      claim('all', 'all', t);
      if (step.disconnect) out.push(emission(t, sensor, 'status', willPayload(), 'will'));
    } else if (step.resume) {
      cuts.push(t);
      const wasOffline = open.has('all');
      closeAll(t);
      if (wasOffline) out.push(emission(t, sensor, 'status', { online: true }));
    }
  }
  closeAll(ctx.end);
  const samples = (segments: Segment[], of: Ramp['of']): void => {
    let last: number | undefined;
    segments.forEach((seg, i) => {
      const next = Math.min(segments[i + 1]?.t ?? ctx.end, ...cuts.filter((c) => c > seg.t), ctx.end);
      const from = seg.ramp.from ?? last ?? (of === 'battery' ? 80 : sensor.kind === 'smoke' ? 0.1 : typicalBaseline(sensor.kind));
      last = seg.ramp.to;
      const rng = createRng(ctx.seed, `scenario/${ctx.name}/${sensor.id}/${seg.stepIndex}`);
      for (let t = seg.t; t < next; t += seg.ramp.every * 1000) {
        const progress = Math.min(1, (t - seg.t) / (seg.ramp.over * 1000));
        const noisy = from + (seg.ramp.to - from) * progress + (seg.ramp.noise > 0 ? rng.normal(0, seg.ramp.noise) : 0);
        out.push(of === 'battery' ? batterySample(t, sensor, noisy) : valueSample(t, sensor, noisy, seg.ramp.unit));
      }
    });
  };
  samples(values, 'value');
  samples(batteries, 'battery');
}

function valueSample(t: number, sensor: Sensor, v: number, unit: Ramp['unit']): Emission {
  return emission(Math.round(t), sensor, 'reading', { value: round1(Math.max(0, v)), unit: unit ?? KIND_UNITS[sensor.kind] ?? '%obs/m' });
}

function batterySample(t: number, sensor: Sensor, v: number): Emission {
  return emission(Math.round(t), sensor, 'status', { online: true, battery: Math.round(Math.min(100, Math.max(0, v))) });
}
