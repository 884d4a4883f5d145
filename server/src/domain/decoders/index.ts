/**
 * The device adapters: one `TopicDecoder` per gateway convention, each turning its
 * devices' own payloads into the Observations the native topics produce, behind the gateway
 * decoder that takes each declared gateway's whole topic tree (gateway.decoder.ts). Stateful
 * (Zigbee2MQTT remembers each device's last state, the gateway decoder what each gateway said and
 * published): create them once, at the composition root.
 */
import type { TopicDecoder } from '../observation.decode.ts';
import { EspRfidDecoder } from './esp-rfid.decoder.ts';
import { EsphomeDecoder } from './esphome.decoder.ts';
import { GatewayDecoder, type GatewayCounters } from './gateway.decoder.ts';
import { GatewayTraffic } from './gateway.traffic.ts';
import { TasmotaDecoder } from './tasmota.decoder.ts';
import { Zigbee2mqttDecoder } from './zigbee2mqtt.decoder.ts';

/** The device decoders, inside the gateway decoder; `traffic` keeps what the gateways publish unbound. */
export function createDeviceDecoders(traffic: GatewayTraffic = new GatewayTraffic(), counters?: GatewayCounters): TopicDecoder[] {
  const devices = [new Zigbee2mqttDecoder(), new TasmotaDecoder(), new EsphomeDecoder(), new EspRfidDecoder()];
  return [new GatewayDecoder(devices, traffic, counters)];
}

export { adapterPublishFilters } from './publish-filters.ts';
export { bindingClaims, checkSourceBinding } from './binding.check.ts';
export { GatewayDecoder, type GatewayCounters } from './gateway.decoder.ts';
export { GatewayTraffic, type GatewayTrafficView, MAX_TOPICS_PER_GATEWAY } from './gateway.traffic.ts';
export { availabilityTopic, filterMatches, gatewayPublishFilters, gatewayTree, type GatewayTree, type TopicFilter } from './gateway.topics.ts';
