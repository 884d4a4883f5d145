/**
 * Zigbee2MQTT traffic for `simulate run`, so the demo's gateway is heard as a real bridge would be
 * (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html):
 * - on start, each Zigbee2MQTT gateway's `bridge/state` `{"state":"online"}` and `bridge/info`;
 * - on start, each Zigbee2MQTT-bound device's `<topic>/availability` `{"state":"online"}`;
 * - with each of the device's heartbeats, its state on `<topic>` — battery, link quality and
 *   voltage, with `last_seen` — the battery the same as the heartbeat's, so the two never disagree.
 * Alarm-bearing fields (smoke, contact, gas) stay on the native topics the scenarios drive:
 * repeated here they would contradict a scenario running beside the demo.
 */
import type { Sensor } from '../../../contract/index.ts';
import type { SimFacility, SimGateway } from '../facility/facility.read.ts';
import type { Emission, PayloadValue } from './emission.ts';

type Z2mGateway = Extract<SimGateway, { adapter: 'zigbee2mqtt' }>;

export function zigbee2mqttGateways(facility: SimFacility, siteId?: string): Z2mGateway[] {
  return facility.gateways.filter((g): g is Z2mGateway => g.adapter === 'zigbee2mqtt' && (siteId === undefined || g.siteId === siteId));
}

const deviceTopic = (sensor: Sensor): string | null => (sensor.source.adapter === 'zigbee2mqtt' ? sensor.source.topic : null);

/** What a bridge and its devices publish when it starts. */
export function bridgeStartup(gateways: readonly Z2mGateway[], sensors: readonly Sensor[], at: number): Emission[] {
  const out: Emission[] = [];
  for (const g of gateways) {
    const base = { at, siteId: g.siteId, sensorId: g.id, channel: 'status' as const, format: 'as_is' as const };
    out.push({ ...base, topic: `${g.baseTopic}/bridge/state`, payload: { state: 'online' } });
    out.push({ ...base, topic: `${g.baseTopic}/bridge/info`, payload: { version: '2.1.1', log_level: 'info', permit_join: false } });
  }
  for (const s of sensors) {
    const topic = deviceTopic(s);
    if (topic !== null)
      out.push({ at, siteId: s.siteId, sensorId: s.id, channel: 'status', topic: `${topic}/availability`, payload: { state: 'online' }, format: 'as_is' });
  }
  return out;
}

/** Zigbee link quality (LQI, 0–255) for a signal in dBm: roughly linear between −100 and −30 dBm. */
function linkQuality(rssi: PayloadValue | undefined): number {
  const dbm = typeof rssi === 'number' ? rssi : -70;
  return Math.round(Math.min(255, Math.max(0, ((dbm + 100) / 70) * 255)));
}

/** A device's heartbeat, and — for a Zigbee2MQTT-bound device — its state on its own topic as well. */
export function* withDeviceState(heartbeats: Iterable<Emission>, sensor: Sensor): Generator<Emission> {
  const topic = deviceTopic(sensor);
  for (const e of heartbeats) {
    yield e;
    if (topic === null) continue;
    const state: Record<string, PayloadValue> = { linkquality: linkQuality(e.payload.rssi) };
    if (e.payload.battery !== undefined) {
      state.battery = e.payload.battery;
      // A CR123A-powered detector: about 2.7 V empty, 3.1 V full.
      state.voltage = Math.round(2700 + 4 * Number(e.payload.battery));
    }
    yield { at: e.at, siteId: e.siteId, sensorId: e.sensorId, channel: 'status', topic, payload: state, format: 'z2m_state' };
  }
}
