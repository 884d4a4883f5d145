/**
 * Device credentials on the command line: `apikey create|list|revoke` for HTTP ingest,
 * `device add|list|revoke` and `gateway add|list|revoke` for MQTT. Secrets are printed once, at
 * creation. On a broker this DATA_DIR administers (`broker init`), `add` and `revoke` change the
 * broker directly: in effect when the command returns, whether or not the server runs.
 */
import { Command } from 'commander';
import { idSchema, type ApiKeyScope, type ApiKeyView, type DeviceView, type GatewayCredentialView } from '../../../contract/index.ts';
import type { BrokerSync } from '../services/device-credentials.broker.ts';
import { CliError } from './cli.errors.ts';
import type { CliContext } from './context.ts';
import { date } from './format.ts';

function idList(value: string, what: string): string[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new CliError('USAGE', `${what}: give at least one id`);
  for (const id of ids) if (!idSchema.safeParse(id).success) throw new CliError('USAGE', `${what}: "${id}" is not a valid id`);
  return ids;
}

const scopeText = (s: ApiKeyScope): string => ('sites' in s ? `sites: ${s.sites.join(',')}` : `sensors: ${s.sensors.join(',')}`);
const keyLine = (k: ApiKeyView): string =>
  `${k.id}  ${k.revokedAt ? 'REVOKED' : 'active '}  ${scopeText(k.scope)}  last used ${date(k.lastUsedAt)}  "${k.name}"\n`;
const deviceLine = (d: DeviceView): string =>
  `${d.sensorId}  ${d.revokedAt ? 'REVOKED' : 'active '}  publishes ${d.publish.join(' ') || '(sensor no longer in the registry)'}\n`;
const gatewayLine = (g: GatewayCredentialView): string =>
  `${g.gatewayId}  ${g.revokedAt ? 'REVOKED' : 'active '}  publishes ${g.publish.join(' ') || '(gateway no longer in the registry)'}` +
  `${g.subscribe.length ? `  subscribes ${g.subscribe.join(' ')}` : ''}\n`;

export function apiKeyCommands(ctx: () => CliContext): Command {
  const apikey = new Command('apikey').description('API keys for POST /api/ingest, scoped to sites or sensors');

  apikey
    .command('create <name>')
    .description('create a key; it is printed once and stored only as a hash')
    .option('--sites <ids>', 'comma-separated site ids the key may write')
    .option('--sensors <ids>', 'comma-separated sensor ids the key may write')
    .action(async (name: string, o: { sites?: string; sensors?: string }) => {
      if ((o.sites === undefined) === (o.sensors === undefined)) throw new CliError('USAGE', 'give exactly one of --sites or --sensors');
      const scope: ApiKeyScope = o.sites !== undefined ? { sites: idList(o.sites, '--sites') } : { sensors: idList(o.sensors!, '--sensors') };
      const c = ctx();
      const { apiKey, key } = await (await c.apiKeys()).create(c.actor, name, scope);
      c.io.err(`created API key ${apiKey.id} (${scopeText(apiKey.scope)}). Store it now: it is not shown again.\nUse it as: Authorization: Bearer <key>\n`);
      c.io.out(`${key}\n`);
    });

  apikey
    .command('list')
    .description('every key (never the secrets)')
    .action(async () => {
      const c = ctx();
      const keys = await (await c.apiKeys()).list();
      c.io.out(keys.length ? keys.map(keyLine).join('') : 'no API keys\n');
    });

  apikey
    .command('revoke <id>')
    .description('refuse the key from now on')
    .action(async (id: string) => {
      const c = ctx();
      c.io.out(keyLine(await (await c.apiKeys()).revoke(c.actor, id)));
    });
  return apikey;
}

/** What the operator must know about the broker after a change. */
function brokerNote(sync: BrokerSync, url: string, what: 'issued' | 'revoked'): string {
  switch (sync.state) {
    case 'applied':
      return what === 'issued' ? `In effect on the broker at ${url} now.\n` : `Removed from the broker at ${url}: its connections are closed.\n`;
    case 'pending':
      return what === 'issued'
        ? `The broker is unreachable (${sync.reason}): the credential takes effect when it next starts through npm start or Docker Compose.\n`
        : `The broker is unreachable (${sync.reason}): Vigil removes the credential when it next reaches the broker.\n`;
    case 'unmanaged':
      return 'Vigil does not administer this broker: re-run `npm run vigil -- mosquitto-config` and reload Mosquitto, or change your broker.\n';
  }
}

export function deviceCommands(ctx: () => CliContext): Command {
  const device = new Command('device').description('MQTT credentials per device, applied at once to a broker this DATA_DIR administers');

  device
    .command('add <sensorId>')
    .description('issue MQTT credentials for a registered sensor; the password is printed once')
    .action(async (sensorId: string) => {
      const c = ctx();
      const { device: d, password, broker } = await (await c.devices()).add(c.actor, sensorId);
      c.io.err(
        `MQTT credentials for ${d.sensorId}: connect with client id ${d.username}; it may publish to ${d.publish.join(' ')}. Store the password now: it is not shown again.\n`,
      );
      c.io.err(brokerNote(broker, c.env.mqttUrl, 'issued'));
      c.io.out(`username: ${d.username}\nclient id: ${d.username}\npassword: ${password}\n`);
    });

  device
    .command('list')
    .description('devices with MQTT credentials')
    .action(async () => {
      const c = ctx();
      const list = await (await c.devices()).list();
      c.io.out(list.length ? list.map(deviceLine).join('') : 'no device credentials\n');
    });

  device
    .command('revoke <sensorId>')
    .description("refuse the device's credentials and close its connections")
    .action(async (sensorId: string) => {
      const c = ctx();
      const { device: d, broker } = await (await c.devices()).revoke(c.actor, sensorId);
      c.io.out(deviceLine(d));
      c.io.err(brokerNote(broker, c.env.mqttUrl, 'revoked'));
    });
  return device;
}

export function gatewayCommands(ctx: () => CliContext): Command {
  const gateway = new Command('gateway').description('MQTT credentials per gateway (sites[].gateways), applied at once to a broker this DATA_DIR administers');

  gateway
    .command('add <gatewayId>')
    .description('issue MQTT credentials for a registered gateway; the password is printed once')
    .action(async (gatewayId: string) => {
      const c = ctx();
      const { gateway: g, password, broker } = await (await c.devices()).addGateway(c.actor, gatewayId);
      c.io.err(
        `MQTT credentials for gateway ${g.gatewayId}: connect with client id ${g.username}; it may publish to ${g.publish.join(' ')} ` +
          `and subscribe to ${g.subscribe.join(' ')}. Store the password now: it is not shown again.\n`,
      );
      c.io.err(brokerNote(broker, c.env.mqttUrl, 'issued'));
      c.io.out(`username: ${g.username}\nclient id: ${g.username}\npassword: ${password}\n`);
    });

  gateway
    .command('list')
    .description('gateways with MQTT credentials')
    .action(async () => {
      const c = ctx();
      const list = await (await c.devices()).gatewayList();
      c.io.out(list.length ? list.map(gatewayLine).join('') : 'no gateway credentials\n');
    });

  gateway
    .command('revoke <gatewayId>')
    .description("refuse the gateway's credentials and close its connection")
    .action(async (gatewayId: string) => {
      const c = ctx();
      const { gateway: g, broker } = await (await c.devices()).revokeGateway(c.actor, gatewayId);
      c.io.out(gatewayLine(g));
      c.io.err(brokerNote(broker, c.env.mqttUrl, 'revoked'));
    });
  return gateway;
}
