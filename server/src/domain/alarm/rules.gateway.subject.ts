/**
 * What an alarm is about, as the queue shows it: a registered sensor, a gateway (its own
 * `gateway_offline` alarm carries the gateway's id where a sensor's carries the sensor's), or an
 * unregistered device known only by its id.
 */
import { GATEWAY_KIND, UNREGISTERED } from '../../../../contract/index.ts';
import { gatewayIdOf } from '../decoders/gateway.topics.ts';
import type { RegistryView, SensorRuleState } from './engine.types.ts';

export interface AlarmSubject {
  name: string;
  kind: string;
  floorId: string | null;
  unit: string | null;
  /** The gateway the alarm is about, or the one its sensor reports through. */
  gatewayId: string | undefined;
}

export function alarmSubject(registry: RegistryView, rs: SensorRuleState): AlarmSubject {
  const sensor = rs.unknown ? undefined : registry.sensor(rs.sensorId);
  if (sensor !== undefined) return { name: sensor.name, kind: sensor.kind, floorId: sensor.floorId, unit: sensor.unit, gatewayId: gatewayIdOf(sensor) };
  const gateway = rs.unknown ? undefined : registry.gateway?.(rs.sensorId);
  if (gateway !== undefined) return { name: gateway.name, kind: GATEWAY_KIND, floorId: gateway.floorId, unit: null, gatewayId: gateway.id };
  // A site's unregistered devices share one subject (rules.unknown.ts).
  if (rs.unknownDevices !== undefined) {
    const site = registry.site(rs.siteId)?.name ?? rs.siteId;
    return { name: `Unregistered devices at ${site}`, kind: UNREGISTERED, floorId: null, unit: null, gatewayId: undefined };
  }
  return { name: rs.sensorId, kind: UNREGISTERED, floorId: null, unit: null, gatewayId: undefined };
}
