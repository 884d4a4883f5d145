/** The shape of a sensor kind's rules: what the dispatch table in `rules.table.ts` holds. */
import type { EventObservation, EventType, ReadingObservation, Sensor } from '../../../../contract/index.ts';
import type { Run, SensorRuleState } from './engine.types.ts';

export type ReadingRule = (run: Run, rs: SensorRuleState, sensor: Sensor, obs: ReadingObservation) => void;
export type EventRule = (run: Run, rs: SensorRuleState, sensor: Sensor, obs: EventObservation) => void;
/** Runs from `tick` when the sensor's wake-up time has come. */
export type TimerRule = (run: Run, rs: SensorRuleState, sensor: Sensor) => void;

export interface KindRules {
  reading: ReadingRule;
  /** Event types this kind reacts to; others are stored but raise nothing. */
  events: Readonly<Partial<Record<EventType, EventRule>>>;
  timers: TimerRule | null;
  /** Create the kind's own rule state on a fresh SensorRuleState. */
  init(rs: SensorRuleState): void;
}

/** Readings of kinds without thresholds (smoke obscuration, door) only keep the sensor's state fresh. */
export const ignoreReading: ReadingRule = () => undefined;
