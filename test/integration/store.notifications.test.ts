// The escalation outbox in real SQLite files, driven by its dispatcher on fake time with scripted
// channels (the NotificationChannels port): bounded retries on the one Backoff policy, every
// attempt recorded, failures visible, nothing sent twice. The real receivers are in
// test/integration/notifications.test.ts.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { escalationEvent } from '../../../test/support/notify.fixtures.ts';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqliteNotifications } from './sqlite.notifications.ts';
import { NotificationDispatcher } from '../services/notification.dispatcher.ts';
import type { DeliveryResult, NotificationChannels, ResolvedContact } from '../services/notification.ports.ts';

const open = tempDatabases('vigil-notify-');
const HOOK: ResolvedContact = { id: 'ops', name: 'Operations', channel: 'webhook', fromLevel: 1, url: 'http://receiver.invalid/hook' };
const BOSS: ResolvedContact = { id: 'boss', name: 'Director', channel: 'webhook', fromLevel: 2, url: 'http://receiver.invalid/boss' };
const FAIL: DeliveryResult = { ok: false, status: 503, reply: 'busy', error: 'HTTP 503' };
const OK: DeliveryResult = { ok: true, status: 200, reply: null, error: null };
/** No jitter: the waits are exactly 2 s, 6 s, 18 s, … */
const BACKOFF = { initialMs: 2000, factor: 3, maxMs: 162_000 };

