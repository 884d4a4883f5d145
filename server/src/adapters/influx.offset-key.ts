/**
 * The secret behind the points' sub-millisecond offsets (influx.line-protocol.ts `keyedOffset`),
 * kept in DATA_DIR/history-offset.key: created once, on first start, readable by Vigil's user
 * alone (0600), and kept across restarts — a message redelivered after a restart must get the
 * offset its first delivery got, or it would be stored twice
 * (docs/decisions/0006-keyed-timestamp-offsets.md).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OFFSET_KEY_BYTES } from './influx.line-protocol.ts';

export const OFFSET_KEY_FILE = 'history-offset.key';

const HEX_KEY = new RegExp(`^[0-9a-f]{${OFFSET_KEY_BYTES * 2}}$`);

function readKey(file: string): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // Never replaced when unreadable: a new key would move every redelivered point to a new offset
  // (stored twice), so a damaged file is for an operator to restore from backup.
  if (!HEX_KEY.test(text)) throw new Error(`${file} does not hold a ${OFFSET_KEY_BYTES}-byte hex key; restore it from a backup of DATA_DIR`);
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return Buffer.from(text, 'hex');
}

/** Reads the key, creating it when DATA_DIR has none yet. */
export function loadOffsetKey(dataDir: string): Buffer {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, OFFSET_KEY_FILE);
  const existing = readKey(file);
  if (existing) return existing;
  // Written whole to a temporary file, then linked into place: a crash never leaves a half-written
  // key, and of two processes starting at once the second finds the first one's (EEXIST).
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${randomBytes(OFFSET_KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = readKey(file);
  if (!key) throw new Error(`${file} vanished while it was being created`);
  return key;
}
