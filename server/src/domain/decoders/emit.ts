/**
 * What every device adapter ends in: native-shaped payloads for a registry sensor, run through the
 * same validation and normalisation as `vigil/...` topics (`normaliseItem`), so an adapter's
 * observation is indistinguishable from a native one (timestamps checked, units checked, zone and
 * kind from the registry) except for `source: 'adapter'`.
 */
import { KIND_UNITS, type EventType, type Observation, type Sensor, type SensorKind, type Unit } from '../../../../contract/index.ts';
import { DecodeError, normaliseItem, type DecodeContext, type Decoded, type Rejected } from '../observation.decode.ts';

export interface StatusFields {
  online?: boolean;
  battery?: number;
  rssi?: number;
}

export interface EventFields {
  detail?: string;
  credential?: string;
}

/** The unit a sensor's readings are stored in: its kind's, or %obs/m for smoke obscuration. */
export function readingUnit(sensor: Pick<Sensor, 'unit' | 'kind'>): Unit | null {
  return sensor.unit ?? (sensor.kind === 'smoke' ? '%obs/m' : null);
}

/** `readingUnit` before the registry is resolved: from the kind alone. */
export function kindReadingUnit(kind: SensorKind): Unit | null {
  return readingUnit({ unit: KIND_UNITS[kind], kind });
}

/** Collects one MQTT message's observations and per-item rejections. */
export class Emitter {
  private readonly ctx: DecodeContext;
  private readonly observations: Observation[] = [];
  private readonly rejected: Rejected[] = [];

  /** @param ts device time for everything in this message (ms); receive time when undefined */
  constructor(
    ctx: DecodeContext,
    private ts: number | undefined = undefined,
  ) {
    this.ctx = { ...ctx, source: 'adapter' };
  }

  setTime(ts: number | undefined): void {
    this.ts = ts;
  }

  reading(sensor: Sensor, value: number): boolean {
    const unit = readingUnit(sensor);
    if (unit === null) {
      this.reject(sensor, new DecodeError('adapter_error', `${sensor.kind} sensors take no readings`));
      return false;
    }
    return this.push(sensor, 'reading', { ts: this.ts, value, unit });
  }

  event(sensor: Sensor, type: EventType, fields: EventFields = {}): boolean {
    return this.push(sensor, 'event', { ts: this.ts, type, ...fields });
  }

  status(sensor: Sensor, fields: StatusFields): boolean {
    return this.push(sensor, 'status', { ts: this.ts, ...fields });
  }

  /** Runs `step`, turning a DecodeError into a rejection of that item while the rest goes on. */
  attempt(sensor: Sensor, step: () => void): void {
    try {
      step();
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.reject(sensor, err);
    }
  }

  reject(sensor: Sensor, err: DecodeError): void {
    this.rejected.push({ reason: err.reason, detail: `${sensor.id}: ${err.message}` });
  }

  /**
   * One message, at most one rejection: a device repeating the same bad fields in every message
   * would otherwise bury the rejection list. The first reason is counted; the detail lists all.
   */
  result(): Decoded {
    const [first] = this.rejected;
    if (first === undefined || this.rejected.length === 1) return { observations: this.observations, rejected: this.rejected };
    return { observations: this.observations, rejected: [{ reason: first.reason, detail: this.rejected.map((r) => r.detail).join('; ') }] };
  }

  private push(sensor: Sensor, channel: Observation['channel'], payload: Record<string, unknown>): boolean {
    try {
      this.observations.push(normaliseItem({ siteId: sensor.siteId, sensorId: sensor.id, channel }, payload, this.ctx));
      return true;
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.reject(sensor, err);
      return false;
    }
  }
}
