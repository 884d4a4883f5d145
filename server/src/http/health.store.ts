/**
 * `GET /api/health` must answer when the operational store does not: a frozen or unreachable
 * PostgreSQL leaves queries waiting until the pool's bounds give up on them (about 13 s,
 * server/src/adapters/sql.postgres.ts), far past the dashboard's 4 s limit, and the
 * dashboard's trouble banner, which needs a health answer, would then show nothing at the very
 * moment the sites lose their node. So health reads the request's session itself, bounded, and
 * checks the store with a trivial query, bounded too; past the bound the store is reported
 * failing.
 *
 * A session the store cannot confirm in time is taken from what this node last confirmed for
 * that cookie, until the expiry it had then: the officer who was watching keeps the signed-in
 * answer (which sites have no node) while the database is down. Nothing else relies on it, and it
 * is only consulted when the store does not answer.
 */
import { createHash } from 'node:crypto';
import { SESSION_COOKIE, type User } from '../../../contract/index.ts';
import type { SessionAuthenticator } from '../services/auth.service.ts';
import type { Scheduler } from '../services/clock.ts';
import { readCookie } from './auth.middleware.ts';

/** With the InfluxDB ping (2 s) in parallel, health answers within ~2 s, half the dashboard's 4 s limit. */
export const STORE_WAIT_MS = 1_500;

/** Above this many remembered sessions, expired ones are dropped. */
const PRUNE_ABOVE = 256;

export interface HealthViewer {
  /** The signed-in user of the request, or null. */
  user: User | null;
  /** Why the store is taken as failing (it did not answer the session lookup); null when it answered. */
  failing: string | null;
}

/** What health asks of the operational store. */
export interface StoreCheck {
  viewer(cookieHeader: string | undefined): Promise<HealthViewer>;
  /** Why the store is failing, or null when it answered the probe in time. */
  failing(): Promise<string | null>;
}

type Outcome<T> = { answered: true; value: T } | { answered: false; reason: string };

export class BoundedStoreCheck implements StoreCheck {
  private readonly known = new Map<string, { user: User; until: number }>();
  /** The probe query under way, until the store answers it (however late). */
  private probing: Promise<unknown> | undefined;

  constructor(
    private readonly options: {
      sessions: SessionAuthenticator;
      /** A trivial query (PostgreSQL `SELECT 1`); absent when the store lives in this process (SQLite). */
      probe?: () => Promise<unknown>;
      /** How the store is named in the health text. */
      name: string;
      scheduler: Scheduler;
      waitMs?: number;
    },
  ) {}

  async viewer(cookieHeader: string | undefined): Promise<HealthViewer> {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    if (!token) return { user: null, failing: null };
    const key = createHash('sha256').update(token).digest('hex');
    const outcome = await this.within(this.options.sessions.authenticate(token));
    const now = this.options.scheduler.now();
    if (!outcome.answered) {
      const known = this.known.get(key);
      return { user: known && known.until > now ? known.user : null, failing: outcome.reason };
    }
    const auth = outcome.value;
    if (!auth) {
      this.known.delete(key);
      return { user: null, failing: null };
    }
    if (this.known.size >= PRUNE_ABOVE) for (const [k, v] of this.known) if (v.until <= now) this.known.delete(k);
    this.known.set(key, { user: auth.user, until: auth.session.expiresAt });
    return { user: auth.user, failing: null };
  }

  async failing(): Promise<string | null> {
    const { probe } = this.options;
    if (!probe) return null;
    // One probe query at a time: while the store hangs, every health request would otherwise
    // leave one more query waiting on it, each holding a pooled connection.
    this.probing ??= probe().finally(() => (this.probing = undefined));
    const outcome = await this.within(this.probing);
    return outcome.answered ? null : outcome.reason;
  }

  private async within<T>(work: Promise<T>): Promise<Outcome<T>> {
    const { scheduler, name } = this.options;
    const ms = this.options.waitMs ?? STORE_WAIT_MS;
    let timer: ReturnType<Scheduler['setTimeout']> | undefined;
    const late = new Promise<Outcome<T>>((resolve) => {
      timer = scheduler.setTimeout(() => resolve({ answered: false, reason: `${name} did not answer within ${ms / 1000} s` }), ms);
    });
    const done = work.then(
      (value): Outcome<T> => ({ answered: true, value }),
      (err: unknown): Outcome<T> => ({ answered: false, reason: `${name} failed: ${(err as Error).message}` }),
    );
    try {
      return await Promise.race([done, late]);
    } finally {
      scheduler.clearTimeout(timer!);
    }
  }
}
