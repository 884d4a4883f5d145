/**
 * Door-access sensors: forced open → critical in a secure zone, high elsewhere;
 * held open longer than heldOpenS → supervisory (cleared by `closed`); ≥ 3 access denied within
 * 60 s → high; access granted outside the zone's schedule → supervisory; tamper → trouble.
 */
import { isAccessExpected, type DetailText, type EventObservation, type Schedule, type Sensor } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionHeld, conditionOff, conditionOn } from './lifecycle.ts';
import { COMMON_EVENTS } from './rules.common.ts';
import { recordBurst, wakeAt, type Run, type SensorRuleState } from './engine.types.ts';
import { ignoreReading, type KindRules } from './rules.types.ts';

function heldOpenMs(run: Run, sensor: Sensor): number {
  return (sensor.heldOpenS ?? run.ctx.settings.defaultHeldOpenS) * 1000;
}

function opened(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const door = rs.door;
  if (door === null || door.open) return;
  door.open = true;
  door.openSince = run.now;
  wakeAt(rs, run.now + heldOpenMs(run, sensor));
}

function checkHeld(run: Run, rs: SensorRuleState, sensor: Sensor): void {
  const door = rs.door;
  if (door === null || !door.open || door.openSince === null) return;
  const due = door.openSince + heldOpenMs(run, sensor);
  if (run.now >= due) conditionOn(run, rs, 'door_held', SPECS.doorHeld, null, { key: 'held_open', params: { seconds: heldOpenMs(run, sensor) / 1000 } });
  else wakeAt(rs, due);
}

function denied(run: Run, rs: SensorRuleState, _sensor: Sensor, obs: EventObservation): void {
  const door = rs.door;
  if (door === null) return;
  const { deniedBurstCount, deniedBurstWindowS } = run.ctx.settings;
  if (!recordBurst(door.denied, run.now, deniedBurstCount, deniedBurstWindowS * 1000)) return;
  // Present until a whole window passes without another denial.
  const detail: DetailText = { key: 'denied_burst', params: { count: deniedBurstCount, windowS: deniedBurstWindowS, credential: obs.credential ?? '' } };
  conditionHeld(run, rs, 'access_denied_burst', SPECS.deniedBurst, null, detail, deniedBurstWindowS * 1000);
}

function expected(schedule: Schedule, timezone: string, t: number): boolean {
  try {
    return isAccessExpected(schedule, timezone, t);
  } catch {
    // An unknown zone is the config loader's to reject; one bad access event must not stop ingest.
    return isAccessExpected(schedule, 'UTC', t);
  }
}

function granted(run: Run, rs: SensorRuleState, sensor: Sensor, obs: EventObservation): void {
  if (sensor.schedule === null) return;
  const schedules = run.ctx.registry.facility.schedules;
  const schedule = Object.hasOwn(schedules, sensor.schedule) ? schedules[sensor.schedule] : undefined;
  if (schedule === undefined) return;
  const timezone = run.ctx.registry.site(sensor.siteId)?.timezone ?? 'UTC';
  // The moment of access is the device's, not our receive time: a late delivery is still after
  // hours. Unless the device's clock is known to be wrong (clock_wrong, rules.observation.ts):
  // then the receive time is the better guess.
  const at = rs.points.clock_wrong?.active === true ? obs.receivedAt : obs.ts;
  if (expected(schedule, timezone, at)) return;
  const detail: DetailText | null = obs.credential ? { key: 'credential', params: { credential: obs.credential } } : null;
  conditionHeld(run, rs, 'after_hours_access', SPECS.afterHours, null, detail, run.ctx.settings.momentaryHoldS * 1000);
}

export const doorRules: KindRules = {
  init(rs) {
    rs.door = { open: false, openSince: null, denied: [] };
  },
  reading: ignoreReading,
  events: {
    ...COMMON_EVENTS,
    open: (run, rs, sensor) => opened(run, rs, sensor),
    forced_open: (run, rs, sensor, obs) => {
      opened(run, rs, sensor);
      conditionOn(run, rs, 'door_forced', sensor.secureZone ? SPECS.doorForcedSecure : SPECS.doorForced, null, obs.detail ?? null);
    },
    closed: (run, rs) => {
      if (rs.door !== null) {
        rs.door.open = false;
        rs.door.openSince = null;
      }
      conditionOff(run, rs, 'door_held');
      conditionOff(run, rs, 'door_forced');
    },
    access_denied: denied,
    access_granted: granted,
  },
  timers: checkHeld,
};
