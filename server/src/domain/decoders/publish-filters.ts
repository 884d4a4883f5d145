/**
 * The MQTT topic filters a device bound through an adapter publishes to — what a per-device broker
 * ACL must allow it. A gateway's bridge-wide topics (`<base>/bridge/state`) belong to the gateway,
 * not to one device, and are not included: `gatewayPublishFilters` (gateway.topics.ts) gives those.
 */
import type { SourceBinding } from '../../../../contract/index.ts';

export function adapterPublishFilters(source: SourceBinding): string[] {
  switch (source.adapter) {
    case 'native':
      return [];
    case 'zigbee2mqtt':
      // `<topic>/#` matches the topic itself too (MQTT 3.1.1 §4.7.1.2) and `<topic>/availability`.
      return [`${source.topic}/#`];
    case 'tasmota':
      // Also a Zigbee device's own tele/<topic>/<device>/SENSOR (SetOption89).
      return [`tele/${source.topic}/#`];
    case 'esphome':
      return [`${source.node}/#`];
    case 'esp_rfid':
      // Also `<topic>` itself (§4.7.1.2), where older firmware publishes.
      return [`${source.topic}/#`];
  }
}
