/**
 * Random secrets (session ids, API keys, device passwords) and how they are stored: only a
 * SHA-256 of a 256-bit random secret is kept. A fast hash is right here: such a secret cannot be
 * guessed, so the hash only has to make a stolen database useless for logging in.
 */
import crypto from 'node:crypto';

/** 256 random bits, base64url (43 characters). */
export function newSecret(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function secretHash(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && ba.length > 0 && crypto.timingSafeEqual(ba, bb);
}

/** Constant-time comparison of two secrets of any length (compares their digests). */
export function sameSecret(a: string, b: string): boolean {
  return sameHash(secretHash(a), secretHash(b));
}
