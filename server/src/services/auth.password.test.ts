import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from './auth.password.ts';
import { TEST_SCRYPT } from '../../../test/support/auth.test-support.ts';

describe('password hashing (memory-hard KDF, per-user salt)', () => {
  it('verifies the right password and refuses a wrong one, with the default (production) parameters', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('salts every hash: the same password hashes differently', async () => {
    const a = await hashPassword('same password here', TEST_SCRYPT);
    const b = await hashPassword('same password here', TEST_SCRYPT);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password here', a)).toBe(true);
    expect(await verifyPassword('same password here', b)).toBe(true);
  });

  it('keeps verifying hashes made with other parameters, and says they need a rehash', async () => {
    const old = await hashPassword('an older hash', TEST_SCRYPT);
    expect(await verifyPassword('an older hash', old)).toBe(true);
    expect(needsRehash(old, DEFAULT_SCRYPT)).toBe(true);
  });

  it('treats Unicode forms alike (NFKC), so a password typed on another keyboard still matches', async () => {
    const stored = await hashPassword('Café-password-1', TEST_SCRYPT); // precomposed é
    expect(await verifyPassword('Cafe\u0301-password-1', stored)).toBe(true); // e + combining accent
  });

  it('refuses unreadable or tampered hashes instead of throwing or burning memory', async () => {
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=30,r=8,p=1$AAAA$AAAA')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=14,r=99,p=1$AAAA$AAAA')).toBe(false);
  });
});
