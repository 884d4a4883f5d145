import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from './auth.errors.ts';
import { RateLimiter } from './auth.rate-limit.ts';
import { AuthService } from './auth.service.ts';
import { FakeTime, RecordedAudit, TEST_SCRYPT, openTestStores, type TestStores } from '../../../test/support/auth.test-support.ts';
import { UsersService } from './users.service.ts';

const MIN = 60_000;
const meta = { address: '10.0.0.7', userAgent: 'vitest' };
const PASSWORD = 'officer-password-1';

let stores: TestStores;
let time: FakeTime;
let audit: RecordedAudit;
let auth: AuthService;
let users: UsersService;
/** Usernames whose sessions the services said ended early, in order. */
let ended: string[];

function build(opts: { loginsPerMin?: number } = {}): void {
  const perMin = opts.loginsPerMin ?? 1000;
  ended = [];
  auth = new AuthService(stores.users, stores.sessions, audit, time, {
    idleMs: 480 * MIN,
    hashParams: TEST_SCRYPT,
    addressLimiter: new RateLimiter({ burst: perMin, perSecond: perMin / 60 }, time),
    onSessionsEnded: (u) => ended.push(u),
  });
  users = new UsersService(stores.users, stores.sessions, audit, time, TEST_SCRYPT, {
    onSessionsEnded: (u) => ended.push(u),
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
}

beforeEach(async () => {
  stores = openTestStores();
  time = new FakeTime();
  audit = new RecordedAudit();
  build();
  await users.create('cli:root', { username: 'olivia', role: 'officer', password: PASSWORD, displayName: 'Olivia Officer' });
  await users.create('cli:root', { username: 'adam', role: 'admin', password: 'admin-password-1' });
});
afterEach(() => stores.close());

describe('login and sessions', () => {
  it('opens a session with a secret token whose hash alone is stored; me/authenticate finds it; logout ends it', async () => {
    const { token, info } = await auth.login('Olivia', PASSWORD, meta);
    expect(info).toEqual({ user: { username: 'olivia', displayName: 'Olivia Officer', role: 'officer', disabled: false }, expiresAt: time.t + 480 * MIN });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(stores.db.prepare('SELECT * FROM sessions').all())).not.toContain(token);
    const session = (await auth.authenticate(token))!;
    expect(session.user.username).toBe('olivia');
    await auth.logout(session);
    expect(await auth.authenticate(token)).toBeNull();
    expect(audit.actions()).toEqual(['user.create', 'user.create', 'auth.login', 'auth.logout']);
  });

  it('never stores or returns the password', async () => {
    const { info } = await auth.login('olivia', PASSWORD, meta);
    expect(JSON.stringify(info)).not.toContain(PASSWORD);
    expect(JSON.stringify(await users.list())).not.toMatch(/scrypt|password/i);
    expect(JSON.stringify(stores.db.prepare('SELECT * FROM users').all())).not.toContain(PASSWORD);
    expect(JSON.stringify(audit.entries)).not.toContain(PASSWORD);
  });

  it('expires a session after the idle time, and each request pushes the expiry on', async () => {
    const { token } = await auth.login('olivia', PASSWORD, meta);
    time.advance(479 * MIN);
    expect((await auth.authenticate(token))?.session.expiresAt).toBe(time.t + 480 * MIN); // touched: idle again from now
    time.advance(479 * MIN);
    const { id } = (await auth.authenticate(token))!.session;
    time.advance(480 * MIN - 1);
    expect(await auth.sessionAlive(id)).toBe(true); // asking does not push the expiry on (the socket sweep asks every few seconds)
    time.advance(1);
    expect(await auth.sessionAlive(id)).toBe(false);
    expect(await auth.authenticate(token)).toBeNull();
  });

  // The session's last-seen time is written at most every 30 s, not on every request.
  it('writes the idle expiry once for requests that arrive together', async () => {
    const { token } = await auth.login('olivia', PASSWORD, meta);
    const touch = vi.spyOn(stores.sessions, 'touch');
    await Promise.all(Array.from({ length: 4 }, () => auth.authenticate(token)));
    expect(touch).not.toHaveBeenCalled();
    time.advance(30_000);
    const seen = await Promise.all(Array.from({ length: 4 }, () => auth.authenticate(token)));
    expect(seen.map((s) => s?.session.expiresAt)).toEqual(Array(4).fill(time.t + 480 * MIN));
    expect(touch).toHaveBeenCalledOnce();
    await auth.authenticate(token);
    expect(touch).toHaveBeenCalledOnce();
  });

  it('refuses a revoked session, and every session of a disabled user', async () => {
    const a = await auth.login('olivia', PASSWORD, meta);
    const b = await auth.login('olivia', PASSWORD, meta);
    const sessions = await users.listSessions();
    expect(sessions.map((s) => s.username)).toEqual(['olivia', 'olivia']);
    expect(await auth.sessionAlive(sessions[1]!.id)).toBe(true);
    await users.revokeSession('adam', sessions[1]!.id);
    expect(await auth.sessionAlive(sessions[1]!.id)).toBe(false);
    expect(await auth.authenticate(a.token)).toBeNull();
    expect(await auth.authenticate(b.token)).not.toBeNull();
    await users.disable('adam', 'olivia');
    expect(await auth.authenticate(b.token)).toBeNull();
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('ACCOUNT_DISABLED');
    await users.enable('adam', 'olivia');
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('OK');
  });

  // The login's transaction may wait for another one (the store is asynchronous): an admin's
  // disable, or the lockout of failures arriving together, that commits meanwhile refuses it.
  it('a disable or a lockout that commits while the login waits for its transaction refuses the login', async () => {
    const transaction = stores.users.transaction.bind(stores.users);
    let meanwhile: (() => Promise<unknown>) | null = null;
    vi.spyOn(stores.users, 'transaction').mockImplementation(async (fn) => {
      const first = meanwhile;
      meanwhile = null;
      await first?.();
      return transaction(fn);
    });
    meanwhile = () => users.disable('adam', 'olivia');
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('ACCOUNT_DISABLED');
    expect(await users.listSessions()).toEqual([]);
    await users.enable('adam', 'olivia');
    meanwhile = () => stores.users.recordFailure('olivia', time.now(), { maxFailures: 1, windowMs: 15 * MIN, lockMs: 15 * MIN });
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('ACCOUNT_LOCKED');
    expect(await users.listSessions()).toEqual([]);
    expect(audit.actions().filter((a) => a === 'auth.login')).toEqual([]);
  });

  it('changes a password: the current one is required, other sessions end, this one stays', async () => {
    const a = await auth.login('olivia', PASSWORD, meta);
    const b = await auth.login('olivia', PASSWORD, meta);
    const session = (await auth.authenticate(a.token))!;
    expect(await code(auth.changePassword(session, 'not the password', 'a-new-password-1', meta))).toBe('WRONG_PASSWORD');
    await auth.changePassword(session, PASSWORD, 'a-new-password-1', meta);
    expect(await auth.authenticate(a.token)).not.toBeNull();
    expect(await auth.authenticate(b.token)).toBeNull();
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('INVALID_CREDENTIALS');
    expect(await code(auth.login('olivia', 'a-new-password-1', meta))).toBe('OK');
  });

  // Live connections do not outlive their session; the hub re-checks the user's sockets when told.
  it('tells the listener whose sessions ended early: logout, revoke, password change and reset, disable', async () => {
    const signIn = async () => (await auth.authenticate((await auth.login('olivia', PASSWORD, meta)).token))!;
    await auth.logout(await signIn());
    await users.revokeSession('adam', (await signIn()).session.id);
    await signIn();
    await auth.changePassword(await signIn(), PASSWORD, 'a-new-password-1', meta);
    await users.resetPassword('adam', 'olivia', PASSWORD);
    await users.disable('adam', 'olivia');
    await users.enable('adam', 'olivia');
    await users.unlock('adam', 'olivia');
    expect(ended).toEqual(['olivia', 'olivia', 'olivia', 'olivia', 'olivia']);
  });
});

describe('lockout (failed logins rate-limited per user, lockout an admin can lift)', () => {
  it('locks after 5 failures for 15 minutes, refuses even the right password meanwhile, and opens again by itself', async () => {
    for (let i = 0; i < 4; i++) expect(await code(auth.login('olivia', 'wrong', meta))).toBe('INVALID_CREDENTIALS');
    expect(await code(auth.login('olivia', 'wrong', meta))).toBe('ACCOUNT_LOCKED');
    expect((await users.get('olivia')).lockedUntil).toBe(time.t + 15 * MIN);
    time.advance(15 * MIN - 1);
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('ACCOUNT_LOCKED');
    time.advance(1);
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('OK');
    expect((await users.get('olivia')).failedLogins).toBe(0);
    const actions = audit.actions();
    expect(actions.filter((a) => a === 'auth.login_failed')).toHaveLength(6);
    expect(actions.filter((a) => a === 'auth.lockout')).toHaveLength(1);
  });

  it('an admin unlock lets the user in at once, and is audited', async () => {
    for (let i = 0; i < 5; i++) await code(auth.login('olivia', 'wrong', meta));
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('ACCOUNT_LOCKED');
    await users.unlock('adam', 'olivia');
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('OK');
    expect(audit.entries.find((e) => e.action === 'user.unlock')).toMatchObject({ actor: 'adam', target: 'user:olivia' });
  });

  it('an unknown username fails and locks exactly like a real one (no user enumeration)', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await code(auth.login('nobody', 'wrong', meta)));
    expect(answers).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    expect(audit.entries.filter((e) => e.target === 'user:nobody').map((e) => e.action)).toContain('auth.lockout');
  });

  // Two nodes share the store: a guesser spreading attempts over both is locked out as on one.
  it('counts failures on every node together, for an account and an unknown username alike', async () => {
    const other = new AuthService(stores.users, stores.sessions, audit, time, {
      idleMs: 480 * MIN,
      hashParams: TEST_SCRYPT,
      addressLimiter: new RateLimiter({ burst: 1000, perSecond: 1000 / 60 }, time),
    });
    for (const name of ['olivia', 'nobody']) {
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) answers.push(await code((i % 2 ? other : auth).login(name, 'wrong', meta)));
      expect(answers).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    }
  });

  it('limits attempts per client address, whatever the usernames', async () => {
    build({ loginsPerMin: 3 });
    const answers: string[] = [];
    for (const u of ['a1', 'a2', 'a3', 'a4']) answers.push(await code(auth.login(u, 'wrong', meta)));
    expect(answers).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED']);
    expect(await code(auth.login('olivia', PASSWORD, { ...meta, address: '10.0.0.8' }))).toBe('OK');
    time.advance(20_000);
    expect(await code(auth.login('olivia', PASSWORD, meta))).toBe('OK');
  });

  it('a wrong current password in a password change counts towards the lockout', async () => {
    const session = (await auth.authenticate((await auth.login('olivia', PASSWORD, meta)).token))!;
    for (let i = 0; i < 4; i++) expect(await code(auth.changePassword(session, 'wrong', 'another-password-1', meta))).toBe('WRONG_PASSWORD');
    expect(await code(auth.changePassword(session, 'wrong', 'another-password-1', meta))).toBe('ACCOUNT_LOCKED');
  });
});

