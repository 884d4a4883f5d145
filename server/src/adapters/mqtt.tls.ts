// TLS settings of the ingest client for `mqtts://` (see `mqtt.subscriber.ts`).
import { readFileSync } from 'node:fs';

/** TLS for `mqtts://`: PEM contents (not paths). */
export interface MqttTlsOptions {
  /** Trusted CA(s) for the broker's certificate; default: Node's built-in root CAs. */
  ca?: string | Buffer;
  /** Client certificate and key, for a broker that requires one (`require_certificate true`). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true; false accepts any broker certificate (testing only: anyone can impersonate the broker). */
  rejectUnauthorized?: boolean;
}

/** Reads the PEM files the configuration names (`MQTT_CA`, `MQTT_CERT`, `MQTT_KEY`). */
export function tlsFromFiles(files: {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  rejectUnauthorized: boolean;
}): MqttTlsOptions {
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
  return { ca: read(files.caFile), cert: read(files.certFile), key: read(files.keyFile), rejectUnauthorized: files.rejectUnauthorized };
}
