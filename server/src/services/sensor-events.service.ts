/** A sensor's discrete events over a range (the door timeline), from the history store. */
import { SENSOR_EVENTS_LIMIT, type SensorEventPoint, type SensorEventsResponse } from '../../../contract/index.ts';

export interface SensorEventsQuery {
  /** Newest first, at most `limit`. */
  sensorEvents(sensorId: string, from: number, to: number, limit: number): Promise<SensorEventPoint[]>;
}

export class SensorEventsService {
  constructor(private readonly store: SensorEventsQuery) {}

  async events(sensorId: string, from: number, to: number): Promise<SensorEventsResponse> {
    // One more than shown: whether the range held more is then known without a count query.
    const found = await this.store.sensorEvents(sensorId, from, to, SENSOR_EVENTS_LIMIT + 1);
    return { sensorId, from, to, events: found.slice(0, SENSOR_EVENTS_LIMIT), truncated: found.length > SENSOR_EVENTS_LIMIT };
  }
}
