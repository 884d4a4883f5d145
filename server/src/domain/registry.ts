import type { AdapterName, Facility, Sensor, Site } from '../../../contract/index.ts';

/** Read-only lookups over the loaded facility. Built once at start. */
export class Registry {
  readonly facility: Facility;
  private readonly sensors = new Map<string, Sensor>();
  private readonly sites = new Map<string, Site>();
  private readonly byAdapter = new Map<AdapterName, Sensor[]>();

  constructor(facility: Facility) {
    this.facility = facility;
    for (const site of facility.sites) this.sites.set(site.id, site);
    for (const sensor of facility.sensors) {
      this.sensors.set(sensor.id, sensor);
      const bound = this.byAdapter.get(sensor.source.adapter);
      if (bound) bound.push(sensor);
      else this.byAdapter.set(sensor.source.adapter, [sensor]);
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
    return this.byAdapter.get(adapter) ?? [];
  }

  allSensors(): readonly Sensor[] {
    return this.facility.sensors;
  }
}
