/**
 * The facility's gateways: their own checks (ids, topic fields, zone, trees that do not overlap)
 * and the binding of each adapter-bound sensor to its gateway — the one it names, or the one whose
 * topic tree holds its topics (trees may not overlap, so there is at most one). Pure, like
 * facility.resolve.ts, which calls it.
 */
import type { FacilityFile, Gateway, GatewayConfig, Sensor, SourceBinding } from '../../../contract/index.ts';
import { formatPath } from '../../../contract/yaml-location.ts';
import { boundTopics, gatewayTree, inTree, treesOverlap } from '../domain/decoders/gateway.topics.ts';
import { baseTopicOf } from '../domain/decoders/zigbee2mqtt.decoder.ts';

type PathSegment = string | number;
type Report = (path: PathSegment[], message: string) => void;
type AdapterSource = Exclude<SourceBinding, { adapter: 'native' }>;

interface Placed {
  gateway: Gateway;
  path: PathSegment[];
}

/** Topic fields of a gateway: MQTT topic names, never filters, never in Vigil's own tree. */
function topicFields(g: GatewayConfig): [field: string, value: string, levels: 'one' | 'many'][] {
  switch (g.adapter) {
    case 'zigbee2mqtt':
      return [
        ['baseTopic', g.baseTopic, 'many'],
        ['discoveryPrefix', g.discoveryPrefix, 'many'],
      ];
    case 'tasmota':
      return [['topic', g.topic, 'one']];
    case 'esphome':
      return [
        ['node', g.node, 'one'],
        ['discoveryPrefix', g.discoveryPrefix, 'many'],
      ];
    case 'esp_rfid':
      return [['topic', g.topic, 'many'], ...(g.hostname === undefined ? [] : [['hostname', g.hostname, 'one'] as ['hostname', string, 'one']])];
  }
}

