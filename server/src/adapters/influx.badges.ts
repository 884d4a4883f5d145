/** Granted badge reads from InfluxDB, to rebuild who is where after a restart (presence.service.ts). */
import type { BadgeRead } from '../domain/presence/presence.ts';
import type { BadgeHistory } from '../services/presence.service.ts';
import type { InfluxClient } from './influx.client.ts';
import { RP } from './influx.schema.ts';

export class InfluxBadgeHistory implements BadgeHistory {
  constructor(private readonly influx: InfluxClient) {}

  async grantedReads(from: number, to: number): Promise<BadgeRead[]> {
    const db = this.influx.options.db;
    // Drills' reads are left out: a drill plays its alarms, it does not move real people.
    const [series = []] = await this.influx.query(
      `SELECT "credential", "reader", "sensor" FROM "${db}"."${RP.raw}"."event" WHERE "type" = 'access_granted' AND "drill" = '' AND time >= ${from}ms AND time < ${to + 1}ms`,
    );
    const out: BadgeRead[] = [];
    for (const [t, credential, reader, sensor] of series[0]?.values ?? []) {
      if (typeof credential !== 'string' || credential === '' || typeof sensor !== 'string') continue;
      out.push({ t: Number(t), sensorId: sensor, credential, ...((reader === 'in' || reader === 'out') && { reader }) });
    }
    return out;
  }
}
