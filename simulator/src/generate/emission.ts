/**
 * What the generation core produces: an ordered stream of emissions `{ at, topic, payload }` on
 * the native topics (docs/contracts.md#mqtt-topics-native). `at` is virtual time (epoch ms); the payload has no
 * `ts` until it is stamped — with `at` for a dry run, with the real publish time when published at
 * a compressed `--speed` (a virtual timestamp would run ahead of the server's clock).
 */
import type { Channel } from '../../../contract/index.ts';

export type PayloadValue = string | number | boolean;
export type Payload = Readonly<Record<string, PayloadValue>>;

export interface Emission {
  /** Virtual time, epoch ms. */
  readonly at: number;
  readonly siteId: string;
  readonly sensorId: string;
  readonly channel: Channel;
  /** `vigil/<siteId>/<sensorId>/<channel>` */
  readonly topic: string;
  readonly payload: Payload;
  /**
   * `will`: the device drops off the network — its connection is cut without a DISCONNECT, so
   * the broker publishes its last will (this payload). Without a per-device connection the payload
   * is published instead.
   */
  readonly via?: 'will';
  /**
   * Not a native observation but a gateway's own payload (normal.gateway.ts), sent as it is:
   * `z2m_state` a Zigbee2MQTT device state, stamped with its `last_seen`; `as_is` anything else.
   */
  readonly format?: 'z2m_state' | 'as_is';
}

export interface DeviceRef {
  readonly id: string;
  readonly siteId: string;
}

export function topicOf(siteId: string, sensorId: string, channel: Channel): string {
  return `vigil/${siteId}/${sensorId}/${channel}`;
}

export function emission(at: number, device: DeviceRef, channel: Channel, payload: Payload, via?: 'will'): Emission {
  const e = { at, siteId: device.siteId, sensorId: device.id, channel, topic: topicOf(device.siteId, device.id, channel), payload };
  return via === undefined ? e : { ...e, via };
}

/** The payload a device's last will carries: what the broker says when the device is gone. */
export function willPayload(drill?: string): Payload {
  return drill === undefined ? { online: false } : { online: false, drill };
}

/** The wire payload: `ts` first, then the fields. A will carries no `ts` (the broker sends it later). */
export function stamp(e: Emission, ts: number): Record<string, PayloadValue> {
  if (e.format === 'z2m_state') return { ...e.payload, last_seen: ts };
  return e.via === 'will' || e.format === 'as_is' ? { ...e.payload } : { ts, ...e.payload };
}

/** One line of `--dry-run` output (stamped with `at` unless told otherwise). */
export function toJsonLine(e: Emission, ts = e.at): string {
  const line: Record<string, unknown> = { at: e.at, topic: e.topic, payload: stamp(e, ts) };
  if (e.via !== undefined) line.via = e.via;
  if (e.format !== undefined) line.format = e.format;
  return JSON.stringify(line);
}

/** Rounds to one decimal, as detectors display. */
export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
