/**
 * The topics each device may publish to: only under its own `vigil/<site>/<sensorId>/#` (or its
 * adapter topic), never another device's (docs/contracts.md#device-adapters). One source for
 * the broker's access rules (brokerPlan in device-credentials.broker.ts), whether Vigil
 * administers them through dynamic security or writes them as a Mosquitto ACL.
 */
import type { Gateway, Sensor, SourceBinding } from '../../../contract/index.ts';
import type { TopicDecoder } from '../domain/observation.decode.ts';
import { Registry } from '../domain/registry.ts';
import type { SiteSession } from './device-credentials.broker.ts';
import { isPlainTopic, topicMatches } from './mqtt-topic.ts';

/** Topic filters a device adapter's devices publish to (e.g. `<zigbee2mqtt topic>/#`); none for native sensors. */
export type AdapterFilters = (source: SourceBinding) => string[];

export const noAdapterFilters: AdapterFilters = () => [];

const baseOf = (filter: string): string => (filter.endsWith('/#') ? filter.slice(0, -2) : filter);

export class DeviceTopics {
  /** Adapter filters of every registered sensor, indexed by the filter's first topic level. */
  private readonly adapterIndex = new Map<string, { filter: string; sensor: Sensor }[]>();
  private readonly filters = new Map<string, string[]>();

  constructor(
    private readonly registry: Registry,
    adapterFilters: AdapterFilters = noAdapterFilters,
  ) {
    const candidates = registry
      .allSensors()
      .map((sensor) => ({ sensor, native: `vigil/${sensor.siteId}/${sensor.id}/#`, adapter: adapterFilters(sensor.source) }));
    const bases = new Set(candidates.flatMap((c) => [c.native, ...c.adapter].map(baseOf)));
    // A device owns a prefix only if no other sensor's topics lie below it: `zigbee2mqtt/#` would
    // reach every Zigbee device. Sensors of one physical device (an ESPHome node) may share one.
    const owned = (filter: string): boolean => {
      const base = baseOf(filter);
      if (!isPlainTopic(base)) return false;
      for (const other of bases) if (other.startsWith(`${base}/`)) return false;
      return true;
    };
    for (const { sensor, native, adapter } of candidates) {
      const own = adapter.filter(owned);
      this.filters.set(sensor.id, [native, ...own]);
      for (const filter of own) {
        const first = filter.split('/')[0]!;
        const list = this.adapterIndex.get(first);
        if (list) list.push({ filter, sensor });
        else this.adapterIndex.set(first, [{ filter, sensor }]);
      }
    }
  }

  /** Every registered sensor (whose devices the broker plan covers). */
  sensors(): readonly Sensor[] {
    return this.registry.allSensors();
  }

  /** Every registered gateway (whose credentials the broker plan covers). */
  gateways(): readonly Gateway[] {
    return this.registry.gateways();
  }

  /** The filters a device bound to this registered sensor may publish to (`<topic>/#` covers the topic itself, MQTT §4.7.1.2). */
  filtersOf(sensorId: string): string[] {
    return this.filters.get(sensorId) ?? [];
  }

  /** The registered sensor whose own topics include `topic`, if any. */
  ownerOf(topic: string): Sensor | undefined {
    const parts = topic.split('/');
    if (parts[0] === 'vigil' && parts.length >= 4) {
      const sensor = this.registry.sensor(parts[2]!);
      return sensor && sensor.siteId === parts[1] ? sensor : undefined;
    }
    return this.adapterIndex.get(parts[0]!)?.find((e) => topicMatches(e.filter, topic))?.sensor;
  }
}

/** What the ingest subscribes to for a facility (IngestService.subscriptions). */
export interface IngestSubscriptions {
  subscriptions(registry: Registry): string[];
}

/**
 * The topics a site's ingest session subscribes to (several nodes): the decoders' filters for that
 * site's sensors and gateways, and the site's own native tree instead of all of `vigil/#`. The
 * session (compose/cluster.ts) and the broker role that lets it subscribe (brokerPlan) both come
 * from here, so the broker grants exactly what the session asks for.
 */
export function siteTopics(ingest: IngestSubscriptions, registry: Registry, site: string): string[] {
  const f = registry.facility;
  const one = new Registry({
    ...f,
    sites: f.sites.filter((s) => s.id === site),
    sensors: f.sensors.filter((s) => s.siteId === site),
    ...(f.gateways && { gateways: f.gateways.filter((g) => g.siteId === site) }),
    ...(f.cameras && { cameras: f.cameras.filter((c) => c.siteId === site) }),
  });
  return ingest.subscriptions(one).map((t) => (t === 'vigil/#' ? `vigil/${site}/#` : t));
}

/** Every site's session and its topics: what the broker plan gives a role each (several nodes). */
export function siteSessions(ingest: IngestSubscriptions, registry: Registry): SiteSession[] {
  return registry.facility.sites.map((s) => ({ site: s.id, topics: siteTopics(ingest, registry, s.id) }));
}

/** What these decoders subscribe to, as the ingest does (IngestService.subscriptions), for the CLI, which runs no ingest. */
export const decoderSubscriptions = (decoders: readonly TopicDecoder[]): IngestSubscriptions => ({
  subscriptions: (registry) => [...new Set(decoders.flatMap((d) => d.subscriptions(registry)))],
});
