/** Creating a sensor's rule state, with the kind's own part from the rules table. */
import type { SensorKind } from '../../../../contract/index.ts';
import { RULES } from './rules.table.ts';
import type { SensorRuleState } from './engine.types.ts';

export function newRuleState(
  key: string,
  sensor: { id: string; siteId: string; zoneId: string },
  drill: string | null,
  kind: SensorKind | null,
  now: number,
): SensorRuleState {
  const rs: SensorRuleState = {
    key,
    sensorId: sensor.id,
    siteId: sensor.siteId,
    zoneId: sensor.zoneId,
    drill,
    unknown: false,
    watchSince: now,
    lastSeen: null,
    lastValue: null,
    lastEvent: null,
    online: null,
    battery: null,
    rssi: null,
    lastTestAt: null,
    wakeAt: null,
    analog: null,
    door: null,
    points: {},
  };
  if (kind !== null) RULES[kind].init(rs);
  return rs;
}
