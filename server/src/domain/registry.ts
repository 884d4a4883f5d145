import type { Facility, Sensor, Site } from '../../../contract/index.ts';

/** Read-only lookups over the loaded facility. Built once at start. */
export class Registry {
  readonly facility: Facility;
  private readonly sensors = new Map<string, Sensor>();
  private readonly sites = new Map<string, Site>();
  private readonly adapterTopics = new Map<string, Sensor>();

  constructor(facility: Facility) {
    this.facility = facility;
    for (const site of facility.sites) this.sites.set(site.id, site);
    for (const sensor of facility.sensors) {
      this.sensors.set(sensor.id, sensor);
      if (sensor.source.adapter !== 'native') this.adapterTopics.set(sensor.source.topic, sensor);
    }
  }

  sensor(id: string): Sensor | undefined {
    return this.sensors.get(id);
  }

  site(id: string): Site | undefined {
    return this.sites.get(id);
  }

  /** The sensor bound to a device adapter's own topic (e.g. `zigbee2mqtt/Kitchen gas`). */
  sensorByAdapterTopic(topic: string): Sensor | undefined {
    return this.adapterTopics.get(topic);
  }

  allSensors(): readonly Sensor[] {
    return this.facility.sensors;
  }
}