/** Answers each send with the next of `results` (the last from then on), and remembers what was sent. */
function scripted(results: DeliveryResult[]): NotificationChannels & { sent: { contact: string; id: number }[] } {
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

function setup(results: DeliveryResult[], settings = { giveUpAfterS: 1800, maxAttempts: 10 }, contacts = [HOOK, BOSS]) {
  const { db, dir } = open();
  const store = new SqliteNotifications(db);
  const time = new FakeScheduler();
  const channels = scripted(results);
  const outcomes: boolean[] = [];
  const dispatcher = new NotificationDispatcher({
    store,
    channels,
    contacts,
    settings,
    scheduler: time,
    logger: pino({ level: 'silent' }),
    backoff: BACKOFF,
    onResult: (_c, ok) => outcomes.push(ok),
  });
  return { db, dir, store, time, channels, outcomes, dispatcher };
}

describe('NotificationDispatcher', () => {
  it('retries after 2 s and 6 s, records every attempt and when the next is due, and delivers once', async () => {
    const s = setup([FAIL, FAIL, OK]);
    s.dispatcher.start();
    s.dispatcher.escalated(escalationEvent({ level: 1 }));
    await s.time.advance(0);
    expect(s.channels.sent).toEqual([{ contact: 'ops', id: 1 }]);
    expect(s.time.pendingDelays()).toEqual([2000]);
    expect(s.store.forAlarm('al_1')[0]).toMatchObject({ status: 'pending', nextAttemptAt: s.time.now() + 2000, attempts: [{ n: 1, ok: false, status: 503 }] });
    await s.time.advance(2000);
    expect(s.time.pendingDelays()).toEqual([6000]);
    await s.time.advance(6000);
    const [n] = s.store.forAlarm('al_1');
    expect(n).toMatchObject({ contactId: 'ops', contactName: 'Operations', level: 1, status: 'delivered', finishedAt: s.time.now(), nextAttemptAt: null });
    expect(n!.attempts.map((a) => [a.n, a.ok, a.status, a.error])).toEqual([
      [1, false, 503, 'HTTP 503'],
      [2, false, 503, 'HTTP 503'],
      [3, true, 200, null],
    ]);
    expect(s.channels.sent).toHaveLength(3);
    expect(s.outcomes).toEqual([true]);
    expect(s.time.pendingCount).toBe(0);
    expect(s.dispatcher.activeCount).toBe(0);
  });

  it('tells a contact only from its level on, and each contact once per escalation event', async () => {
    const s = setup([OK]);
    s.dispatcher.start();
    s.dispatcher.escalated(escalationEvent({ level: 1, seq: 9 }));
    s.dispatcher.escalated(escalationEvent({ level: 1, seq: 9 }));
    await s.time.advance(0);
    expect(s.channels.sent.map((x) => x.contact)).toEqual(['ops']);
    s.dispatcher.escalated(escalationEvent({ level: 2, seq: 12 }));
    await s.time.advance(0);
    expect(s.channels.sent.map((x) => x.contact)).toEqual(['ops', 'ops', 'boss']);
    expect(s.store.forAlarm('al_1').map((n) => [n.contactId, n.level, n.status])).toEqual([
      ['ops', 1, 'delivered'],
      ['ops', 2, 'delivered'],
      ['boss', 2, 'delivered'],
    ]);
  });

  it('gives up after maxAttempts and shows the notification as failed, with each attempt', async () => {
    const s = setup([FAIL], { giveUpAfterS: 1800, maxAttempts: 3 }, [HOOK]);
    s.dispatcher.start();
    s.dispatcher.escalated(escalationEvent());
    await s.time.advance(0);
    await s.time.advance(2000);
    await s.time.advance(6000);
    const [n] = s.store.forAlarm('al_1');
    expect(n).toMatchObject({ status: 'failed', finishedAt: s.time.now(), nextAttemptAt: null });
    expect(n!.attempts).toHaveLength(3);
    expect(s.outcomes).toEqual([false]);
    expect(s.time.pendingCount).toBe(0);
    expect(s.store.pending()).toEqual([]);
  });

  it('gives up once giveUpAfterS has passed, without another attempt', async () => {
    // Attempts at 0, 2 s and 8 s; the next would be at 26 s, past the 10 s limit.
    const s = setup([FAIL], { giveUpAfterS: 10, maxAttempts: 50 }, [HOOK]);
    s.dispatcher.start();
    s.dispatcher.escalated(escalationEvent());
    await s.time.advance(0);
    await s.time.advance(2000);
    await s.time.advance(6000);
    expect(s.store.forAlarm('al_1')[0]!.status).toBe('pending');
    await s.time.advance(18_000);
    expect(s.channels.sent).toHaveLength(3);
    expect(s.store.forAlarm('al_1')[0]).toMatchObject({ status: 'failed' });
    expect(s.time.pendingCount).toBe(0);
  });

  it('does not retry a permanent refusal (a 4xx)', async () => {
    const s = setup([{ ok: false, status: 404, reply: null, error: 'HTTP 404', permanent: true }], undefined, [HOOK]);
    s.dispatcher.start();
    s.dispatcher.escalated(escalationEvent());
    await s.time.advance(0);
    expect(s.store.forAlarm('al_1')[0]).toMatchObject({ status: 'failed', attempts: [{ n: 1, status: 404 }] });
    expect(s.time.pendingCount).toBe(0);
  });

  it('keeps what is waiting for a retry across a stop, and a restart finishes it with the attempts counted', async () => {
    const s = setup([FAIL], { giveUpAfterS: 1800, maxAttempts: 3 }, [HOOK]);
    s.dispatcher.start();
    s.dispatcher.escalated(escalationEvent());
    await s.time.advance(0);
    await s.dispatcher.stop();
    await s.time.advance(2000);
    expect(s.channels.sent).toHaveLength(1);
    expect(s.store.pending()).toMatchObject([{ id: 1, attempts: 1 }]);

    const again = new NotificationDispatcher({
      store: new SqliteNotifications(s.db),
      channels: s.channels,
      contacts: [HOOK],
      settings: { giveUpAfterS: 1800, maxAttempts: 3 },
      scheduler: s.time,
      logger: pino({ level: 'silent' }),
      backoff: BACKOFF,
    });
    again.start();
    await s.time.advance(0);
    await s.time.advance(2000);
    // Two more attempts make three in all: then it is failed, not retried from scratch.
    expect(s.channels.sent).toHaveLength(3);
    expect(s.store.forAlarm('al_1')[0]).toMatchObject({ status: 'failed', attempts: [{ n: 1 }, { n: 2 }, { n: 3 }] });
  });

  it('fails, visibly, a pending notification whose contact is no longer configured', async () => {
    const s = setup([FAIL], undefined, [HOOK]);
    s.dispatcher.escalated(escalationEvent());
    await s.dispatcher.stop();
    const again = new NotificationDispatcher({
      store: s.store,
      channels: s.channels,
      contacts: [],
      settings: { giveUpAfterS: 1800, maxAttempts: 10 },
      scheduler: s.time,
      logger: pino({ level: 'silent' }),
    });
    again.start();
    await s.time.advance(0);
    expect(s.channels.sent).toEqual([]);
    expect(s.store.forAlarm('al_1')[0]).toMatchObject({
      status: 'failed',
      attempts: [{ n: 1, ok: false, error: 'contact ops (webhook) is no longer configured' }],
    });
  });
});
