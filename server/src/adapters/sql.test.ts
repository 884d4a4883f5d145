// The portable SQL's two engine-neutral helpers: `?` placeholders numbered for PostgreSQL without
// touching quoted text, and the advisory lock key every node must derive alike from a lock's name.
import { describe, expect, it } from 'vitest';
import { lockKey, numberedPlaceholders } from './sql.ts';

describe('numberedPlaceholders', () => {
  it('numbers each ? in order', () => {
    expect(numberedPlaceholders('SELECT * FROM alarm WHERE site = ? AND raised_at >= ? LIMIT ?')).toBe(
      'SELECT * FROM alarm WHERE site = $1 AND raised_at >= $2 LIMIT $3',
    );
  });

  it('leaves a ? inside a string literal or a quoted identifier alone, and numbers on after it', () => {
    expect(numberedPlaceholders(`UPDATE t SET note = 'why?', "odd?" = ? WHERE id = ?`)).toBe(`UPDATE t SET note = 'why?', "odd?" = $1 WHERE id = $2`);
  });

  it("reads a doubled quote ('') as part of the string, not its end", () => {
    expect(numberedPlaceholders(`SELECT 'it''s ? here' AS s, ? AS p`)).toBe(`SELECT 'it''s ? here' AS s, $1 AS p`);
  });

  it('leaves SQL without placeholders as it is', () => {
    expect(numberedPlaceholders("SELECT json FROM engine_meta WHERE id = 1 AND kind IN ('raised')")).toBe(
      "SELECT json FROM engine_meta WHERE id = 1 AND kind IN ('raised')",
    );
  });
});

describe('lockKey', () => {
  it('is the 32-bit FNV-1a hash of the name, as a signed integer PostgreSQL advisory locks take', () => {
    // Pinned values: every node, of this version or the next during a rolling upgrade, must take
    // the same lock for the same name, or two of them migrate or extend the audit chain at once.
    expect(lockKey('')).toBe(0x811c9dc5 | 0);
    expect(lockKey('a')).toBe(0xe40c292c | 0);
    expect(lockKey('foobar')).toBe(0xbf9cf968 | 0);
  });

  it('gives different names different keys, each within int4', () => {
    const names = ['vigil.migrate', 'audit', 'audit.chain', 'safety-report', 'lease:site-a', 'lease:site-b'];
    const keys = names.map(lockKey);
    expect(new Set(keys).size).toBe(names.length);
    for (const key of keys) {
      expect(Number.isInteger(key)).toBe(true);
      expect(key).toBeGreaterThanOrEqual(-(2 ** 31));
      expect(key).toBeLessThan(2 ** 31);
    }
  });
});
