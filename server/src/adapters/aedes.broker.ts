/**
 * The embedded MQTT broker (Aedes), used when MQTT_URL is unset so `npm start` needs no
 * Mosquitto. Vigil's own ingest client connects to it over TCP like any device, so both brokers
 * exercise the same ingest path.
 */
import net from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../logger.ts';

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(host: string, port: number, logger: Logger): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({ id: 'vigil-embedded' });
  broker.on('clientError', (client, err) => logger.debug({ client: client.id, err: err.message }, 'client error'));
  broker.on('connectionError', (_client, err) => logger.debug({ err: err.message }, 'connection error'));
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  logger.info({ host, port: actual }, 'embedded MQTT broker listening');
  return {
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => broker.close(() => resolve()));
        // Devices keep connections open; close() waits only for the listener.
        setTimeout(resolve, 2000).unref();
      }),
  };
}
