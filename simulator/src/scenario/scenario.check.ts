/**
 * Checks a schema-valid scenario against the facility: every selector names real sensors of the
 * scenario's site, each action fits the sensor kinds it targets, and the expectations can be met.
 */
import { KIND_UNITS, type Condition, type EventType, type SensorKind } from '../../../contract/index.ts';
import type { SimFacility } from '../facility/facility.read.ts';
import type { FileProblem, PathSegment } from '../facility/yaml.file.ts';
import type { Scenario, Step } from './scenario.schema.ts';
import { selectSensors } from './scenario.select.ts';

const COMMON_EVENTS: readonly EventType[] = ['tamper', 'tamper_clear', 'fault', 'fault_clear', 'test', 'test_clear'];
/** The events each kind of device sends (docs/contracts.md#mqtt-topics-native). */
export const KIND_EVENTS: Readonly<Record<SensorKind, readonly EventType[]>> = {
  gas: [...COMMON_EVENTS, 'gas', 'gas_clear'],
  co: [...COMMON_EVENTS, 'gas', 'gas_clear'],
  smoke: [...COMMON_EVENTS, 'smoke', 'smoke_clear', 'pre_alarm', 'pre_alarm_clear', 'dirty_chamber'],
  door: [...COMMON_EVENTS, 'open', 'closed', 'access_granted', 'access_denied', 'forced_open'],
  leak: [...COMMON_EVENTS, 'leak', 'leak_clear'],
  waterflow: [...COMMON_EVENTS, 'waterflow', 'waterflow_clear'],
  valve: [...COMMON_EVENTS, 'valve_closed', 'valve_open'],
  pump: [
    ...COMMON_EVENTS,
    'pump_running',
    'pump_running_clear',
    'pump_power_fail',
    'pump_power_fail_clear',
    'pump_phase_reversal',
    'pump_phase_reversal_clear',
  ],
  pressure: COMMON_EVENTS,
};

const COMMON_CONDITIONS: readonly Condition[] = ['fault', 'tamper', 'battery_low', 'offline', 'unknown_device'];
/** The alarm conditions each kind can raise. */
export const KIND_CONDITIONS: Readonly<Record<SensorKind, readonly Condition[]>> = {
  gas: [...COMMON_CONDITIONS, 'gas', 'gas_rise'],
  co: [...COMMON_CONDITIONS, 'co', 'co_rise'],
  smoke: [...COMMON_CONDITIONS, 'smoke', 'smoke_pre_alarm'],
  door: [...COMMON_CONDITIONS, 'door_forced', 'door_held', 'access_denied_burst', 'after_hours_access'],
  leak: [...COMMON_CONDITIONS, 'leak'],
  waterflow: [...COMMON_CONDITIONS, 'waterflow'],
  valve: [...COMMON_CONDITIONS, 'valve_closed'],
  pump: [...COMMON_CONDITIONS, 'pump_running', 'pump_power_fail', 'pump_phase_reversal'],
  pressure: [...COMMON_CONDITIONS, 'pressure_low', 'pressure_high'],
};

/** Scenario seconds the scenario lasts: its `duration`, else 30 s after the last step ends. */
export function scenarioDuration(scenario: Scenario): number {
  if (scenario.duration !== undefined) return scenario.duration;
  return Math.max(...scenario.steps.map(stepEnd)) + 30;
}

/** When a step's own traffic ends (a ramp runs `over` seconds, a repeated event `count` times). */
export function stepEnd(step: Step): number {
  const spread = step.spread ?? 0;
  if (step.ramp) return step.at + spread + step.ramp.over;
  if (step.event) return step.at + spread + (step.event.count - 1) * step.event.every;
  return step.at + spread;
}

export function checkScenario(scenario: Scenario, facility: SimFacility, fileName: string): FileProblem[] {
  const problems: FileProblem[] = [];
  const report = (path: PathSegment[], message: string): void => void problems.push({ path, message });
  if (scenario.name !== fileName) report(['name'], `name "${scenario.name}" must match the file name "${fileName}"`);
  if (!facility.sites.some((s) => s.id === scenario.site)) report(['site'], `unknown site ${scenario.site} (not in ${facility.file})`);
  const duration = scenarioDuration(scenario);

  scenario.steps.forEach((step, i) => {
    const path: PathSegment[] = ['steps', i];
    if (stepEnd(step) > duration) report([...path, 'at'], `the step runs until ${stepEnd(step)} s, after the scenario's duration ${duration} s`);
    if (step.note !== undefined && !hasAction(step)) return;
    const sensors = selectSensors(facility, step);
    if (typeof sensors === 'string') return report(path, sensors);
    const elsewhere = sensors.filter((s) => s.siteId !== scenario.site).map((s) => s.id);
    if (elsewhere.length > 0) report(path, `${elsewhere.join(', ')} not in the scenario's site ${scenario.site}`);
    for (const s of sensors) {
      const problem = actionProblem(step, s.kind);
      if (problem) return report(path, `${s.id}: ${problem}`);
    }
  });

  scenario.expect.forEach((e, i) => {
    const path: PathSegment[] = ['expect', i];
    if (e.within > duration) report([...path, 'within'], `within ${e.within} s is after the scenario's end (${duration} s)`);
    const sensors = selectSensors(facility, e);
    if (typeof sensors === 'string') return report(path, sensors);
    const fitting = sensors.filter((s) => KIND_CONDITIONS[s.kind].includes(e.condition));
    if (fitting.length === 0) report([...path, 'condition'], `no selected sensor can raise ${e.condition}`);
    else if (fitting.length < e.count) report([...path, 'count'], `count ${e.count} but only ${fitting.length} selected sensors can raise ${e.condition}`);
  });
  return problems;
}

function hasAction(step: Step): boolean {
  return (
    step.ramp !== undefined ||
    step.reading !== undefined ||
    step.event !== undefined ||
    step.status !== undefined ||
    step.silence !== undefined ||
    step.disconnect !== undefined ||
    step.resume !== undefined
  );
}

function actionProblem(step: Step, kind: SensorKind): string | null {
  if (step.event && !KIND_EVENTS[kind].includes(step.event.type)) return `a ${kind} sensor does not send ${step.event.type} events`;
  const value = step.ramp?.of === 'value' ? step.ramp : step.reading;
  if (value) {
    const unit = value.unit ?? KIND_UNITS[kind];
    if (kind === 'door') return 'door sensors send no readings';
    if (unit === undefined || unit === null) return `${kind} readings need a unit (e.g. unit: "%obs/m")`;
    if (KIND_UNITS[kind] !== null && unit !== KIND_UNITS[kind]) return `${kind} sensors report in ${KIND_UNITS[kind]}, not ${unit}`;
  }
  return null;
}