function checkTopicField(field: string, value: string, levels: 'one' | 'many', path: PathSegment[], report: Report): void {
  const at = [...path, field];
  if (/[+#]/.test(value)) report(at, 'an MQTT topic name: no wildcards (+, #)');
  else if (levels === 'one' && value.includes('/')) report(at, `one topic level: no "/" (it is one level of the gateway's topics)`);
  else if (value === 'vigil' || value.startsWith('vigil/')) report(at, "vigil/… is Vigil's native topic tree, not a gateway's");
  else if (value.endsWith('/')) report(at, 'no trailing "/"');
}

export class GatewayResolver {
  private readonly byId = new Map<string, Placed>();
  private readonly placed: Placed[] = [];
  private readonly bound = new Map<string, string[]>();

  constructor(
    private readonly file: FacilityFile,
    private readonly report: Report,
  ) {
    const zoneSite = new Map<string, { siteId: string; floorId: string }>();
    for (const site of file.sites)
      for (const floor of site.floors) for (const zone of floor.zones) zoneSite.set(zone.id, { siteId: site.id, floorId: floor.id });
    file.sites.forEach((site, si) =>
      site.gateways.forEach((config, gi) => {
        const path: PathSegment[] = ['sites', si, 'gateways', gi];
        const first = this.byId.get(config.id);
        if (first !== undefined) report([...path, 'id'], `duplicate gateway id "${config.id}": already used at ${formatPath(first.path)}`);
        for (const [field, value, levels] of topicFields(config)) checkTopicField(field, value, levels, path, report);
        let zoneId: string | null = null;
        let floorId: string | null = null;
        if (config.zone !== undefined) {
          const where = zoneSite.get(config.zone);
          if (where === undefined || where.siteId !== site.id) report([...path, 'zone'], `unknown zone "${config.zone}" in site "${site.id}"`);
          else [zoneId, floorId] = [config.zone, where.floorId];
        }
        const { zone: _zone, heartbeatS, ...rest } = config;
        const gateway = { ...rest, siteId: site.id, zoneId, floorId, heartbeatS: heartbeatS ?? null, sensorIds: [] } as Gateway;
        const placed = { gateway, path };
        if (first === undefined) this.byId.set(config.id, placed);
        this.placed.push(placed);
        this.bound.set(config.id, []);
      }),
    );
    this.checkOverlaps();
  }

  /** Two gateways whose trees meet: a message there could be either's. Reported at the later one. */
  private checkOverlaps(): void {
    for (let b = 0; b < this.placed.length; b++) {
      const later = this.placed[b]!;
      for (let a = 0; a < b; a++) {
        const earlier = this.placed[a]!;
        if (earlier.gateway.id === later.gateway.id) continue;
        const clash = treesOverlap(later.gateway, earlier.gateway);
        if (clash)
          this.report(
            later.path,
            `its topic tree (${clash.mine}) overlaps gateway "${earlier.gateway.id}"'s (${clash.theirs}, at ${formatPath(earlier.path)}): a message there could be either's`,
          );
      }
    }
  }

  /**
   * The sensor's binding with its gateway filled in (named or inferred; for Zigbee2MQTT the
   * gateway's base topic too), or the binding as written when no gateway holds it.
   */
  bind(source: SourceBinding, sensor: { id: string; siteId: string }, path: PathSegment[]): SourceBinding {
    if (source.adapter === 'native') return source;
    const at = [...path, 'source'];
    let placed: Placed | undefined;
    if (source.gateway !== undefined) {
      placed = this.byId.get(source.gateway);
      if (placed === undefined) {
        const known = [...this.byId.keys()];
        this.report([...at, 'gateway'], `unknown gateway "${source.gateway}" (gateways: ${known.length ? known.join(', ') : 'none defined'})`);
        return source;
      }
      if (placed.gateway.adapter !== source.adapter) {
        this.report([...at, 'gateway'], `gateway "${placed.gateway.id}" is a ${placed.gateway.adapter} gateway; this sensor's adapter is ${source.adapter}`);
        return source;
      }
      if (!inTree(placed.gateway, source)) {
        const topics = boundTopics(source).join(', ');
        this.report(
          [...at, topicField(source)],
          `${topics} is outside gateway "${placed.gateway.id}"'s topic tree (${gatewayTree(placed.gateway).own.join(', ')})`,
        );
        return source;
      }
    } else {
      // Trees do not overlap, so at most one gateway's holds these topics.
      placed = this.placed.find((p) => p.gateway.adapter === source.adapter && inTree(p.gateway, source));
      if (placed === undefined) return source;
    }
    const g = placed.gateway;
    if (g.siteId !== sensor.siteId) {
      this.report(at, `its gateway "${g.id}" is at site "${g.siteId}", the sensor at site "${sensor.siteId}": a gateway serves its own site`);
      return source;
    }
    if (g.adapter === 'zigbee2mqtt' && source.adapter === 'zigbee2mqtt' && source.baseTopic !== undefined && source.baseTopic !== g.baseTopic) {
      this.report([...at, 'baseTopic'], `baseTopic "${source.baseTopic}" differs from its gateway "${g.id}"'s baseTopic "${g.baseTopic}"`);
      return source;
    }
    this.bound.get(g.id)!.push(sensor.id);
    // The decoder finds the bridge topic from the base topic: the gateway's, when the device
    // topic's first level is not it (a base topic with a `/` in it).
    if (source.adapter === 'zigbee2mqtt' && g.adapter === 'zigbee2mqtt' && baseTopicOf(source) !== g.baseTopic)
      return { ...source, gateway: g.id, baseTopic: g.baseTopic };
    return { ...source, gateway: g.id };
  }

  /**
   * The resolved gateways, with their sensors; a gateway without a zone of its own is placed in
   * the zone all its sensors share, if they share one. Ids used by a sensor too are reported:
   * a gateway's alarm carries its id where a sensor's carries the sensor's.
   */
  finish(sensors: readonly Sensor[], sensorPaths: ReadonlyMap<string, PathSegment[]>): Gateway[] {
    const byId = new Map(sensors.map((s) => [s.id, s]));
    const out: Gateway[] = [];
    for (const { gateway, path } of this.placed) {
      const clash = sensorPaths.get(gateway.id);
      if (clash !== undefined)
        this.report([...path, 'id'], `"${gateway.id}" is also a sensor id (at ${formatPath(clash)}): gateway and sensor ids must differ`);
      if (this.byId.get(gateway.id)?.path !== path) continue;
      const sensorIds = this.bound.get(gateway.id) ?? [];
      let { zoneId, floorId } = gateway;
      if (zoneId === null && sensorIds.length > 0) {
        const zones = new Set(sensorIds.map((id) => byId.get(id)?.zoneId));
        const only = byId.get(sensorIds[0]!);
        if (zones.size === 1 && only !== undefined) [zoneId, floorId] = [only.zoneId, only.floorId];
      }
      out.push({ ...gateway, zoneId, floorId, sensorIds: [...sensorIds] });
    }
    return out;
  }
}

function topicField(source: AdapterSource): string {
  return source.adapter === 'esphome' ? 'node' : 'topic';
}
