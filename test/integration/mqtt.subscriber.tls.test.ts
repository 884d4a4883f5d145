// The ingest client over TLS (mqtts://) against a Mosquitto TLS listener that requires a client
// certificate (`require_certificate true`), with a CA, broker and client certificates made by
// openssl for this test. Configured as the server is: MQTT_CA, MQTT_CERT, MQTT_KEY through
// loadConfig, read by tlsFromFiles.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MqttSubscriber, tlsFromFiles } from '../../server/src/adapters/mqtt.subscriber.ts';
import { loadConfig } from '../../server/src/config.ts';
import { makeTempDir } from '../support/process.ts';
import { startMosquitto, stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually } from '../support/vigil.ts';

let dir: string;
let broker: MosquittoHandle;
const subscribers: MqttSubscriber[] = [];

const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A new P-256 key (quick to make) in `<name>.key`, unencrypted. */
const newKey = (name: string): string[] => ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`];

/** A self-signed CA. */
function makeCa(name: string): void {
  openssl(
    'req',
    '-x509',
    ...newKey(name),
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}

/** A certificate for `name` signed by `ca`, with the given extensions. */
function makeCert(name: string, ca: string, extensions: string): void {
  openssl('req', ...newKey(name), '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  writeFileSync(file(`${name}.ext`), extensions);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
}

beforeAll(async () => {
  dir = makeTempDir('mqtt-tls');
  makeCa('vigil-test-ca');
  makeCa('other-ca');
  makeCert('broker', 'vigil-test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  makeCert('vigil-ingest', 'vigil-test-ca', 'extendedKeyUsage=clientAuth\n');
  makeCert('stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  broker = await startMosquitto({
    tls: { cafile: file('vigil-test-ca.crt'), certfile: file('broker.crt'), keyfile: file('broker.key'), requireCertificate: true },
  });
});
afterEach(async () => {
  await Promise.all(subscribers.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await stopAllServices();
});

/** A subscriber configured from the environment the server reads. */
function subscriber(env: NodeJS.ProcessEnv): { sub: MqttSubscriber; got: string[]; lines: string[] } {
  const config = loadConfig({ MQTT_URL: broker.tlsUrl!, ...env });
  const got: string[] = [];
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const sub = new MqttSubscriber({
    url: config.mqttUrl,
    clientId: 'vigil-ingest',
    topics: ['vigil/+/+/+'],
    tls: tlsFromFiles(config.mqttTls!),
    onMessage: (_topic, payload, done) => {
      got.push(payload.toString());
      done();
    },
    isSaturated: () => false,
    whenDrained: () => Promise.resolve(),
    logger: pino({ level: 'info' }, sink),
    reconnect: { initialMs: 100, maxMs: 400 },
  });
  subscribers.push(sub);
  return { sub, got, lines };
}

/** The first failure the client logged (it logs each distinct one once). */
async function firstFailure(lines: string[]): Promise<string> {
  const line = await eventually(() => lines.find((l) => l.includes('unreachable or refused')), 10_000, 'the failure logged');
  return (JSON.parse(line) as { err: string }).err;
}

describe('the ingest client over TLS', () => {
  it('connects to a broker whose certificate the configured CA signed, with its client certificate, and receives', async () => {
    const { sub, got } = subscriber({ MQTT_CA: file('vigil-test-ca.crt'), MQTT_CERT: file('vigil-ingest.crt'), MQTT_KEY: file('vigil-ingest.key') });
    await sub.start();
    expect(sub.connected).toBe(true);
    const pub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 }); // the plain listener
    try {
      await pub.publishAsync('vigil/s/S-1/reading', 'over TLS', { qos: 1 });
      await eventually(() => got.length >= 1, 10_000, 'the message');
      expect(got).toEqual(['over TLS']);
    } finally {
      await pub.endAsync(true);
    }
  });

  it('refuses a broker whose certificate another CA signed', async () => {
    const { sub, lines } = subscriber({ MQTT_CA: file('other-ca.crt'), MQTT_CERT: file('vigil-ingest.crt'), MQTT_KEY: file('vigil-ingest.key') });
    void sub.start();
    expect(await firstFailure(lines)).toMatch(/self-signed certificate in certificate chain/);
    expect(sub.connected).toBe(false);
  });

  it('is refused by a broker that requires a client certificate, without one or with one another CA signed', async () => {
    const without = subscriber({ MQTT_CA: file('vigil-test-ca.crt') });
    void without.sub.start();
    const withoutReason = await firstFailure(without.lines);
    const stranger = subscriber({ MQTT_CA: file('vigil-test-ca.crt'), MQTT_CERT: file('stranger.crt'), MQTT_KEY: file('stranger.key') });
    void stranger.sub.start();
    const strangerReason = await firstFailure(stranger.lines);
    // Mosquitto ends the handshake with a TLS alert (with TLS 1.3 after the client's side of it
    // completed, so the client learns it when it reads the alert, and no CONNACK ever comes).
    expect(withoutReason).toMatch(/alert certificate required/);
    expect(strangerReason).toMatch(/alert unknown ca/);
    expect(without.sub.connected).toBe(false);
    expect(stranger.sub.connected).toBe(false);
  });
});
