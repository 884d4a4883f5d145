// The secret behind the points' timestamps (docs/decisions/0006-keyed-timestamp-offsets.md):
// created once, private to Vigil's user, the same after a restart — else every message redelivered
// after a restart would be stored twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOffsetKey, OFFSET_KEY_FILE } from './influx.offset-key.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-offset-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the timestamp offset key', () => {
  it('is created on first start as 32 random bytes, mode 0600, and read back unchanged after', () => {
    const dir = path.join(tempDir(), 'data');
    const key = loadOffsetKey(dir);
    expect(key).toHaveLength(32);
    const file = path.join(dir, OFFSET_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOffsetKey(dir).equals(key)).toBe(true);
    expect(loadOffsetKey(tempDir()).equals(key)).toBe(false);
    // No temporary file left beside it.
    expect(fs.readdirSync(dir)).toEqual([OFFSET_KEY_FILE]);
  });

  it('tightens a key file others can read to 0600', () => {
    const dir = tempDir();
    const key = loadOffsetKey(dir);
    const file = path.join(dir, OFFSET_KEY_FILE);
    fs.chmodSync(file, 0o644);
    expect(loadOffsetKey(dir).equals(key)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged key rather than replacing it (a new key would store redeliveries twice)', () => {
    const dir = tempDir();
    const file = path.join(dir, OFFSET_KEY_FILE);
    fs.writeFileSync(file, 'not a key\n', { mode: 0o600 });
    expect(() => loadOffsetKey(dir)).toThrow(/restore it from a backup/);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});
