/**
 * The MQTT passwords of Vigil's own principals, kept in DATA_DIR/broker/ (directory 0700, each
 * file 0600, the password on its one line):
 *
 * - `admin.password`: the broker administrator (dynamic security). Written only by
 *   `vigil broker init`, which puts the same credential in the broker's configuration before the
 *   broker starts; its presence is what tells the server and the CLI that they administer the
 *   broker at MQTT_URL.
 * - `ingest.password`, `drill.password`, `simulator.password`: Vigil's ingest client, the drill
 *   devices and (demo mode) the simulated devices. Created when missing by whoever needs them
 *   first. The simulator reads its own with `--password-file`, so it can be given that file alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { newSecret } from '../services/auth.tokens.ts';

export type SecretName = 'admin' | 'ingest' | 'drill' | 'simulator';

export interface BrokerSecrets {
  /** Null: nobody ran `vigil broker init` here, so Vigil does not administer the broker. */
  admin: string | null;
  ingest: string;
  drill: string;
  simulator: string;
  /** Where a secret is kept (for `--password-file`). */
  file(name: SecretName): string;
}

export const brokerSecretsDir = (dataDir: string): string => path.join(dataDir, 'broker');

function readSecret(file: string): string | null {
  try {
    const text = fs.readFileSync(file, 'utf8').split('\n')[0]!.trim();
    return text || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function ensureSecret(file: string): string {
  const existing = readSecret(file);
  if (existing) return existing;
  const secret = newSecret();
  // wx: two processes starting at once must not each write their own secret.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readSecret(file) ?? ensureSecret(file);
    throw err;
  }
  return secret;
}

/**
 * Reads the secrets, creating the missing ones; the admin secret only with `createAdmin` (it is
 * useless unless the broker's configuration has it too).
 */
export function loadBrokerSecrets(dataDir: string, options: { createAdmin?: boolean } = {}): BrokerSecrets {
  const dir = brokerSecretsDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: SecretName): string => path.join(dir, `${name}.password`);
  return {
    admin: options.createAdmin ? ensureSecret(file('admin')) : readSecret(file('admin')),
    ingest: ensureSecret(file('ingest')),
    drill: ensureSecret(file('drill')),
    simulator: ensureSecret(file('simulator')),
    file,
  };
}

/** The admin password without creating anything (the CLI's device commands). */
export function readAdminSecret(dataDir: string): string | null {
  return readSecret(path.join(brokerSecretsDir(dataDir), 'admin.password'));
}
