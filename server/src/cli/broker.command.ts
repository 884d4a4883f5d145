/**
 * `npm run vigil -- broker init --dynsec-file <file>`: prepares a Mosquitto that Vigil
 * administers, while it is stopped (`npm start` and Docker Compose run it before starting it).
 *
 * - creates the administrator's password (and Vigil's other MQTT secrets) in DATA_DIR/broker/
 *   when missing (adapters/broker.secrets.ts);
 * - writes the dynamic-security file: the administrator, Vigil's ingest client, every live
 *   device and gateway credential (by its stored hash), the drill devices and, in demo mode, the
 *   simulated devices and gateways, each bound to its client id; removes revoked ones; keeps
 *   entries Vigil does not manage.
 *
 * Once the broker runs, the server and `device|gateway add/revoke` change it over MQTT instead.
 */
import path from 'node:path';
import { Command } from 'commander';
import { writeDynsecFile } from '../adapters/mosquitto.dynsec-file.ts';
import { BROKER_ADMIN_USERNAME } from '../services/device-credentials.service.ts';
import type { CliContext } from './context.ts';

export function brokerCommand(ctx: () => CliContext): Command {
  const broker = new Command('broker').description('the Mosquitto broker Vigil administers (dynamic security)');
  broker
    .command('init')
    .description("write the broker's dynamic-security file from the device credentials (run while the broker is stopped)")
    .requiredOption('--dynsec-file <file>', "the file the broker's plugin_opt_config_file names")
    .action(async (o: { dynsecFile: string }) => {
      const c = ctx();
      const file = path.resolve(o.dynsecFile);
      // `npm start` and compose run this before the server's first start.
      await c.sql({ create: true });
      const secrets = c.brokerSecrets({ createAdmin: true });
      const plan = await c.brokerPlan(secrets);
      const { created } = await writeDynsecFile(file, plan, { username: BROKER_ADMIN_USERNAME, password: secrets.admin! });
      const count = (kind: string) => plan.principals.filter((p) => p.kind === kind).length;
      c.io.out(
        `${created ? 'created' : 'updated'} ${file}: administrator ${BROKER_ADMIN_USERNAME}, ingest ${c.ingestUsername()}, ` +
          `${count('device')} device(s), ${count('gateway')} gateway(s), ${count('drill')} drill device(s), ${count('simulator')} simulated device(s)\n`,
      );
    });
  return broker;
}
