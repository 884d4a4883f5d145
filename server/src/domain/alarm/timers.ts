/**
 * Per-sensor timers, driven by `tick`: on-delays, held-open doors, momentary holds, shelf expiry
 * and the offline watchdog. Each rule state carries the earliest time anything may fire
 * (`wakeAt`), so a tick over thousands of quiet sensors is one comparison each.
 */
import type { Condition, Sensor } from '../../../../contract/index.ts';
import { conditionOff } from './lifecycle.ts';
import { selfTestTimer } from './rules.selftest.ts';
import { RULES } from './rules.table.ts';
import { watchdog } from './rules.watchdog.ts';
import { expireShelf } from './shelving.ts';
import { wakeAt, type Run, type SensorRuleState } from './engine.types.ts';

/** Run everything due for one sensor (rule state of a registered sensor, real or drill). */
export function sensorTick(run: Run, rs: SensorRuleState, sensor: Sensor | undefined): void {
  if (sensor !== undefined) watchdog(run, rs, sensor);
  if (rs.wakeAt !== null && rs.wakeAt <= run.now) runTimers(run, rs, sensor);
}

function runTimers(run: Run, rs: SensorRuleState, sensor: Sensor | undefined): void {
  rs.wakeAt = null;
  for (const condition of Object.keys(rs.points) as Condition[]) {
    const p = rs.points[condition];
    if (p === undefined) continue;
    if (p.holdUntil !== null) {
      if (run.now >= p.holdUntil) conditionOff(run, rs, condition);
      else wakeAt(rs, p.holdUntil);
    }
    expireShelf(run, rs, p);
  }
  if (sensor !== undefined) {
    RULES[sensor.kind].timers?.(run, rs, sensor);
    // Any kind may be put in test mode, so its limit is watched here rather than by each kind.
    selfTestTimer(run, rs, sensor);
  }
}
