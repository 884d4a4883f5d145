/**
 * The device adapters: one `TopicDecoder` per gateway convention, each turning its
 * devices' own payloads into the Observations the native topics produce. Stateful (Zigbee2MQTT
 * remembers each device's last state): create them once, at the composition root.
 */
import type { TopicDecoder } from '../observation.decode.ts';
import { EspRfidDecoder } from './esp-rfid.decoder.ts';
import { EsphomeDecoder } from './esphome.decoder.ts';
import { TasmotaDecoder } from './tasmota.decoder.ts';
import { Zigbee2mqttDecoder } from './zigbee2mqtt.decoder.ts';

export function createDeviceDecoders(): TopicDecoder[] {
  return [new Zigbee2mqttDecoder(), new TasmotaDecoder(), new EsphomeDecoder(), new EspRfidDecoder()];
}

export { adapterPublishFilters } from './publish-filters.ts';
export { bindingClaims, checkSourceBinding } from './binding.check.ts';
