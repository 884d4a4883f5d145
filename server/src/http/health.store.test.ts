// The dashboard's trouble banner needs a health answer, and the database may be what failed
// (README "Several nodes (high availability)"): with PostgreSQL frozen, GET /api/health still
// answers within ~2 s, reports the store failing (503), and still names the sites without a node
// to the officer whose session this node had confirmed before.
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, type User } from '../../../contract/index.ts';
import type { AuthenticatedSession, SessionAuthenticator } from '../services/auth.service.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { BoundedStoreCheck, STORE_WAIT_MS } from './health.store.ts';

const officer: User = { username: 'ann', displayName: 'Ann', role: 'officer', disabled: false };
const cookie = (token: string): string => `${SESSION_COOKIE}=${token}`;

/** A session store that answers, or hangs like a frozen PostgreSQL (a query that never returns). */
class Sessions implements SessionAuthenticator {
  frozen = false;
  asked = 0;
  constructor(
    private readonly live: Map<string, AuthenticatedSession>,
    private readonly clock: { now(): number },
  ) {}
  authenticate(token: string): Promise<AuthenticatedSession | null> {
    this.asked++;
    if (this.frozen) return new Promise(() => undefined);
    const found = this.live.get(token);
    return Promise.resolve(found && found.session.expiresAt > this.clock.now() ? found : null);
  }
}

function session(user: User, expiresAt: number): AuthenticatedSession {
  return {
    user,
    session: { id: 1, tokenHash: 'x', username: user.username, createdAt: 0, lastSeenAt: 0, expiresAt, revokedAt: null, address: '', userAgent: '' },
  };
}

describe('BoundedStoreCheck', () => {
  it('gives up on a store that does not answer after the bound, and keeps the sessions it confirmed until their expiry', async () => {
    const scheduler = new FakeScheduler();
    const sessions = new Sessions(new Map([['t-ann', session(officer, scheduler.now() + 60_000)]]), scheduler);
    const check = new BoundedStoreCheck({ sessions, name: 'PostgreSQL', scheduler });
    expect(await check.viewer(cookie('t-ann'))).toEqual({ user: officer, failing: null });
    expect(await check.viewer(undefined)).toEqual({ user: null, failing: null });

    sessions.frozen = true;
    const answer = check.viewer(cookie('t-ann'));
    const stranger = check.viewer(cookie('t-other'));
    await scheduler.advance(STORE_WAIT_MS - 1);
    let settled = false;
    void answer.then(() => (settled = true));
    await scheduler.advance(0);
    expect(settled).toBe(false);
    await scheduler.advance(1);
    expect(await answer).toEqual({ user: officer, failing: 'PostgreSQL did not answer within 1.5 s' });
    // A cookie this node never confirmed is nobody's while the store cannot say.
    expect(await stranger).toEqual({ user: null, failing: 'PostgreSQL did not answer within 1.5 s' });

    // Past the expiry the session had when last confirmed, it is not trusted any more.
    await scheduler.advance(60_000);
    const late = check.viewer(cookie('t-ann'));
    await scheduler.advance(STORE_WAIT_MS);
    expect((await late).user).toBeNull();
  });

  it('forgets a session the store refuses, and keeps one probe query at a time while the store hangs', async () => {
    const scheduler = new FakeScheduler();
    const live = new Map([['t-ann', session(officer, scheduler.now() + 60_000)]]);
    const sessions = new Sessions(live, scheduler);
    let probes = 0;
    let answerProbe: (() => void) | undefined;
    const check = new BoundedStoreCheck({
      sessions,
      probe: () => {
        probes++;
        return new Promise<void>((resolve) => (answerProbe = resolve));
      },
      name: 'PostgreSQL',
      scheduler,
    });
    await check.viewer(cookie('t-ann'));
    live.delete('t-ann'); // revoked
    expect((await check.viewer(cookie('t-ann'))).user).toBeNull();
    sessions.frozen = true;
    const frozen = check.viewer(cookie('t-ann'));
    await scheduler.advance(STORE_WAIT_MS);
    expect((await frozen).user).toBeNull();

    const first = check.failing();
    await scheduler.advance(STORE_WAIT_MS);
    expect(await first).toBe('PostgreSQL did not answer within 1.5 s');
    const second = check.failing();
    await scheduler.advance(STORE_WAIT_MS);
    expect(await second).toBe('PostgreSQL did not answer within 1.5 s');
    expect(probes).toBe(1);
    answerProbe!();
    expect(await check.failing()).toBeNull();
    const third = check.failing();
    answerProbe!();
    expect(await third).toBeNull();
    expect(probes).toBe(2);
  });
});
