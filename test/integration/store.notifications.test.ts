// The escalation outbox on every store engine (SQLite and PostgreSQL), driven by its dispatcher on
// fake time with scripted channels (the NotificationChannels port): bounded retries on the one
// Backoff policy, every attempt recorded, failures visible, nothing sent twice — and, with several
// nodes sharing the store, one dispatcher at a time per notification (claims), a dead node's
// notifications carried on by another. The real receivers are in test/integration/notifications.test.ts.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SqlNotificationStore } from '../../server/src/adapters/sql.notifications.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import { CLAIM_MS, NotificationDispatcher, type DispatcherDeps } from '../../server/src/services/notification.dispatcher.ts';
import type { DeliveryResult, NotificationChannels, NotificationStore, ResolvedContact } from '../../server/src/services/notification.ports.ts';
import { FakeScheduler } from '../support/fake.scheduler.ts';
import { escalationEvent } from '../support/notify.fixtures.ts';
import { eachStore } from '../support/stores.ts';
import { eventually } from '../support/vigil.ts';

const HOOK: ResolvedContact = { id: 'ops', name: 'Operations', channel: 'webhook', fromLevel: 1, url: 'http://receiver.invalid/hook' };
const BOSS: ResolvedContact = { id: 'boss', name: 'Director', channel: 'webhook', fromLevel: 2, url: 'http://receiver.invalid/boss' };
const FAIL: DeliveryResult = { ok: false, status: 503, reply: 'busy', error: 'HTTP 503' };
const OK: DeliveryResult = { ok: true, status: 200, reply: null, error: null };
/** No jitter: the waits are exactly 2 s, 6 s, 18 s, … */
const BACKOFF = { initialMs: 2000, factor: 3, maxMs: 162_000 };
const SILENT = pino({ level: 'silent' });

type Scripted = NotificationChannels & { sent: { contact: string; id: number }[] };

/** Answers each send with the next of `results` (the last from then on), and remembers what was sent. */
function scripted(results: (DeliveryResult | Promise<DeliveryResult>)[]): Scripted {
  const sent: { contact: string; id: number }[] = [];
  return {
    sent,
    payload: (contact, event) => JSON.stringify({ to: contact.id, seq: event.seq }),
    message: (contact, m) => JSON.stringify({ to: contact.id, seq: m.seq }),
    target: (contact) => contact.url ?? '',
    send: (contact, _payload, id) => {
      sent.push({ contact: contact.id, id });
      return Promise.resolve(results[Math.min(sent.length, results.length) - 1]!);
    },
  };
}

/**
 * The store with a count of its calls in progress, and `settle()`: resolves once the dispatchers
 * have nothing left to do at the current fake time — no store call in progress (PostgreSQL answers
 * in real time, not in microtasks), and no timer due.
 */
