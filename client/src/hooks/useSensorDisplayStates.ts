import { useMemo } from 'react';
import type { Facility } from '../../../contract/facility.ts';
import { alarmsBySensor, drillOnlySensors, sensorDisplayState, type SensorDisplayState } from '../domain/sensor.status.ts';
import { useLive } from '../live/useLive.ts';

const NO_ALARMS: never[] = [];

/** The display state of every registered sensor, recomputed when alarms or sensor states change. */
export function useSensorDisplayStates(facility: Facility): ReadonlyMap<string, SensorDisplayState> {
  const alarms = useLive((s) => s.alarms);
  const sensors = useLive((s) => s.sensors);
  return useMemo(() => {
    const bySensor = alarmsBySensor(alarms.values());
    return new Map(facility.sensors.map((s) => [s.id, sensorDisplayState(sensors.get(s.id), bySensor.get(s.id) ?? NO_ALARMS)]));
  }, [facility, alarms, sensors]);
}

/** Sensors whose open alarms all come from a drill: their markers carry a DRILL label. */
export function useDrillSensors(): ReadonlySet<string> {
  const alarms = useLive((s) => s.alarms);
  return useMemo(() => drillOnlySensors(alarms.values()), [alarms]);
}
