// The ingest client's TLS and frame-limit variables (MQTT_CA, MQTT_CERT, MQTT_KEY,
// MQTT_REJECT_UNAUTHORIZED, MQTT_MAX_FRAME_BYTES): checked at start, so a broker certificate that
// cannot be read, or a client certificate without its key, stops the server naming the variable
// instead of failing every connection attempt later.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-config-'));
const pem = (name: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  return file;
};
const ca = pem('ca.crt');
const cert = pem('client.crt');
const key = pem('client.key');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('MQTT TLS and frame limit configuration', () => {
  it('has no TLS for mqtt://, and a 256 KiB frame limit by default', () => {
    const c = loadConfig({});
    expect(c.mqttTls).toBeNull();
    expect(c.MQTT_MAX_FRAME_BYTES).toBe(262_144);
  });

  it('gives the files (absolute) and certificate checking (on unless turned off) for mqtts://', () => {
    const c = loadConfig({ MQTT_URL: 'mqtts://broker.example:8883', MQTT_CA: path.relative(process.cwd(), ca), MQTT_CERT: cert, MQTT_KEY: key });
    expect(c.mqttTls).toEqual({ caFile: ca, certFile: cert, keyFile: key, rejectUnauthorized: true });
    expect(loadConfig({ MQTT_URL: 'mqtts://broker.example', MQTT_REJECT_UNAUTHORIZED: '0' }).mqttTls).toEqual({
      caFile: undefined,
      certFile: undefined,
      keyFile: undefined,
      rejectUnauthorized: false,
    });
  });

  it('names a file that cannot be read', () => {
    expect(problemsOf({ MQTT_URL: 'mqtts://b', MQTT_CA: path.join(dir, 'missing.crt') })).toEqual([
      expect.stringMatching(/^MQTT_CA=".*missing\.crt": must be a readable file/),
    ]);
    expect(problemsOf({ MQTT_URL: 'mqtts://b', MQTT_CA: dir })).toEqual([expect.stringMatching(/^MQTT_CA=.*must be a readable file/)]);
  });

  it('refuses a client certificate without its key, and TLS files for a plain mqtt:// broker', () => {
    expect(problemsOf({ MQTT_URL: 'mqtts://b', MQTT_CERT: cert })).toEqual([expect.stringMatching(/^MQTT_CERT: MQTT_CERT and MQTT_KEY go together/)]);
    expect(problemsOf({ MQTT_URL: 'mqtt://b', MQTT_CA: ca })).toEqual([expect.stringMatching(/^MQTT_CA=.*applies to an mqtts:\/\/ MQTT_URL only/)]);
  });

  it('refuses a frame limit below what a valid reading needs', () => {
    expect(problemsOf({ MQTT_MAX_FRAME_BYTES: '16384' })).toEqual([expect.stringMatching(/^MQTT_MAX_FRAME_BYTES="16384": must be at least 17408/)]);
    expect(loadConfig({ MQTT_MAX_FRAME_BYTES: '1048576' }).MQTT_MAX_FRAME_BYTES).toBe(1_048_576);
  });
});