describe('administration', () => {
  it('refuses duplicates and unknown users, and never disables the last admin', async () => {
    expect(await code(users.create('adam', { username: 'olivia', role: 'officer', password: 'whatever-password' }))).toBe('USER_EXISTS');
    expect(await code(users.unlock('adam', 'ghost'))).toBe('NOT_FOUND');
    expect(await code(users.disable('adam', 'adam'))).toBe('LAST_ADMIN');
    await users.create('adam', { username: 'amy', role: 'admin', password: 'amy-password-12' });
    await users.disable('adam', 'adam');
    expect((await users.get('adam')).disabled).toBe(true);
  });

  it("a password reset ends the user's sessions and lifts a lockout", async () => {
    const { token } = await auth.login('olivia', PASSWORD, meta);
    for (let i = 0; i < 5; i++) await code(auth.login('olivia', 'wrong', meta));
    await users.resetPassword('adam', 'olivia', 'reset-password-12');
    expect(await auth.authenticate(token)).toBeNull();
    expect(await code(auth.login('olivia', 'reset-password-12', meta))).toBe('OK');
    expect(audit.entries.find((e) => e.action === 'user.reset_password')).toMatchObject({ actor: 'adam', target: 'user:olivia' });
  });

  it('creates the demo accounts once, leaving existing ones alone', async () => {
    expect(await users.ensureDemoAccounts()).toEqual(['officer', 'manager', 'admin']);
    expect(await users.ensureDemoAccounts()).toEqual([]);
    expect(await code(auth.login('manager', 'demo-manager-password', meta))).toBe('OK');
  });
});
