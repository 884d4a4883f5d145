import type { AdapterName, Alarm, Camera, Facility, Gateway, Sensor, Site } from '../../../contract/index.ts';

const NONE: readonly Sensor[] = Object.freeze([]);

/** Read-only lookups over the loaded facility. Built once at start. */
export class Registry {
  readonly facility: Facility;
  private readonly sensors = new Map<string, Sensor>();
  private readonly sites = new Map<string, Site>();
  private readonly byAdapter = new Map<AdapterName, Sensor[]>();
  private readonly gatewaysById = new Map<string, Gateway>();
  private readonly behind = new Map<string, Sensor[]>();
  private readonly camerasById = new Map<string, Camera>();

  constructor(facility: Facility) {
    this.facility = facility;
    for (const site of facility.sites) this.sites.set(site.id, site);
    for (const gateway of facility.gateways ?? []) {
      this.gatewaysById.set(gateway.id, gateway);
      this.behind.set(gateway.id, []);
    }
    for (const camera of facility.cameras ?? []) this.camerasById.set(camera.id, camera);
    for (const sensor of facility.sensors) {
      this.sensors.set(sensor.id, sensor);
      const bound = this.byAdapter.get(sensor.source.adapter);
      if (bound) bound.push(sensor);
      else this.byAdapter.set(sensor.source.adapter, [sensor]);
      if (sensor.source.adapter !== 'native' && sensor.source.gateway !== undefined) this.behind.get(sensor.source.gateway)?.push(sensor);
    }
  }

  sensor(id: string): Sensor | undefined {
    return this.sensors.get(id);
  }

  site(id: string): Site | undefined {
    return this.sites.get(id);
  }

  /** Sensors bound to one adapter (device adapters index their topics from these), in registry order. */
  sensorsBoundTo(adapter: AdapterName): readonly Sensor[] {
    return this.byAdapter.get(adapter) ?? NONE;
  }

  allSensors(): readonly Sensor[] {
    return this.facility.sensors;
  }

  gateway(id: string): Gateway | undefined {
    return this.gatewaysById.get(id);
  }

  gateways(): readonly Gateway[] {
    return this.facility.gateways ?? [];
  }

  /** Sensors reached through a gateway, in registry order. */
  sensorsBehind(gatewayId: string): readonly Sensor[] {
    return this.behind.get(gatewayId) ?? NONE;
  }

  camera(id: string): Camera | undefined {
    return this.camerasById.get(id);
  }

  cameras(): readonly Camera[] {
    return this.facility.cameras ?? [];
  }

  /** The cameras that watch an alarm: those of its zone and those pointed at its door. */
  camerasFor(alarm: Pick<Alarm, 'siteId' | 'zoneId' | 'sensorId'>): Camera[] {
    return this.cameras().filter((c) => c.siteId === alarm.siteId && (c.zoneId === alarm.zoneId || c.doorIds.includes(alarm.sensorId)));
  }
}

/**
 * One site's part of the registry: its sensors, gateways and cameras. In cluster mode each site's
 * alarm engine runs on the node holding it, and sees only this: its offline watchdog watches the
 * site's sensors alone, and an id of another site's device is not one of its own.
 */
export class SiteRegistry {
  readonly facility: Facility;
  private readonly sensorsById = new Map<string, Sensor>();
  private readonly sensorList: Sensor[];
  private readonly gatewayList: Gateway[];
  private readonly cameraList: Camera[];

  constructor(
    private readonly all: Registry,
    readonly siteId: string,
  ) {
    this.facility = all.facility;
    this.sensorList = all.allSensors().filter((s) => s.siteId === siteId);
    for (const s of this.sensorList) this.sensorsById.set(s.id, s);
    this.gatewayList = all.gateways().filter((g) => g.siteId === siteId);
    this.cameraList = all.cameras().filter((c) => c.siteId === siteId);
  }

  sensor(id: string): Sensor | undefined {
    return this.sensorsById.get(id);
  }

  site(id: string): Site | undefined {
    return id === this.siteId ? this.all.site(id) : undefined;
  }

  allSensors(): readonly Sensor[] {
    return this.sensorList;
  }

  gateway(id: string): Gateway | undefined {
    const g = this.all.gateway(id);
    return g?.siteId === this.siteId ? g : undefined;
  }

  gateways(): readonly Gateway[] {
    return this.gatewayList;
  }

  sensorsBehind(gatewayId: string): readonly Sensor[] {
    return this.gateway(gatewayId) === undefined ? NONE : this.all.sensorsBehind(gatewayId);
  }

  camera(id: string): Camera | undefined {
    const c = this.all.camera(id);
    return c?.siteId === this.siteId ? c : undefined;
  }

  cameras(): readonly Camera[] {
    return this.cameraList;
  }
}
