import { describe, expect, it } from 'vitest';
import type { UserAdminView } from '../../../contract/auth.ts';
import { canUnlock, generatePassword, parseIdList, scopeOf, scopeText, userStatus } from './admin.forms.ts';

const NOW = Date.parse('2026-12-04T03:00:00Z');
const user = (p: Partial<UserAdminView>): UserAdminView => ({
  username: 'ann',
  displayName: 'Ann',
  role: 'officer',
  disabled: false,
  createdAt: 0,
  lastLoginAt: null,
  failedLogins: 0,
  lockedUntil: null,
  ...p,
});

describe('user status', () => {
  it('is locked only while the lock lasts, and disabled wins over locked', () => {
    expect(userStatus(user({}), NOW)).toBe('active');
    expect(userStatus(user({ lockedUntil: NOW + 1 }), NOW)).toBe('locked');
    expect(userStatus(user({ lockedUntil: NOW }), NOW)).toBe('active');
    expect(userStatus(user({ disabled: true, lockedUntil: NOW + 1 }), NOW)).toBe('disabled');
  });

  it('offers unlock while locked or while failures count towards a lock', () => {
    expect(canUnlock(user({}), NOW)).toBe(false);
    expect(canUnlock(user({ failedLogins: 2 }), NOW)).toBe(true);
    expect(canUnlock(user({ lockedUntil: NOW + 60_000, failedLogins: 0 }), NOW)).toBe(true);
  });
});

describe('API key scope', () => {
  it('reads ids separated by commas or spaces, each once', () => {
    expect(parseIdList(' hq, annex  lab,hq ')).toEqual(['hq', 'annex', 'lab']);
    expect(parseIdList(' , ')).toEqual([]);
  });
  it('builds the scope the server expects and shows it back', () => {
    expect(scopeOf('sites', ['hq'])).toEqual({ sites: ['hq'] });
    expect(scopeOf('sensors', ['A', 'B'])).toEqual({ sensors: ['A', 'B'] });
    expect(scopeText({ sensors: ['A', 'B'] })).toBe('A, B');
  });
});

describe('generated password', () => {
  it('is long enough for the server and drawn from the unambiguous alphabet', () => {
    const p = generatePassword();
    expect(p).toHaveLength(20);
    expect(p).toMatch(/^[a-km-np-zA-HJ-NP-Z2-9]+$/);
    expect(generatePassword()).not.toBe(p);
  });
  it('skips the bytes that would make some symbols likelier (rejection sampling)', () => {
    // 55 symbols: bytes 220..255 are refused; byte 0 is 'a', 54 the last symbol '9', 55 wraps to 'a'.
    const bytes = [255, 220, 0, 54, 55];
    const random = (b: Uint8Array) => b.map((_, i) => bytes[i] ?? 1);
    expect(generatePassword(random, 3)).toBe('a9a');
  });
});
