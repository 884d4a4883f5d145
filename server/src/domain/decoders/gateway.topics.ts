/**
 * A gateway's topic tree: the MQTT topic filters it publishes under, which Vigil subscribes to and
 * which a broker ACL grants it (publish only: what it subscribes to — Zigbee2MQTT's `.../set`,
 * Tasmota's `cmnd/...` — is not its to publish). Pure: from the gateway's configuration alone.
 *
 * - Zigbee2MQTT: `<baseTopic>/#` (devices, `bridge/state|info|devices|logging|...`) and its Home
 *   Assistant discovery `<prefix>/<component>/<ieee address>/<object>/config`
 *   (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html,
 *   https://www.zigbee2mqtt.io/guide/usage/integrations/home_assistant.html).
 * - Tasmota: `tele/<topic>/#` (LWT, STATE, SENSOR, RESULT, ...) and `stat/<topic>/#`, discovery
 *   `tasmota/discovery/<mac>/config|sensors` (https://tasmota.github.io/docs/MQTT/).
 * - ESPHome: `<node>/#` (status, debug, entity states) and discovery
 *   `<prefix>/<component>/<node>/<object>/config` (https://esphome.io/components/mqtt.html).
 * - esp-rfid: `<topic>/#` (send, tag, io/..., avty) and discovery
 *   `homeassistant/<component>/<hostname>[/<object>]/config` (esp-rfid src/mqtt.esp).
 *
 * Discovery topics are named by something other than the gateway's own topic: by device address
 * (Zigbee2MQTT), by MAC or hostname when those are not configured. Such a filter is `shared`: two
 * gateways may have it, and a message on it belongs to the gateway its payload points into.
 */
import type { Gateway, Sensor, SourceBinding } from '../../../../contract/index.ts';
import { stateTopic } from './esphome.decoder.ts';

export interface TopicFilter {
  filter: string;
  /** Other gateways may publish here too (discovery not scoped to this gateway). */
  shared: boolean;
}

export interface GatewayTree {
  /** Filters only this gateway publishes under (its own tree). */
  own: string[];
  discovery: TopicFilter[];
}

export const TASMOTA_DISCOVERY = 'tasmota/discovery';
/** esp-rfid writes its discovery under this prefix whatever Home Assistant is configured with. */
export const ESP_RFID_DISCOVERY = 'homeassistant';

export function gatewayTree(g: Gateway): GatewayTree {
  switch (g.adapter) {
    case 'zigbee2mqtt':
      return { own: [`${g.baseTopic}/#`], discovery: [{ filter: `${g.discoveryPrefix}/+/+/+/config`, shared: true }] };
    case 'tasmota':
      return {
        own: [`tele/${g.topic}/#`, `stat/${g.topic}/#`],
        discovery:
          g.mac === undefined
            ? [
                { filter: `${TASMOTA_DISCOVERY}/+/config`, shared: true },
                { filter: `${TASMOTA_DISCOVERY}/+/sensors`, shared: true },
              ]
            : [{ filter: `${TASMOTA_DISCOVERY}/${g.mac}/#`, shared: false }],
      };
    case 'esphome':
      return { own: [`${g.node}/#`], discovery: [{ filter: `${g.discoveryPrefix}/+/${g.node}/+/config`, shared: false }] };
    case 'esp_rfid': {
      const host = g.hostname ?? '+';
      const shared = g.hostname === undefined;
      return {
        own: [`${g.topic}/#`],
        discovery: [
          { filter: `${ESP_RFID_DISCOVERY}/+/${host}/config`, shared },
          { filter: `${ESP_RFID_DISCOVERY}/+/${host}/+/config`, shared },
        ],
      };
    }
  }
}

/**
 * Every filter a gateway publishes to: what a broker ACL must allow its credential (and no
 * more). A shared discovery filter is as narrow as its discovery format allows without the
 * device address, MAC or hostname.
 */
export function gatewayPublishFilters(g: Gateway): string[] {
  const tree = gatewayTree(g);
  return [...tree.own, ...tree.discovery.map((d) => d.filter)];
}

/** Where the gateway says whether it is online: Zigbee2MQTT's bridge state, Tasmota's LWT, ESPHome's birth/will, esp-rfid's avty. */
export function availabilityTopic(g: Gateway): string {
  switch (g.adapter) {
    case 'zigbee2mqtt':
      return `${g.baseTopic}/bridge/state`;
    case 'tasmota':
      return `tele/${g.topic}/LWT`;
    case 'esphome':
      return `${g.node}/status`;
    case 'esp_rfid':
      return `${g.topic}/avty`;
  }
}

/** MQTT 3.1.1 §4.7: `+` one level, `#` this level and all below (the parent too: `a/#` matches `a`). */
export function filterMatches(filter: string, topic: string): boolean {
  // §4.7.2: wildcards at the first level do not match `$` topics.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether some topic matches both filters. */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (p === '#' || q === '#') return true;
    if (p === undefined || q === undefined) return p === q;
    if (p !== '+' && q !== '+' && p !== q) return false;
  }
}

/** A pair of overlapping filters of two gateways, or null when their trees are apart. */
export function treesOverlap(a: Gateway, b: Gateway): { mine: string; theirs: string } | null {
  const ta = gatewayTree(a);
  const tb = gatewayTree(b);
  const all = (t: GatewayTree): TopicFilter[] => [...t.own.map((filter) => ({ filter, shared: false })), ...t.discovery];
  const ownOf = (t: GatewayTree, f: string): boolean => t.own.includes(f);
  for (const fa of all(ta)) {
    for (const fb of all(tb)) {
      // Discovery filters meet by design (every Home Assistant publisher writes under the same
      // prefix); a shared one's messages are told apart by their payload.
      const bothDiscovery = !ownOf(ta, fa.filter) && !ownOf(tb, fb.filter);
      if (bothDiscovery && (fa.shared || fb.shared)) continue;
      if (filtersOverlap(fa.filter, fb.filter)) return { mine: fa.filter, theirs: fb.filter };
    }
  }
  return null;
}

/** The topics a binding's decoder reads: each must lie in its gateway's own tree. */
export function boundTopics(source: SourceBinding): string[] {
  switch (source.adapter) {
    case 'native':
      return [];
    case 'zigbee2mqtt':
      return [source.topic];
    case 'tasmota':
      return [`tele/${source.topic}/SENSOR`];
    case 'esphome':
      return [stateTopic(source)];
    case 'esp_rfid':
      return [`${source.topic}/send`];
  }
}

/** Whether a sensor's topics lie in a gateway's own tree (the loader's inference and check). */
export function inTree(g: Gateway, source: SourceBinding): boolean {
  const own = gatewayTree(g).own;
  const topics = boundTopics(source);
  return topics.length > 0 && topics.every((t) => own.some((f) => filterMatches(f, t)));
}

/** The gateway a sensor reports through, if any (`source.gateway` as the loader resolved it). */
export function gatewayIdOf(sensor: Pick<Sensor, 'source'>): string | undefined {
  return sensor.source.adapter === 'native' ? undefined : sensor.source.gateway;
}
