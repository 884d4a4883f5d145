// People and sessions on every store engine. Two nodes may share the store, so what must hold
// under concurrency is decided in the database: a username is created once, failed logins all
// count towards the lockout (OWASP Authentication Cheat Sheet: lock after a few failures), and the
// last enabled admin is never disabled, whatever arrives at once.
import { describe, expect, it } from 'vitest';
import { SqlSessionStore, SqlUserStore } from '../../server/src/adapters/sql.users.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import { AuthError } from '../../server/src/services/auth.errors.ts';
import { DEFAULT_LOCKOUT, UNLOCKED, afterFailure, type LockoutState } from '../../server/src/services/auth.lockout.ts';
import type { SessionRecord, UserRecord } from '../../server/src/services/auth.ports.ts';
import { UsersService } from '../../server/src/services/users.service.ts';
import { FakeTime, RecordedAudit, TEST_SCRYPT } from '../support/auth.test-support.ts';
import { eachStore } from '../support/stores.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

const person = (username: string, o: Partial<UserRecord> = {}): UserRecord => ({
  username,
  displayName: username.toUpperCase(),
  role: 'officer',
  passwordHash: `$scrypt$${username}`,
  disabled: false,
  createdAt: T0,
  updatedAt: T0,
  lastLoginAt: null,
  ...UNLOCKED,
  ...o,
});

const session = (tokenHash: string, username: string, at = T0): Omit<SessionRecord, 'id' | 'revokedAt'> => ({
  tokenHash,
  username,
  createdAt: at,
  lastSeenAt: at,
  expiresAt: at + 480 * MIN,
  address: '10.0.0.7',
  userAgent: 'vitest',
});

/**
 * Two connections open (PostgreSQL opens them on demand), so that two requests raced after this
 * really run side by side rather than one behind the other's connection set-up.
 */
async function twoConnections(sql: Sql): Promise<void> {
  await Promise.all([sql.get('SELECT 1'), sql.get('SELECT 1')]);
}

async function stores(sql: Sql) {
  const users = new SqlUserStore(sql);
  const sessions = new SqlSessionStore(sql);
  await users.insert(person('olivia'));
  await users.insert(person('adam', { role: 'admin' }));
  return { users, sessions };
}

