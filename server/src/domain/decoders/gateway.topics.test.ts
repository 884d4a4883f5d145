// Each gateway's topic tree — what Vigil subscribes to and what a broker ACL lets the gateway's
// credential publish, and nothing wider: Zigbee2MQTT
// (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html), Tasmota
// (https://tasmota.github.io/docs/MQTT/), ESPHome (https://esphome.io/components/mqtt.html),
// esp-rfid (src/mqtt.esp: `<topic>/...`, discovery under `homeassistant/.../<hostname>/...`).
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../../../contract/index.ts';
import { availabilityTopic, filterMatches, filtersOverlap, gatewayPublishFilters, gatewayTree, treesOverlap } from './gateway.topics.ts';

const place = { siteId: 's', zoneId: null, floorId: null, heartbeatS: null, sensorIds: [] };
const z2m = (baseTopic = 'zigbee2mqtt', discoveryPrefix = 'homeassistant'): Gateway => ({
  id: `Z-${baseTopic}`,
  name: 'Z',
  adapter: 'zigbee2mqtt',
  baseTopic,
  discoveryPrefix,
  ...place,
});
const tasmota = (topic: string, mac?: string): Gateway => ({ id: `T-${topic}`, name: 'T', adapter: 'tasmota', topic, ...(mac && { mac }), ...place });
const esphome = (node: string): Gateway => ({ id: `E-${node}`, name: 'E', adapter: 'esphome', node, discoveryPrefix: 'homeassistant', ...place });
const espRfid = (topic: string, hostname?: string): Gateway => ({ id: 'R', name: 'R', adapter: 'esp_rfid', topic, ...(hostname && { hostname }), ...place });

describe('gateway publish filters (the ACL of a gateway credential)', () => {
  it('Zigbee2MQTT: its base topic and its Home Assistant discovery configs', () => {
    expect(gatewayPublishFilters(z2m())).toEqual(['zigbee2mqtt/#', 'homeassistant/+/+/+/config']);
    expect(gatewayPublishFilters(z2m('site-b/z2m', 'ha'))).toEqual(['site-b/z2m/#', 'ha/+/+/+/config']);
    expect(availabilityTopic(z2m())).toBe('zigbee2mqtt/bridge/state');
  });

  it('Tasmota: tele/ and stat/ of its topic (never cmnd/, which it only reads), discovery by its MAC when known', () => {
    expect(gatewayPublishFilters(tasmota('SonoffZB'))).toEqual([
      'tele/SonoffZB/#',
      'stat/SonoffZB/#',
      'tasmota/discovery/+/config',
      'tasmota/discovery/+/sensors',
    ]);
    expect(gatewayPublishFilters(tasmota('SonoffZB', 'DC4F220ABCDE'))).toEqual(['tele/SonoffZB/#', 'stat/SonoffZB/#', 'tasmota/discovery/DC4F220ABCDE/#']);
    expect(availabilityTopic(tasmota('SonoffZB'))).toBe('tele/SonoffZB/LWT');
  });

  it('ESPHome: its node tree and its own discovery configs', () => {
    expect(gatewayPublishFilters(esphome('office-node'))).toEqual(['office-node/#', 'homeassistant/+/office-node/+/config']);
    expect(availabilityTopic(esphome('office-node'))).toBe('office-node/status');
  });

  it('esp-rfid: its topic tree, and discovery by hostname when known', () => {
    expect(gatewayPublishFilters(espRfid('/rfid/server-room', 'esp-rfid-srv'))).toEqual([
      '/rfid/server-room/#',
      'homeassistant/+/esp-rfid-srv/config',
      'homeassistant/+/esp-rfid-srv/+/config',
    ]);
    expect(gatewayTree(espRfid('/rfid/server-room')).discovery.every((d) => d.shared)).toBe(true);
    expect(availabilityTopic(espRfid('/rfid/server-room'))).toBe('/rfid/server-room/avty');
  });

  it('own trees match what the gateway publishes and nothing of its neighbours', () => {
    const [own] = gatewayTree(z2m()).own;
    for (const t of ['zigbee2mqtt/bridge/state', 'zigbee2mqtt/bridge/info', 'zigbee2mqtt/Kitchen gas', 'zigbee2mqtt/Kitchen gas/availability'])
      expect(filterMatches(own!, t), t).toBe(true);
    for (const t of ['zigbee2mqtt2/bridge/state', 'vigil/hq/X/status', 'homeassistant/binary_sensor/0x1/smoke/config'])
      expect(filterMatches(own!, t), t).toBe(false);
    expect(filterMatches('homeassistant/+/+/+/config', 'homeassistant/binary_sensor/0x00158d0001/smoke/config')).toBe(true);
    expect(filterMatches('homeassistant/+/+/+/config', 'homeassistant/binary_sensor/0x00158d0001/config')).toBe(false);
  });
});

describe('filters', () => {
  it('match as MQTT 3.1.1 §4.7 says: # covers the parent, + one level, wildcards never reach $ topics', () => {
    expect(filterMatches('a/#', 'a')).toBe(true);
    expect(filterMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(filterMatches('a/+/c', 'a/b/c/d')).toBe(false);
    expect(filterMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(filterMatches('/rfid/x/#', '/rfid/x/send')).toBe(true);
  });

  it('overlap when some topic matches both', () => {
    expect(filtersOverlap('zigbee2mqtt/#', 'zigbee2mqtt/site-b/#')).toBe(true);
    expect(filtersOverlap('a/#', 'a')).toBe(true);
    expect(filtersOverlap('a/+/c', 'a/b/+')).toBe(true);
    expect(filtersOverlap('a/b', 'a/b/c')).toBe(false);
    expect(filtersOverlap('tele/A/#', 'tele/B/#')).toBe(false);
  });

  it('two gateways overlap by their own trees, not by a discovery prefix they share', () => {
    expect(treesOverlap(z2m('zigbee2mqtt/site-b'), z2m())).toEqual({ mine: 'zigbee2mqtt/site-b/#', theirs: 'zigbee2mqtt/#' });
    expect(treesOverlap(z2m('z2m-b'), z2m())).toBeNull();
    expect(treesOverlap(esphome('office-node'), z2m())).toBeNull();
    expect(treesOverlap(tasmota('A'), tasmota('B'))).toBeNull();
    // A node named after the discovery prefix would publish discovery configs as its own.
    expect(treesOverlap(esphome('homeassistant'), z2m())).not.toBeNull();
    // Two ESPHome nodes' scoped discovery filters are apart; the same node twice is not.
    expect(treesOverlap(esphome('a'), esphome('b'))).toBeNull();
  });
});
