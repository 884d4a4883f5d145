/** The Administration page's rules that need no browser: a user's status, id lists, a generated password. */
import type { UserAdminView } from '../../../contract/auth.ts';
import type { ApiKeyScope } from '../../../contract/devices.ts';

export type UserStatus = 'active' | 'disabled' | 'locked';

/** Disabled wins over locked: unlocking a disabled account would not let its owner in. */
export function userStatus(user: UserAdminView, now: number): UserStatus {
  if (user.disabled) return 'disabled';
  if (user.lockedUntil !== null && user.lockedUntil > now) return 'locked';
  return 'active';
}

/** Unlock is offered while logins are refused or failures are counting towards a lock. */
export function canUnlock(user: UserAdminView, now: number): boolean {
  return userStatus(user, now) === 'locked' || user.failedLogins > 0;
}

/** "hq, annex  lab" → ["hq", "annex", "lab"]: commas or spaces between ids, duplicates once. */
export function parseIdList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s.length > 0))];
}

export function scopeOf(kind: 'sites' | 'sensors', ids: string[]): ApiKeyScope {
  return kind === 'sites' ? { sites: ids } : { sensors: ids };
}

export function scopeText(scope: ApiKeyScope): string {
  return 'sites' in scope ? scope.sites.join(', ') : scope.sensors.join(', ');
}

/** Letters and digits that cannot be mistaken for one another when read out or typed from paper. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** The server asks for 12 characters at least; 20 from 55 symbols is about 115 bits. */
export const GENERATED_LENGTH = 20;

/**
 * A password for a reset or a new account, to hand over once. `random` fills the array like
 * crypto.getRandomValues; rejection sampling keeps every symbol equally likely.
 */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b), length = GENERATED_LENGTH): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}
