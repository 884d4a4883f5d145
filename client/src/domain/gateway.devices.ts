/**
 * The devices behind a gateway, for its offline alarm: a gateway offline is one trouble alarm,
 * and its sensors' offline states are shown under it rather than as an alarm each (their own
 * live state says `online: false`, but the engine raises nothing for them).
 */
import type { Alarm, SensorLiveState } from '../../../contract/alarm.ts';
import type { Sensor } from '../../../contract/facility.ts';
import type { Gateway } from '../../../contract/gateway.ts';
import { GATEWAY_KIND } from '../../../contract/device-kinds.ts';
import type { FacilityIndex } from './facility.index.ts';

export type DeviceLink = 'offline' | 'unknown' | 'online';

export interface GatewayDevice {
  sensorId: string;
  /** Absent when the gateway names a sensor this facility load does not have. */
  sensor: Sensor | undefined;
  link: DeviceLink;
  lastSeen: number | null;
}

/** The gateway an alarm is about, when it is a gateway's own alarm; its id alone if the facility lacks it. */
export function alarmGateway(
  alarm: Pick<Alarm, 'sensorId' | 'sensorKind' | 'condition' | 'gatewayId'>,
  index: FacilityIndex,
): { id: string; gateway: Gateway | undefined } | null {
  const own = alarm.sensorKind === GATEWAY_KIND || (alarm.condition === 'gateway_offline' && alarm.gatewayId !== undefined);
  if (!own) return null;
  const id = alarm.gatewayId ?? alarm.sensorId;
  return { id, gateway: index.gatewaysById.get(id) };
}

/** What the officer needs first comes first: offline, then not yet heard from, then online. */
const LINK_ORDER: Record<DeviceLink, number> = { offline: 0, unknown: 1, online: 2 };

/**
 * The gateway's sensors with their live state, offline first, registry order within each group.
 * Without the gateway in the facility, the sensors whose source names it are the best we know.
 */
export function gatewayDevices(
  gatewayId: string,
  index: FacilityIndex,
  states: ReadonlyMap<string, Pick<SensorLiveState, 'online' | 'lastSeen'>>,
): GatewayDevice[] {
  const ids =
    index.gatewaysById.get(gatewayId)?.sensorIds ??
    [...index.sensorsById.values()].filter((s) => 'gateway' in s.source && s.source.gateway === gatewayId).map((s) => s.id);
  const devices = ids.map((sensorId): GatewayDevice => {
    const state = states.get(sensorId);
    const link: DeviceLink = state?.online === false ? 'offline' : state?.online === true ? 'online' : 'unknown';
    return { sensorId, sensor: index.sensorsById.get(sensorId), link, lastSeen: state?.lastSeen ?? null };
  });
  // Array.prototype.sort is stable: registry order survives within each group.
  return devices.sort((a, b) => LINK_ORDER[a.link] - LINK_ORDER[b.link]);
}
