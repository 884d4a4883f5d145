/**
 * Sprinkler correlation (docs/contracts.md#sprinkler-supervision): water flow in a zone with an
 * open fire alarm is the same fire. The water-flow alarm then carries the fire's procedure and
 * joins one incident with the fire alarm, at the fire's priority, whichever of the two came
 * first, so the officer sees one fire, not two emergencies. Water flow with no fire alarm keeps
 * its own procedure (`waterflow_no_fire`: a pipe may have burst).
 *
 * Both are life-safety alarms, which flood grouping never folds into a group; this incident is
 * not a flood group but the fire itself, and holds nothing but the fire's own signals.
 */
import type { Alarm, DrillSignalCounts } from '../../../../contract/index.ts';
import { isWaterflowWithFire, sopFor } from './conditions.ts';
import { alarmChanged } from './events.ts';
import { join } from './flood.ts';
import type { Run, SensorRuleState } from './engine.types.ts';

/** The conditions that are a fire alarm (NFPA 72 initiating devices: smoke detectors here). */
const FIRE_CONDITIONS: ReadonlySet<Alarm['condition']> = new Set(['smoke']);

const sameZone = (a: Alarm, b: Pick<Alarm, 'siteId' | 'zoneId' | 'drill'>): boolean => a.siteId === b.siteId && a.zoneId === b.zoneId && a.drill === b.drill;

const isOpen = (a: Alarm): boolean => a.state !== 'cleared';

/** An open fire alarm in the rule state's zone (the same drill, or none), the oldest first. */
export function fireAlarmInZone(run: Run, rs: Pick<SensorRuleState, 'siteId' | 'zoneId' | 'drill'>): Alarm | undefined {
  for (const a of run.state.alarms.values()) if (FIRE_CONDITIONS.has(a.condition) && isOpen(a) && sameZone(a, rs)) return a;
  return undefined;
}

/**
 * After an alarm is raised: a water flow with a fire alarm in its zone, or a fire alarm with a
 * water flow in its zone, become one incident. A water flow raised before the fire alarm takes the
 * fire's procedure when the fire alarm comes.
 */
export function correlateSprinkler(run: Run, alarm: Alarm): void {
  if (alarm.condition === 'waterflow') {
    const fire = fireAlarmInZone(run, alarm);
    if (fire !== undefined) oneFire(run, fire, alarm);
  } else if (FIRE_CONDITIONS.has(alarm.condition)) {
    for (const a of run.state.alarms.values()) if (a.condition === 'waterflow' && isOpen(a) && sameZone(a, alarm)) oneFire(run, alarm, a);
  }
}

function oneFire(run: Run, fire: Alarm, flow: Alarm): void {
  if (!isWaterflowWithFire(flow.text?.params.detail ?? null)) {
    const sop = sopFor(run.ctx.registry.facility.sops, 'waterflow', flow.priority, { key: 'waterflow_with_fire', params: { sensor: fire.sensorName } });
    flow.sopKey = sop.key;
    flow.sop = sop.steps;
    alarmChanged(run, 'updated', flow);
  }
  if (fire.incidentId === null) join(run, fire, 'fire_incident');
  if (flow.incidentId === null) join(run, flow, 'fire_incident');
}

/** A drill's (or any set of) alarms counted by signal class, with the water-flow and valve signals. */
export function signalCounts(alarms: readonly Pick<Alarm, 'class' | 'condition'>[]): DrillSignalCounts {
  const counts: DrillSignalCounts = { byClass: { alarm: 0, supervisory: 0, trouble: 0 }, waterflow: 0, valve: 0 };
  for (const a of alarms) {
    counts.byClass[a.class] += 1;
    if (a.condition === 'waterflow') counts.waterflow += 1;
    if (a.condition === 'valve_closed') counts.valve += 1;
  }
  return counts;
}
