/** Small helpers for tests that act as devices and operators: MQTT clients and CLI results. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { expect } from 'vitest';

/** MQTT clients that report refusals at once (no reconnect) and are all closed by `closeAll`. */
export function mqttClients() {
  const clients: MqttClient[] = [];
  const connect = async (url: string, opts: IClientOptions = {}): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    clients.push(client);
    return client;
  };
  return {
    connect,
    /** The CONNACK return code (or MQTT 5 reason code) a refused connection got; 0 when accepted. */
    async refusedCode(url: string, opts: IClientOptions = {}): Promise<number> {
      try {
        const c = await connect(url, opts);
        await c.endAsync();
        return 0;
      } catch (err) {
        return (err as { code?: number }).code ?? -1;
      }
    },
    closeAll: () => Promise.all(clients.map((c) => c.endAsync(true).catch(() => {}))),
  };
}

/** The CLI's stdout, after asserting it succeeded (its stderr is the failure message). */
export function cliOk(r: { code: number; stdout: string; stderr: string }): string {
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const run = promisify(execFile);

/**
 * Publishes as a device does, with mosquitto_pub — a client we did not write — at QoS 1 to the
 * broker on loopback `port`; returns once the broker has it. An object is sent as its JSON.
 */
export function mosquittoPub(port: number, topic: string, message: string | object): Promise<unknown> {
  return run('mosquitto_pub', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-q',
    '1',
    '-t',
    topic,
    '-m',
    typeof message === 'string' ? message : JSON.stringify(message),
  ]);
}
