/**
 * The embedded MQTT broker (Aedes), used when MQTT_URL is unset so `npm start` needs no
 * Mosquitto. Vigil's own ingest client connects to it over TCP like any device, so both brokers
 * exercise the same ingest path.
 */
import net from 'node:net';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from '../logger.ts';
import { createLogLimiter } from '../log-limiter.ts';
import type { BrokerAuthorizer } from '../services/device-credentials.broker.ts';

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

/**
 * Aedes hooks asking `auth` (issue 4): who may connect, publish where, subscribe to what. A refused
 * CONNECT gets CONNACK 4 (bad credentials) or 5 (not authorised); a refused PUBLISH closes the
 * connection (MQTT 3.1.1 has no negative PUBACK); a refused SUBSCRIBE gets SUBACK 0x80.
 */
function authOptions<P>(auth: BrokerAuthorizer<P>, logger: Logger): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> {
  const principals = new WeakMap<Client, P>();
  const shouldLog = createLogLimiter(60_000);
  const refuse = (code: 3 | 4 | 5, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
  return {
    authenticate: (client, username, password, done) => {
      auth.authenticate(username, password).then(
        (principal) => {
          if (principal === null) {
            if (shouldLog(`connect|${username ?? ''}`))
              logger.warn({ client: client.id, username: username ?? null }, 'MQTT connection refused: unknown device, wrong password or anonymous');
            return done(refuse(username ? 4 : 5, 'bad username or password'), false);
          }
          principals.set(client, principal);
          done(null, true);
        },
        (err: Error) => {
          logger.error({ err }, 'MQTT authentication failed');
          done(refuse(3, 'server unavailable'), false);
        },
      );
    },
    authorizePublish: (client, packet, done) => {
      if (client === null) return done(null); // published by the broker itself
      const principal = principals.get(client);
      if (principal !== undefined && auth.mayPublish(principal, packet.topic)) return done(null);
      const who = principal === undefined ? 'unauthenticated' : auth.describe(principal);
      if (shouldLog(`publish|${who}|${packet.topic}`))
        logger.warn({ client: client.id, who, topic: packet.topic }, "MQTT publish refused: not this client's topic; connection closed");
      done(new Error(`${who} may not publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, sub, done) => {
      const principal = principals.get(client);
      if (principal !== undefined && auth.maySubscribe(principal, sub.topic)) return done(null, sub);
      const who = principal === undefined ? 'unauthenticated' : auth.describe(principal);
      if (shouldLog(`subscribe|${who}|${sub.topic}`)) logger.warn({ client: client.id, who, topic: sub.topic }, 'MQTT subscribe refused');
      done(null, null);
    },
  };
}

/** Without `auth`, every client may connect and do anything (Aedes' defaults). */
export async function startEmbeddedBroker<P>(host: string, port: number, logger: Logger, auth?: BrokerAuthorizer<P>): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({ id: 'vigil-embedded', ...(auth ? authOptions(auth, logger) : {}) });
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
