/**
 * Mosquitto password and ACL files (`vigil mosquitto-config`, for a Mosquitto the site manages
 * itself), rendered from the same rules as the dynamic-security configuration
 * (device-credentials.broker.ts).
 *
 * Password hashes use Mosquitto 2's `$7$` format (PBKDF2-HMAC-SHA512, 12-byte salt, 64-byte
 * key: `$7$<iterations>$<salt base64>$<key base64>`, as `mosquitto_passwd` writes it). Vigil
 * stores device passwords in this format; the dynamic-security plugin stores the same three
 * parts as separate fields, so one stored hash serves both.
 */
import crypto from 'node:crypto';
import type { BrokerPlan, BrokerPrincipal } from './device-credentials.broker.ts';

/**
 * Mosquitto's own default is 101 iterations. Device passwords are 256-bit random secrets, so
 * iterations add nothing against guessing them; they only cost broker CPU per CONNECT (about
 * 10 ms here). 10,000 still protects a human-chosen ingest password somewhat.
 */
export const MOSQUITTO_PBKDF2_ITERATIONS = 10_000;
const SALT_BYTES = 12;
const KEY_BYTES = 64;

function pbkdf2(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => crypto.pbkdf2(password, salt, iterations, KEY_BYTES, 'sha512', (err, key) => (err ? reject(err) : resolve(key))));
}

export async function mosquittoHash(password: string, iterations = MOSQUITTO_PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await pbkdf2(password, salt, iterations);
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** The parts of a `$7$` hash (the dynamic-security plugin stores them as separate fields), or null when malformed. */
export function parseMosquittoHash(stored: string): { iterations: number; salt: string; key: string } | null {
  const m = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return null;
  const iterations = Number(m[1]);
  if (iterations < 1 || iterations > 1_000_000) return null;
  return { iterations, salt: m[2]!, key: m[3]! };
}

export async function verifyMosquittoHash(password: string, stored: string): Promise<boolean> {
  const parts = parseMosquittoHash(stored);
  if (!parts) return false;
  const expected = Buffer.from(parts.key, 'base64');
  const key = await pbkdf2(password, Buffer.from(parts.salt, 'base64'), parts.iterations);
  return key.length === expected.length && crypto.timingSafeEqual(key, expected);
}

export interface MosquittoUser {
  username: string;
  /** `$7$...` */
  hash: string;
}

export interface AclEntry {
  username: string;
  comment?: string;
  read?: string[];
  write?: string[];
}

/** A username goes into `user:hash` lines and `user <name>` ACL lines: no separators, no newlines. */
function checkUsername(u: string): void {
  if (!u || /[:\s]/.test(u) || u.length > 128) throw new Error(`MQTT username ${JSON.stringify(u)} cannot be written to a Mosquitto password file`);
}

function checkTopic(t: string): void {
  if (!t || /[\r\n]/.test(t) || t.includes('\0')) throw new Error(`topic ${JSON.stringify(t)} cannot be written to a Mosquitto ACL file`);
}

export function passwordFile(users: readonly MosquittoUser[]): string {
  for (const u of users) checkUsername(u.username);
  return users.map((u) => `${u.username}:${u.hash}\n`).join('');
}

export function aclFile(entries: readonly AclEntry[], header: string): string {
  const lines = header.split('\n').map((l) => `# ${l}`.trimEnd());
  for (const e of entries) {
    checkUsername(e.username);
    lines.push('');
    if (e.comment) lines.push(`# ${e.comment.replace(/[\r\n]/g, ' ')}`);
    lines.push(`user ${e.username}`);
    for (const t of e.read ?? []) {
      checkTopic(t);
      lines.push(`topic read ${t}`);
    }
    for (const t of e.write ?? []) {
      checkTopic(t);
      lines.push(`topic write ${t}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The plan's rights as ACL entries, one per principal: its role's subscribe filters as `read`
 * (an ACL file's `read` covers subscribing and receiving), its publish filters as `write`.
 */
export function planAclEntries(plan: BrokerPlan, comment: (p: BrokerPrincipal) => string = () => ''): AclEntry[] {
  const roles = new Map(plan.roles.map((r) => [r.name, r]));
  return plan.principals.map((p) => {
    const role = roles.get(p.role);
    if (!role) throw new Error(`the broker plan gives ${p.username} the role ${p.role}, which it does not define`);
    const c = comment(p);
    return { username: p.username, ...(c && { comment: c }), read: [...role.subscribe], write: [...role.publish] };
  });
}

/**
 * The lines to add to mosquitto.conf after the listener they protect (or drop into its
 * include_dir). `use_username_as_clientid` binds every client id to its credential: the broker
 * hands a client id's session to whoever connects with it last, so without it any device could
 * take over Vigil's persistent ingest session.
 */
export function authConfSnippet(passwordPath: string, aclPath: string): string {
  return [
    '# Vigil device credentials (npm run vigil -- mosquitto-config): only known devices and Vigil connect,',
    '# each device publishes only under its own topics, and each client id is its user name.',
    'allow_anonymous false',
    `password_file ${passwordPath}`,
    `acl_file ${aclPath}`,
    'use_username_as_clientid true',
    '',
  ].join('\n');
}
