// The stack the device-adapter integration tests run against: real Mosquitto, real InfluxDB and a
// real Vigil serving one fixture facility, plus the two things those tests do to it — publish as a
// device does and wait for rows in InfluxDB.
import { afterAll, beforeAll } from 'vitest';
import { mosquittoPub } from './clients.ts';
import { stopAllServices, type InfluxHandle, type InfluxRow, type MosquittoHandle } from './services.ts';
import { eventually, startVigilStack, type VigilHandle } from './vigil.ts';

export interface AdapterStackOptions {
  /** Absolute path of the facility YAML Vigil serves. */
  facility: string;
  /** InfluxDB database of this test file. */
  db: string;
  /**
   * A native gas sensor of the facility. Vigil subscribes to all its topics in one SUBSCRIBE on
   * connect, so once a reading of this sensor is stored, the adapters' topics are subscribed too.
   */
  warmUpSensor: { topic: string; sensor: string };
}

export interface AdapterStack {
  broker: MosquittoHandle;
  influx: InfluxHandle;
  vigil: VigilHandle;
  /** Publishes like a device: mosquitto_pub, a client we did not write, QoS 1; returns once the broker has it. */
  pub(topic: string, payload: string | object): Promise<unknown>;
  /** Rows of an InfluxQL query on the stack's database once there are any. */
  stored(influxql: string, what: string): Promise<InfluxRow[]>;
}

/** Starts the stack and returns once Vigil is healthy and subscribed; stop it with `vigil.stop()` and `stopAllServices()`. */
export async function startAdapterStack(opts: AdapterStackOptions): Promise<AdapterStack> {
  const { broker, influx, vigil } = await startVigilStack({
    db: opts.db,
    facility: opts.facility,
    env: { FLUSH_INTERVAL_MS: '100', VIGIL_DEMO: '1' },
  });
  const pub = (topic: string, payload: string | object) => mosquittoPub(broker.port, topic, payload);
  const stored = (influxql: string, what: string): Promise<InfluxRow[]> =>
    eventually(
      async () => {
        const rows = await influx.query(influxql, opts.db);
        return rows.length > 0 ? rows : null;
      },
      15_000,
      what,
    );
  const { topic, sensor } = opts.warmUpSensor;
  await pub(topic, { ts: Date.now(), value: 1, unit: '%LEL' });
  await stored(`SELECT value FROM reading WHERE sensor = '${sensor}'`, 'the warm-up reading');
  return { broker, influx, vigil, pub, stored };
}

/**
 * The stack for a whole test file: started in the file's `beforeAll`, stopped in its `afterAll`.
 * Its parts are there from the first test on; reading one before that throws.
 */
export function useAdapterStack(opts: AdapterStackOptions): AdapterStack {
  let stack: AdapterStack | undefined;
  const ready = (): AdapterStack => {
    if (!stack) throw new Error('the adapter stack is not started yet (read it inside a test or hook)');
    return stack;
  };
  beforeAll(async () => {
    stack = await startAdapterStack(opts);
  });
  afterAll(async () => {
    await stack?.vigil.stop();
    await stopAllServices();
  });
  return {
    get broker() {
      return ready().broker;
    },
    get influx() {
      return ready().influx;
    },
    get vigil() {
      return ready().vigil;
    },
    pub: (topic, payload) => ready().pub(topic, payload),
    stored: (influxql, what) => ready().stored(influxql, what),
  };
}

/** `now` as Tasmota writes `Time`: wall-clock time in the device's own zone, without a zone. */
export function tasmotaTime(now: number, timeZone: string): string {
  return new Date(now).toLocaleString('sv-SE', { timeZone }).replace(' ', 'T');
}
