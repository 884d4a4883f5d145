/**
 * Gas (%LEL) and CO (ppm) detectors: low → supervisory/high, high →
 * alarm/critical/latching, as one alarm whose priority rises in place; deadband on the way down;
 * on-delay on the way up (default 2 s for low, 0 for high); rate of rise while below low →
 * pre-alarm. A reading in another unit than the sensor's is never compared.
 *
 * The common case — a normal reading, nothing pending — costs a few comparisons and one step of
 * the rise window's monotonic deque, and allocates nothing.
 */
import type { Condition, Sensor, Thresholds } from '../../../../contract/index.ts';
import { SPECS, levelDetail } from './conditions.ts';
import { conditionOff, conditionOn, openAlarmOf } from './lifecycle.ts';
import { COMMON_EVENTS } from './rules.common.ts';
import { heldDuringTest, signalCleared } from './rules.selftest.ts';
import { wakeAt, type AnalogState, type Run, type SensorRuleState } from './engine.types.ts';
import type { KindRules } from './rules.types.ts';

interface AnalogConditions {
  kind: 'gas' | 'co';
  level: Condition;
  rise: Condition;
}

function initAnalog(rs: SensorRuleState): void {
  rs.analog = { level: 0, aboveLowSince: null, aboveHighSince: null, riseT: [], riseV: [] };
}

/** Push a sample into the rise window; returns how far `v` is above the window's minimum. */
function riseOver(a: AnalogState, th: Thresholds, v: number, now: number): number {
  const t = a.riseT;
  const vs = a.riseV;
  while (vs.length > 0 && (vs[vs.length - 1] ?? 0) >= v) {
    vs.pop();
    t.pop();
  }
  vs.push(v);
  t.push(now);
  const since = now - th.riseWindowS * 1000;
  while ((t[0] ?? now) < since) {
    t.shift();
    vs.shift();
  }
  return v - (vs[0] ?? v);
}

/** Raise the level whose on-delay has run out; otherwise wake up when it will. */
function raiseDue(run: Run, rs: SensorRuleState, th: Thresholds, a: AnalogState, c: AnalogConditions, v: number): void {
  if (a.level < 2 && a.aboveHighSince !== null) {
    const due = a.aboveHighSince + th.highOnDelayS * 1000;
    if (run.now >= due) {
      a.level = 2;
      conditionOff(run, rs, c.rise); // superseded by the alarm it foreshadowed
      conditionOn(run, rs, c.level, SPECS.levelHigh, v, levelDetail('high', th));
    } else wakeAt(rs, due);
  }
  if (a.level < 1 && a.aboveLowSince !== null) {
    const due = a.aboveLowSince + th.lowOnDelayS * 1000;
    if (run.now >= due) {
      a.level = 1;
      conditionOff(run, rs, c.rise);
      // Back at low under a high alarm that latched: the same critical alarm re-activates, and
      // its message must name the level it is at, not the low one.
      const point = rs.points[c.level];
      const latchedHigh = point !== undefined && openAlarmOf(run.state, point)?.priority === SPECS.levelHigh.priority;
      conditionOn(run, rs, c.level, SPECS.levelLow, v, levelDetail('low', th, latchedHigh));
    } else wakeAt(rs, due);
  }
}

function analogRules(c: AnalogConditions): KindRules {
  return {
    init: initAnalog,
    reading(run, rs, sensor, obs) {
      const th = sensor.thresholds;
      const a = rs.analog;
      if (th === null || a === null || obs.unit !== sensor.unit) return;
      const v = obs.value;
      const rise = riseOver(a, th, v, run.now);
      if (v < th.low) {
        a.aboveLowSince = null;
        a.aboveHighSince = null;
        if (a.level === 0) {
          // Rate of rise only while below low; above, the level alarm speaks.
          const rising = rs.points[c.rise]?.active === true;
          if (!rising && rise >= th.riseRate)
            conditionOn(run, rs, c.rise, SPECS.rise, v, { key: 'rise', params: { rise: round(rise), windowS: th.riseWindowS } });
          else if (rising && rise < Math.max(th.riseRate - th.deadband, th.riseRate / 2)) conditionOff(run, rs, c.rise);
          return;
        }
      } else {
        a.aboveLowSince ??= run.now;
        if (v >= th.high) a.aboveHighSince ??= run.now;
        else a.aboveHighSince = null;
        raiseDue(run, rs, th, a, c, v);
      }
      // Deadband: leave a level only clearly below it, so a value hovering at a threshold does not chatter.
      if (a.level === 2 && v < th.high - th.deadband) a.level = 1;
      if (a.level >= 1 && v < th.low - th.deadband) {
        a.level = 0;
        conditionOff(run, rs, c.level);
      } else if (a.level >= 1) {
        conditionOn(run, rs, c.level, a.level === 2 ? SPECS.levelHigh : SPECS.levelLow, v);
      }
    },
    events: {
      ...COMMON_EVENTS,
      // Binary detectors (Zigbee2MQTT `{"gas": true}`) report the high alarm directly; during a
      // self-test (within its limit) that is the test (rules.selftest.ts).
      gas: heldDuringTest(c.kind, 'gas', (run, rs, _s, detail) => {
        if (rs.analog !== null) rs.analog.level = 2;
        conditionOn(run, rs, c.level, SPECS.levelHigh, null, detail ?? { key: 'detector_alarm', params: {} });
      }),
      gas_clear: (run, rs) => {
        signalCleared(rs, 'gas_clear');
        if (rs.analog !== null) {
          rs.analog.level = 0;
          // The detector says the gas is gone: a reading from before is no evidence for a new
          // alarm (`{"carbon_monoxide": false, "co": null}` must not re-raise from the last 150 ppm).
          rs.analog.aboveLowSince = null;
          rs.analog.aboveHighSince = null;
        }
        conditionOff(run, rs, c.level);
      },
    },
    timers(run: Run, rs: SensorRuleState, sensor: Sensor) {
      const th = sensor.thresholds;
      const a = rs.analog;
      if (th !== null && a !== null && rs.lastValue !== null) raiseDue(run, rs, th, a, c, rs.lastValue);
    },
  };
}

const round = (v: number): number => Math.round(v * 10) / 10;

export const gasRules: KindRules = analogRules({ kind: 'gas', level: 'gas', rise: 'gas_rise' });
export const coRules: KindRules = analogRules({ kind: 'co', level: 'co', rise: 'co_rise' });
