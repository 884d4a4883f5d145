/**
 * What an alarm is about, as the queue shows it: a registered sensor, a gateway (its own
 * `gateway_offline` alarm carries the gateway's id where a sensor's carries the sensor's), a
 * verification camera (`camera_offline`, likewise), or an unregistered device known only by its id.
 */
import { CAMERA_KIND, GATEWAY_KIND, UNREGISTERED, unregisteredLabel } from '../../../../contract/index.ts';
import { gatewayIdOf } from '../decoders/gateway.topics.ts';
import type { RegistryView, SensorRuleState } from './engine.types.ts';

export interface AlarmSubject {
  name: string;
  /** The Chinese name, where the facility gives one. */
  nameZh?: string | undefined;
  kind: string;
  floorId: string | null;
  unit: string | null;
  /** The gateway the alarm is about, or the one its sensor reports through. */
  gatewayId: string | undefined;
}

export function alarmSubject(registry: RegistryView, rs: SensorRuleState): AlarmSubject {
  const sensor = rs.unknown ? undefined : registry.sensor(rs.sensorId);
  if (sensor !== undefined)
    return { name: sensor.name, nameZh: sensor.nameZh, kind: sensor.kind, floorId: sensor.floorId, unit: sensor.unit, gatewayId: gatewayIdOf(sensor) };
  const gateway = rs.unknown ? undefined : registry.gateway?.(rs.sensorId);
  if (gateway !== undefined)
    return { name: gateway.name, nameZh: gateway.nameZh, kind: GATEWAY_KIND, floorId: gateway.floorId, unit: null, gatewayId: gateway.id };
  const camera = rs.unknown ? undefined : registry.camera?.(rs.sensorId);
  if (camera !== undefined) {
    const floor = registry.site(camera.siteId)?.floors.find((f) => f.zones.some((z) => z.id === rs.zoneId));
    return { name: camera.name, nameZh: camera.nameZh, kind: CAMERA_KIND, floorId: floor?.id ?? null, unit: null, gatewayId: undefined };
  }
  // A site's unregistered devices share one subject (rules.unknown.ts).
  if (rs.unknownDevices !== undefined) {
    const site = registry.site(rs.siteId);
    return {
      name: unregisteredLabel(site?.name ?? rs.siteId, 'en'),
      nameZh: unregisteredLabel(site?.nameZh ?? site?.name ?? rs.siteId, 'zh'),
      kind: UNREGISTERED,
      floorId: null,
      unit: null,
      gatewayId: undefined,
    };
  }
  return { name: rs.sensorId, kind: UNREGISTERED, floorId: null, unit: null, gatewayId: undefined };
}
