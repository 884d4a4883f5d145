/**
 * The dynamic-security plugin's JSON file, written while the broker is stopped (`vigil broker
 * init`, run by `npm start` and Docker Compose before Mosquitto starts). The plugin reads it once
 * at start and rewrites it after every change, so it must not be edited while the broker runs.
 *
 * Unlike the `$CONTROL` commands, the file takes password hashes: this is the one place where a
 * device credential known only by its hash can be put on the broker (a fresh broker, or a
 * `device add` made while the broker was down). Entries Vigil does not manage are kept.
 *
 * File format: clients (username, clientid, PBKDF2-SHA512 `password`/`salt`/`iterations`,
 * roles), roles (rolename, acls), groups, defaultACLAccess (plugins/dynamic-security/README.md
 * and clients.c in eclipse/mosquitto 2.0).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrokerPlan } from '../services/device-credentials.broker.ts';
import { mosquittoHash, parseMosquittoHash } from '../services/mosquitto-config.ts';
import { DEFAULT_ACL_ACCESS, roleAcls, type DynsecAcl } from './mosquitto.dynsec.ts';

export const ADMIN_ROLE = 'vigil-admin';

/** The administrator may use the plugin's control topic and nothing else. */
const ADMIN_ACLS: DynsecAcl[] = [
  { acltype: 'publishClientSend', topic: '$CONTROL/dynamic-security/#', allow: true },
  { acltype: 'publishClientReceive', topic: '$CONTROL/dynamic-security/#', allow: true },
  { acltype: 'subscribePattern', topic: '$CONTROL/dynamic-security/#', allow: true },
];

interface FileClient {
  username: string;
  clientid?: string;
  password?: string;
  salt?: string;
  iterations?: number;
  roles?: { rolename: string; priority?: number }[];
  [other: string]: unknown;
}

interface FileRole {
  rolename: string;
  acls?: DynsecAcl[];
  [other: string]: unknown;
}

interface DynsecFile {
  clients: FileClient[];
  roles: FileRole[];
  groups: unknown[];
  defaultACLAccess: Record<string, boolean>;
  [other: string]: unknown;
}

function readFile(file: string): DynsecFile | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (!text.trim()) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}): move it away to start afresh`);
  }
  const f = parsed as Partial<DynsecFile>;
  return { ...f, clients: f.clients ?? [], roles: f.roles ?? [], groups: f.groups ?? [], defaultACLAccess: f.defaultACLAccess ?? {} };
}

function hashFields(hash: string, who: string): Pick<FileClient, 'password' | 'salt' | 'iterations'> {
  const parts = parseMosquittoHash(hash);
  if (!parts) throw new Error(`the stored password hash of ${who} is not a $7$ hash`);
  return { password: parts.key, salt: parts.salt, iterations: parts.iterations };
}

/**
 * Writes the plan and the administrator into the file (created when absent), removes what the
 * plan says must not exist, keeps everything else. Atomic: a crash leaves the old file or the new.
 */
export async function writeDynsecFile(file: string, plan: BrokerPlan, admin: { username: string; password: string }): Promise<{ created: boolean }> {
  const existing = readFile(file);
  const doc: DynsecFile = existing ?? { clients: [], roles: [], groups: [], defaultACLAccess: {} };

  // One hash per distinct password: the simulated and drill devices share one each.
  const hashes = new Map<string, string>();
  const hashOf = async (password: string): Promise<string> => {
    let h = hashes.get(password);
    if (!h) hashes.set(password, (h = await mosquittoHash(password)));
    return h;
  };

  const roles = new Map(doc.roles.map((r) => [r.rolename, r]));
  for (const name of roles.keys()) if (plan.isStaleRole(name)) roles.delete(name);
  roles.set(ADMIN_ROLE, { ...roles.get(ADMIN_ROLE), rolename: ADMIN_ROLE, acls: ADMIN_ACLS });
  for (const role of plan.roles) roles.set(role.name, { ...roles.get(role.name), rolename: role.name, acls: roleAcls(role) });

  const clients = new Map(doc.clients.map((c) => [c.username, c]));
  for (const username of clients.keys()) if (plan.isStaleClient(username)) clients.delete(username);
  const adminEntry: FileClient = {
    username: admin.username,
    textname: 'Vigil broker administrator',
    ...hashFields(await hashOf(admin.password), admin.username),
    roles: [{ rolename: ADMIN_ROLE }],
  };
  clients.set(admin.username, adminEntry);
  for (const p of plan.principals) {
    const hash = 'password' in p.secret ? await hashOf(p.secret.password) : p.secret.hash;
    clients.set(p.username, { username: p.username, clientid: p.clientId, ...hashFields(hash, p.username), roles: [{ rolename: p.role }] });
  }

  const out: DynsecFile = {
    ...doc,
    clients: [...clients.values()],
    roles: [...roles.values()],
    groups: doc.groups,
    defaultACLAccess: { ...doc.defaultACLAccess, ...DEFAULT_ACL_ACCESS },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.vigil-${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return { created: existing === null };
}