function counted(store: NotificationStore, time: FakeScheduler): NotificationStore & { settle(): Promise<void> } {
  let busy = 0;
  const idle: (() => void)[] = [];
  const wrapped = Object.fromEntries(
    Object.getOwnPropertyNames(SqlNotificationStore.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => [
        name,
        async (...args: unknown[]) => {
          busy++;
          try {
            return await (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!(...args);
          } finally {
            if (--busy === 0) for (const wake of idle.splice(0)) wake();
          }
        },
      ]),
  ) as unknown as NotificationStore;
  const settle = async (): Promise<void> => {
    for (;;) {
      // A macrotask: the microtasks between one store call and the next have all run by then.
      await new Promise((resolve) => setImmediate(resolve));
      if (busy > 0) await new Promise<void>((resolve) => idle.push(resolve));
      else if (time.pendingDelays()[0] === 0) await time.advance(0);
      else return;
    }
  };
  return Object.assign(wrapped, { settle });
}

eachStore((open, engine) => {
  async function setup(results: (DeliveryResult | Promise<DeliveryResult>)[], settings = { giveUpAfterS: 1800, maxAttempts: 10 }, contacts = [HOOK, BOSS]) {
    const sql = await open();
    const time = new FakeScheduler();
    const store = counted(new SqlNotificationStore(sql), time);
    const channels = scripted(results);
    const outcomes: boolean[] = [];
    const dispatcher = (overrides: Partial<DispatcherDeps> = {}) =>
      new NotificationDispatcher({
        store,
        channels,
        contacts,
        settings,
        scheduler: time,
        logger: SILENT,
        backoff: BACKOFF,
        onResult: (_c, ok) => outcomes.push(ok),
        // One dispatcher's timing: its waits are the only timers (the poll has its own tests below).
        pollMs: null,
        ...overrides,
      });
    /** Moves fake time on and waits until what fell due has been done. */
    const advance = async (ms: number) => {
      await time.advance(ms);
      await store.settle();
    };
    return { sql, store, time, channels, outcomes, dispatcher, advance };
  }

  /** A started dispatcher told of one escalation (of al_1), its first attempt made. */
  async function escalatedOnce(...args: Parameters<typeof setup>) {
    const s = await setup(...args);
    const d = s.dispatcher();
    d.start();
    await s.advance(0);
    await d.escalated(escalationEvent());
    await s.advance(0);
    return { ...s, d };
  }

  describe('NotificationDispatcher', () => {
    it('retries after 2 s and 6 s, records every attempt and when the next is due, and delivers once', async () => {
      const s = await escalatedOnce([FAIL, FAIL, OK]);
      expect(s.channels.sent).toEqual([{ contact: 'ops', id: 1 }]);
      expect(s.time.pendingDelays()).toEqual([2000]);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({
        status: 'pending',
        nextAttemptAt: s.time.now() + 2000,
        attempts: [{ n: 1, ok: false, status: 503 }],
      });
      await s.advance(2000);
      expect(s.time.pendingDelays()).toEqual([6000]);
      await s.advance(6000);
      const [n] = await s.store.forAlarm('al_1');
      expect(n).toMatchObject({ contactId: 'ops', contactName: 'Operations', level: 1, status: 'delivered', finishedAt: s.time.now(), nextAttemptAt: null });
      expect(n!.attempts.map((a) => [a.n, a.ok, a.status, a.error])).toEqual([
        [1, false, 503, 'HTTP 503'],
        [2, false, 503, 'HTTP 503'],
        [3, true, 200, null],
      ]);
      expect(s.channels.sent).toHaveLength(3);
      expect(s.outcomes).toEqual([true]);
      expect(s.time.pendingCount).toBe(0);
      expect(s.d.activeCount).toBe(0);
    });

    it('tells a contact only from its level on, and each contact once per escalation event', async () => {
      const s = await setup([OK]);
      const d = s.dispatcher();
      d.start();
      await d.escalated(escalationEvent({ level: 1, seq: 9 }));
      await d.escalated(escalationEvent({ level: 1, seq: 9 }));
      await s.advance(0);
      expect(s.channels.sent.map((x) => x.contact)).toEqual(['ops']);
      await d.escalated(escalationEvent({ level: 2, seq: 12 }));
      await s.advance(0);
      // The two of the second event are sent side by side: in either order.
      expect(
        s.channels.sent
          .slice(1)
          .map((x) => x.contact)
          .sort(),
      ).toEqual(['boss', 'ops']);
      expect((await s.store.forAlarm('al_1')).map((n) => [n.contactId, n.level, n.status])).toEqual([
        ['ops', 1, 'delivered'],
        ['ops', 2, 'delivered'],
        ['boss', 2, 'delivered'],
      ]);
    });

    it('gives up after maxAttempts and shows the notification as failed, with each attempt', async () => {
      const s = await escalatedOnce([FAIL], { giveUpAfterS: 1800, maxAttempts: 3 }, [HOOK]);
      await s.advance(2000);
      await s.advance(6000);
      const [n] = await s.store.forAlarm('al_1');
      expect(n).toMatchObject({ status: 'failed', finishedAt: s.time.now(), nextAttemptAt: null });
      expect(n!.attempts).toHaveLength(3);
      expect(s.outcomes).toEqual([false]);
      expect(s.time.pendingCount).toBe(0);
      expect(await s.store.pending()).toEqual([]);
    });

    it('gives up once giveUpAfterS has passed, without another attempt', async () => {
      // Attempts at 0, 2 s and 8 s; the next would be at 26 s, past the 10 s limit.
      const s = await escalatedOnce([FAIL], { giveUpAfterS: 10, maxAttempts: 50 }, [HOOK]);
      await s.advance(2000);
      await s.advance(6000);
      expect((await s.store.forAlarm('al_1'))[0]!.status).toBe('pending');
      await s.advance(18_000);
      expect(s.channels.sent).toHaveLength(3);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({ status: 'failed' });
      expect(s.time.pendingCount).toBe(0);
    });

    it('does not retry a permanent refusal (a 4xx)', async () => {
      const s = await escalatedOnce([{ ok: false, status: 404, reply: null, error: 'HTTP 404', permanent: true }], undefined, [HOOK]);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({ status: 'failed', attempts: [{ n: 1, status: 404 }] });
      expect(s.time.pendingCount).toBe(0);
    });

    it('keeps what is waiting for a retry across a stop, and a restart finishes it with the attempts counted', async () => {
      const s = await setup([FAIL], { giveUpAfterS: 1800, maxAttempts: 3 }, [HOOK]);
      const before = s.dispatcher();
      before.start();
      await before.escalated(escalationEvent());
      await s.advance(0);
      await before.stop();
      await s.advance(2000);
      expect(s.channels.sent).toHaveLength(1);
      expect(await s.store.pending()).toMatchObject([{ id: 1, attempts: 1 }]);

      // A new process: a dispatcher of its own name (a new one per process).
      const again = s.dispatcher({ onResult: undefined });
      again.start();
      await s.advance(0);
      await s.advance(2000);
      // Two more attempts make three in all: then it is failed, not retried from scratch.
      expect(s.channels.sent).toHaveLength(3);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({ status: 'failed', attempts: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    });

    it('fails, visibly, a pending notification whose contact is no longer configured', async () => {
      const s = await setup([FAIL], undefined, [HOOK]);
      const before = s.dispatcher();
      await before.escalated(escalationEvent());
      await before.stop();
      const again = s.dispatcher({ contacts: [], backoff: undefined });
      again.start();
      await s.advance(0);
      expect(s.channels.sent).toEqual([]);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({
        status: 'failed',
        attempts: [{ n: 1, ok: false, error: 'contact ops (webhook) is no longer configured' }],
      });
    });
  });

  // The alarm service writes the notifications inside the transaction that commits the escalation.
  describe('in the caller’s transaction', () => {
    /**
     * Resolves once the woken dispatcher's claim has reached the store and is held up there by the
     * open transaction: on PostgreSQL a session waiting for the row's lock; on SQLite, whose
     * statements run in the same process, by the next macrotask (the claim would have been made).
     */
    const claimWaiting = async (sql: Sql) => {
      if (engine === 'sqlite') return new Promise((resolve) => setImmediate(resolve));
      await eventually(
        async () => {
          // Asked inside the transaction, whose statistics would otherwise stay as first read.
          await sql.run('SELECT pg_stat_clear_snapshot()');
          return sql.get("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'");
        },
        5000,
        'the claim to wait for the commit',
      );
    };
    it('sends nothing until the transaction has committed, though woken before', async () => {
      const s = await setup([OK], undefined, [HOOK]);
      const d = s.dispatcher();
      d.start();
      await s.advance(0);
      await s.sql.transaction(async () => {
        await d.escalated(escalationEvent());
        // The wake-up falls due inside the transaction: the dispatcher must wait for the commit.
        await s.time.advance(0);
        await claimWaiting(s.sql);
        expect(s.channels.sent).toEqual([]);
      });
      await s.store.settle();
      expect(s.channels.sent).toEqual([{ contact: 'ops', id: 1 }]);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({ status: 'delivered' });
    });

    it('stores and sends nothing when the transaction rolls back', async () => {
      const s = await setup([OK], undefined, [HOOK]);
      const d = s.dispatcher();
      d.start();
      await s.advance(0);
      const failed = s.sql.transaction(async () => {
        await d.escalated(escalationEvent());
        await s.time.advance(0);
        await claimWaiting(s.sql);
        throw new Error('the alarm commit failed');
      });
      await expect(failed).rejects.toThrow('the alarm commit failed');
      await s.store.settle();
      expect(s.channels.sent).toEqual([]);
      expect(await s.store.forAlarm('al_1')).toEqual([]);
      expect(await s.store.pending()).toEqual([]);
    });
  });

  describe('claims', () => {
    const contact = HOOK;
    const enqueue = (store: NotificationStore, seq = 9) =>
      store.enqueue({ alarmId: 'al_1', eventSeq: seq, level: 1, contact, target: 'x', payload: '{}', createdAt: 1, giveUpAt: 2 });

    it('enqueues each event and contact once', async () => {
      const store = new SqlNotificationStore(await open());
      expect(await enqueue(store)).toBe(1);
      expect(await enqueue(store)).toBeNull();
      expect(await enqueue(store, 10)).toBeGreaterThan(1);
    });

    it('gives a pending notification to one of two claimants at once, and renews only its holder', async () => {
      const store = new SqlNotificationStore(await open());
      const id = (await enqueue(store))!;
      const claims = await Promise.all([store.claim(id, 'node-a', 1000, 0), store.claim(id, 'node-b', 1000, 0)]);
      expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
      const [holder, other] = claims[0] ? ['node-a', 'node-b'] : ['node-b', 'node-a'];
      expect(await store.claim(id, holder!, 2000, 500)).toMatchObject({ id, attempts: 0 });
      expect(await store.claim(id, other!, 2000, 500)).toBeUndefined();
      expect(await store.claimable(500)).toEqual([]);
      // Run out: anyone may take it over.
      expect(await store.claimable(2000)).toEqual([id]);
      expect(await store.claim(id, other!, 5000, 2000)).toMatchObject({ id });
      await store.release(other!);
      expect(await store.claimable(2001)).toEqual([id]);
      await store.finish(id, 'delivered', 3000);
      expect(await store.claim(id, holder!, 9000, 3000)).toBeUndefined();
      expect(await store.claimable(3000)).toEqual([]);
    });

    it('never has two dispatchers send the same notification at once', async () => {
      let answer!: (r: DeliveryResult) => void;
      const s = await setup([new Promise<DeliveryResult>((resolve) => (answer = resolve))], undefined, [HOOK]);
      const a = s.dispatcher({ owner: 'node-a', pollMs: 30_000 });
      const b = s.dispatcher({ owner: 'node-b', pollMs: 30_000 });
      await a.escalated(escalationEvent());
      // Both nodes start with it pending: they race for it.
      a.start();
      b.start();
      await s.advance(0);
      expect(s.channels.sent).toHaveLength(1);
      // The send is still in progress; the other node's next look leaves it alone.
      await s.advance(30_000);
      expect(s.channels.sent).toHaveLength(1);
      answer(OK);
      await s.advance(0);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({ status: 'delivered', attempts: [{ n: 1, ok: true }] });
      await s.advance(30_000);
      expect(s.channels.sent).toHaveLength(1);
      await a.stop();
      await b.stop();
    });

    it('does not send again what another dispatcher took over while it waited to retry', async () => {
      const s = await setup([FAIL, OK], undefined, [HOOK]);
      const d = s.dispatcher({ owner: 'node-a' });
      d.start();
      await d.escalated(escalationEvent());
      await s.advance(0);
      expect(s.channels.sent).toHaveLength(1);
      // node-a was held up past its claim, and node-b took the notification over meanwhile.
      expect(await s.store.claim(1, 'node-b', s.time.now() + 10 * CLAIM_MS, s.time.now() + 2000 + CLAIM_MS)).toMatchObject({ id: 1 });
      await s.advance(2000);
      expect(s.channels.sent).toHaveLength(1);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({ status: 'pending', attempts: [{ n: 1 }] });
      expect(d.activeCount).toBe(0);
    });

    it('carries on, attempts counted, with what a node that died was retrying, once its claim has run out', async () => {
      const s = await setup([FAIL, OK], undefined, [HOOK]);
      // The node that dies has timers of its own: they never fire again.
      const deadTime = new FakeScheduler(s.time.now());
      const dying = s.dispatcher({ owner: 'node-a', scheduler: deadTime });
      dying.start();
      await dying.escalated(escalationEvent());
      await deadTime.advance(0);
      await s.store.settle();
      expect(s.channels.sent).toHaveLength(1);

      const survivor = s.dispatcher({ owner: 'node-b', pollMs: 30_000 });
      survivor.start();
      await s.advance(0);
      // Held until the dead node's next attempt (2 s) and CLAIM_MS beyond: not taken before.
      for (let t = 0; t + 30_000 < 2000 + CLAIM_MS; t += 30_000) await s.advance(30_000);
      expect(s.channels.sent).toHaveLength(1);
      await s.advance(30_000);
      expect(s.channels.sent).toHaveLength(2);
      expect((await s.store.forAlarm('al_1'))[0]).toMatchObject({
        status: 'delivered',
        attempts: [
          { n: 1, ok: false },
          { n: 2, ok: true },
        ],
      });
      await survivor.stop();
    });
  });
});