eachStore((open) => {
  describe('users', () => {
    it('keeps every field, flags as booleans; lists by username', async () => {
      const { users } = await stores(await open());
      await users.insert(person('bea', { disabled: true, failedLogins: 2, lastFailedAt: T0 - 5, lockedUntil: T0 + 5, lastLoginAt: T0 - 9 }));
      expect(await users.get('bea')).toEqual(
        person('bea', { disabled: true, failedLogins: 2, lastFailedAt: T0 - 5, lockedUntil: T0 + 5, lastLoginAt: T0 - 9 }),
      );
      expect(await users.get('olivia')).toEqual(person('olivia'));
      expect(await users.get('nobody')).toBeUndefined();
      expect((await users.list()).map((u) => u.username)).toEqual(['adam', 'bea', 'olivia']);
    });

    it('refuses a taken username, also when two ask at once, and keeps the first', async () => {
      const sql = await open();
      const { users } = await stores(sql);
      expect(await users.insert(person('olivia', { displayName: 'Impostor' }))).toBe(false);
      expect((await users.get('olivia'))?.displayName).toBe('OLIVIA');
      await twoConnections(sql);
      const both = await Promise.all([users.insert(person('carl', { role: 'manager' })), users.insert(person('carl', { role: 'admin' }))]);
      expect(both.sort()).toEqual([false, true]);
      expect((await users.list()).filter((u) => u.username === 'carl')).toHaveLength(1);
    });

    it('updates only the fields given', async () => {
      const { users } = await stores(await open());
      await users.update('olivia', { disabled: true, updatedAt: T0 + 1, displayName: 'Olivia O.' });
      await users.update('olivia', {});
      expect(await users.get('olivia')).toEqual(person('olivia', { disabled: true, updatedAt: T0 + 1, displayName: 'Olivia O.' }));
      await users.update('olivia', { disabled: false, lockedUntil: null });
      expect((await users.get('olivia'))?.disabled).toBe(false);
    });

    it('a transaction that fails leaves nothing behind', async () => {
      const { users, sessions } = await stores(await open());
      await expect(
        users.transaction(async () => {
          await users.insert(person('dan'));
          await users.update('olivia', { disabled: true });
          await sessions.create(session('h1', 'olivia'));
          throw new Error('audit failed');
        }),
      ).rejects.toThrow('audit failed');
      expect(await users.get('dan')).toBeUndefined();
      expect((await users.get('olivia'))?.disabled).toBe(false);
      expect(await sessions.listLive(T0)).toEqual([]);
    });
  });

  describe('failed logins', () => {
    const policy = DEFAULT_LOCKOUT;

    it('counts failures within the window, locks at the fifth, and starts again after the window or the lock', async () => {
      const { users } = await stores(await open());
      for (let i = 1; i <= 4; i++)
        expect(await users.recordFailure('olivia', T0 + i, policy)).toEqual({
          state: { failedLogins: i, lastFailedAt: T0 + i, lockedUntil: null },
          locked: false,
        });
      expect(await users.recordFailure('olivia', T0 + 5, policy)).toEqual({
        state: { failedLogins: 5, lastFailedAt: T0 + 5, lockedUntil: T0 + 5 + policy.lockMs },
        locked: true,
      });
      expect(await users.get('olivia')).toMatchObject({ failedLogins: 5, lockedUntil: T0 + 5 + policy.lockMs });
      // The lock has run out: the next failure is the first of a new series.
      const afterLock = T0 + 5 + policy.lockMs;
      expect((await users.recordFailure('olivia', afterLock, policy))?.state).toEqual({ failedLogins: 1, lastFailedAt: afterLock, lockedUntil: null });
      // A failure further from the last than the window starts again too; one just inside it counts on.
      expect((await users.recordFailure('olivia', afterLock + policy.windowMs, policy))?.state.failedLogins).toBe(2);
      expect((await users.recordFailure('olivia', afterLock + 2 * policy.windowMs + 1, policy))?.state.failedLogins).toBe(1);
      expect(await users.recordFailure('nobody', T0, policy)).toBeUndefined();
    });

    it('counts as afterFailure does, for an account and for a username that names none alike', async () => {
      const { users } = await stores(await open());
      // Failures 1 s apart, then gaps: inside the window, just outside it, across a lock's end.
      const times = [
        0,
        1,
        2,
        3,
        4,
        5,
        policy.lockMs + 4,
        policy.lockMs + 5,
        2 * policy.lockMs + policy.windowMs + 6,
        2 * policy.lockMs + 2 * policy.windowMs + 7,
      ];
      let expected: LockoutState = UNLOCKED;
      for (const t of times.map((dt) => T0 + dt * 1000)) {
        const spec = afterFailure(expected, t, policy);
        expect(await users.recordFailure('olivia', t, policy)).toEqual(spec);
        expect(await users.recordUnknownFailure('nobody', t, policy)).toEqual(spec);
        expect(await users.unknownFailures('nobody')).toEqual(spec.state);
        expected = spec.state;
      }
      expect(await users.unknownFailures('olivia')).toBeUndefined();
    });

    it('forgets the counts of unknown usernames once they no longer count: outside the window and not locked', async () => {
      const { users } = await stores(await open());
      const longLock = { maxFailures: 5, windowMs: 10 * MIN, lockMs: 30 * MIN };
      for (let i = 0; i < longLock.maxFailures; i++) await users.recordUnknownFailure('locked', T0, longLock);
      await users.recordUnknownFailure('old', T0, longLock);
      await users.recordUnknownFailure('recent', T0 + 15 * MIN, longLock);
      expect(await users.purgeUnknownFailures(T0 + 20 * MIN, longLock)).toBe(1);
      expect(await users.unknownFailures('old')).toBeUndefined();
      expect(await users.unknownFailures('recent')).toMatchObject({ failedLogins: 1 });
      expect(await users.unknownFailures('locked')).toMatchObject({ lockedUntil: T0 + 30 * MIN });
      expect(await users.purgeUnknownFailures(T0 + 30 * MIN, longLock)).toBe(2);
      expect(await users.unknownFailures('locked')).toBeUndefined();
    });

    it('failures arriving at once all count', async () => {
      const sql = await open();
      const { users } = await stores(sql);
      await twoConnections(sql);
      const results = await Promise.all(Array.from({ length: 5 }, () => users.recordFailure('olivia', T0, policy)));
      expect(results.map((r) => r?.state.failedLogins).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await users.get('olivia')).toMatchObject({ failedLogins: 5, lockedUntil: T0 + policy.lockMs });
      const unknown = await Promise.all(Array.from({ length: 5 }, () => users.recordUnknownFailure('nobody', T0, policy)));
      expect(unknown.map((r) => r.state.failedLogins).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await users.unknownFailures('nobody')).toEqual({ failedLogins: 5, lastFailedAt: T0, lockedUntil: T0 + policy.lockMs });
    });
  });

  describe('sessions', () => {
    it('finds a session with its user by token hash or id, in one lookup', async () => {
      const { users, sessions } = await stores(await open());
      const a = await sessions.create(session('hash-a', 'olivia'));
      const b = await sessions.create(session('hash-b', 'adam', T0 + 1));
      expect(b.id).toBeGreaterThan(a.id);
      expect(a).toEqual({ ...session('hash-a', 'olivia'), id: a.id, revokedAt: null });
      expect(await sessions.byTokenHash('hash-a')).toEqual({ session: a, user: await users.get('olivia') });
      expect(await sessions.withUser(b.id)).toEqual({ session: b, user: await users.get('adam') });
      expect(await sessions.get(a.id)).toEqual(a);
      expect(await sessions.byTokenHash('hash-none')).toBeUndefined();
      expect(await sessions.withUser(b.id + 100)).toBeUndefined();
      await expect(sessions.create(session('hash-a', 'adam'))).rejects.toThrow();
    });

    it('pushes the idle expiry on, never back', async () => {
      const { sessions } = await stores(await open());
      const { id } = await sessions.create(session('h', 'olivia'));
      await sessions.touch(id, T0 + 10 * MIN, T0 + 490 * MIN);
      await sessions.touch(id, T0 + 5 * MIN, T0 + 485 * MIN); // another node's older request
      expect(await sessions.get(id)).toMatchObject({ lastSeenAt: T0 + 10 * MIN, expiresAt: T0 + 490 * MIN });
    });

    it('revokes once, all of a user but one, lists the live ones newest first, and purges the ended', async () => {
      const { sessions } = await stores(await open());
      const s1 = await sessions.create(session('h1', 'olivia'));
      const s2 = await sessions.create(session('h2', 'olivia'));
      const s3 = await sessions.create(session('h3', 'olivia'));
      const s4 = await sessions.create(session('h4', 'adam'));
      const short = await sessions.create({ ...session('h5', 'adam'), expiresAt: T0 + MIN });
      expect(await sessions.revoke(s1.id, T0 + 1)).toBe(true);
      expect(await sessions.revoke(s1.id, T0 + 2)).toBe(false);
      expect(await sessions.revokeAllOf('olivia', T0 + 3, s3.id)).toBe(1);
      expect((await sessions.get(s2.id))?.revokedAt).toBe(T0 + 3);
      expect((await sessions.get(s1.id))?.revokedAt).toBe(T0 + 1);
      expect((await sessions.listLive(T0 + 2 * MIN)).map((s) => s.id)).toEqual([s4.id, s3.id]);
      expect((await sessions.listLive(T0)).map((s) => s.id)).toEqual([short.id, s4.id, s3.id]);
      expect(await sessions.revokeAllOf('adam', T0 + 4)).toBe(2);
      // Ended before T0 + 3: s1 only; adam's two were revoked at T0 + 4, after the short one's expiry.
      expect(await sessions.purge(T0 + 3)).toBe(1);
      expect(await sessions.get(s1.id)).toBeUndefined();
      expect(await sessions.purge(T0 + 2 * MIN)).toBe(3);
      expect((await sessions.listLive(T0)).map((s) => s.id)).toEqual([s3.id]);
    });
  });

  describe('account administration on a shared store', () => {
    it('creates a username once when two ask at once', async () => {
      const sql = await open();
      const users = new UsersService(new SqlUserStore(sql), new SqlSessionStore(sql), new RecordedAudit(), new FakeTime(), TEST_SCRYPT);
      await twoConnections(sql);
      const results = await Promise.allSettled([
        users.create('adam', { username: 'erin', role: 'officer', password: 'erin-password-1' }),
        users.create('amy', { username: 'erin', role: 'admin', password: 'erin-password-2' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.objectContaining({ code: 'USER_EXISTS' }) });
    });

    it('of two admins disabled at once, the last enabled one stays', async () => {
      const sql = await open();
      const { users, sessions } = await stores(sql);
      await users.insert(person('amy', { role: 'admin' }));
      const audit = new RecordedAudit();
      const service = new UsersService(users, sessions, audit, new FakeTime(), TEST_SCRYPT);
      // A race: several rounds, so that an interleaving that breaks it is all but certain to occur.
      for (let round = 0; round < 5; round++) {
        for (const admin of ['adam', 'amy']) await users.update(admin, { disabled: false });
        await twoConnections(sql);
        const results = await Promise.allSettled([service.disable('amy', 'adam'), service.disable('adam', 'amy')]);
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toBeInstanceOf(AuthError);
        expect((refused.reason as AuthError).code).toBe('LAST_ADMIN');
        expect((await users.list()).filter((u) => u.role === 'admin' && !u.disabled)).toHaveLength(1);
      }
      expect(audit.actions()).toEqual(Array(5).fill('user.disable'));
    });
  });
});
