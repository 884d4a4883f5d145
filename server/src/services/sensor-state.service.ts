/** The latest known state of every sensor (last value, last seen, online, battery, signal). */
import type { Observation, SensorState } from '../../../contract/index.ts';

export class SensorStateService {
  private readonly states = new Map<string, SensorState>();

  private stateOf(sensorId: string): SensorState {
    let s = this.states.get(sensorId);
    if (!s) {
      s = { sensorId, lastSeen: null, lastValue: null, lastEvent: null, online: null, battery: null, rssi: null };
      this.states.set(sensorId, s);
    }
    return s;
  }

  /** Applies an observation; drills never overwrite what the real sensor last said. */
  apply(o: Observation): void {
    if (o.drill !== undefined) return;
    const s = this.stateOf(o.sensorId);
    if (s.lastSeen !== null && o.ts < s.lastSeen) return; // a late or replayed message is history, not news
    s.lastSeen = o.ts;
    switch (o.channel) {
      case 'reading':
        s.lastValue = o.value;
        s.online = true;
        break;
      case 'event':
        s.lastEvent = o.type;
        s.online = true;
        break;
      case 'status':
        if (o.online !== undefined) s.online = o.online;
        if (o.battery !== undefined) s.battery = o.battery;
        if (o.rssi !== undefined) s.rssi = o.rssi;
        break;
    }
  }

  get(sensorId: string): SensorState | undefined {
    return this.states.get(sensorId);
  }

  /** States for the given sensor ids (registry order), plus any unregistered senders at the end. */
  list(sensorIds: readonly string[]): SensorState[] {
    const known = new Set(sensorIds);
    const out = sensorIds.map((id) => this.states.get(id) ?? { sensorId: id, lastSeen: null, lastValue: null, lastEvent: null, online: null, battery: null, rssi: null });
    for (const [id, s] of this.states) if (!known.has(id)) out.push(s);
    return out;
  }
}
