// The corrective-action service over the real store on every engine (SQLite, PostgreSQL), on fake
// time: an overdue action escalates owner → managers → admins at the configured intervals, each
// step a history line, an audit entry and an outbox message; a fix stops it; a restart takes the
// steps missed while stopped, once; two services on one store (two nodes) firing the same step take
// it once; moving the due date starts the escalation again; the period counts
// (docs/contracts.md#corrective-actions).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { MAX_ATTACHMENTS_PER_ACTION } from '../../contract/index.ts';
import { DiskAttachmentFiles } from '../../server/src/adapters/attachment.files.ts';
import { SqlActionStore } from '../../server/src/adapters/sql.actions.ts';
import { SqlAuditLog } from '../../server/src/adapters/sql.audit.ts';
import type { Sql } from '../../server/src/adapters/sql.ts';
import type { ActionStore } from '../../server/src/services/action.ports.ts';
import { ActionError, ActionService } from '../../server/src/services/action.service.ts';
import type { OutboxMessage } from '../../server/src/services/notification.ports.ts';
import { FakeScheduler } from '../support/fake.scheduler.ts';
import { testRegistry } from '../support/registry.fixtures.ts';
import { eachStore } from '../support/stores.ts';

const officer = { username: 'li.na', role: 'officer' as const };
const manager = { username: 'wang.lei', role: 'manager' as const };
const S = 1000;
/** Steps 10 s, 60 s and 120 s after the due date: the test moves fake time past each. */
const SCHEDULE = { owner: 10, manager: 60, admin: 120 };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup(sql: Sql, time = new FakeScheduler(), store: ActionStore = new SqlActionStore(sql)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-actions-'));
  dirs.push(dir);
  const sent: OutboxMessage[] = [];
  const audit = new SqlAuditLog(sql, time.now);
  const service = new ActionService({
    store,
    audit,
    notifier: { notify: (m) => void sent.push(m) },
    registry: testRegistry(),
    alarmPlace: async (id) => (id === 'al_1' ? { siteId: 'hq', zoneId: 'kitchen', sensorId: 'KIT-GAS-01' } : undefined),
    isUser: async (u) => ['li.na', 'wang.lei'].includes(u),
    files: new DiskAttachmentFiles(dir),
    scheduler: time,
    schedule: SCHEDULE,
    onError: (err) => {
      throw err;
    },
  });
  /** Moves fake time and waits for the escalations its timers started. */
  const advance = async (ms: number) => {
    await time.advance(ms);
    await service.idle();
  };
  const trail = async () => (await audit.list({ from: 0, to: time.now() + 1, limit: 100 })).filter((e) => e.target.startsWith('action:'));
  return { sql, time, service, sent, trail, advance };
}

async function started(sql: Sql, time?: FakeScheduler, store?: ActionStore) {
  const s = setup(sql, time, store);
  await s.service.start();
  return s;
}

const body = (dueAt: number) => ({ alarmId: 'al_1', finding: 'hose clamp loose', action: 'replace clamps', owner: 'li.na', dueAt, severity: 'high' as const });

eachStore((open, engine) => {
  it('an overdue action escalates to its owner, the managers, then the admins, each step recorded, audited and queued once', async () => {
    const { time, service, sent, trail, advance } = await started(await open());
    const { action } = await service.open(body(time.now() + 30 * S), manager);
    expect(action).toMatchObject({ siteId: 'hq', zoneId: 'kitchen', sensorId: 'KIT-GAS-01', status: 'open', escalationLevel: 0 });
    expect(action.nextEscalationAt).toBe(action.dueAt + 10 * S);

    await advance(39 * S);
    expect(sent).toEqual([]);
    await advance(1 * S);
    expect(sent.map((m) => [m.level, m.subject])).toEqual([[1, `action:${action.id}`]]);
    await advance(50 * S);
    expect(sent).toHaveLength(2);
    await advance(60 * S);
    expect(sent.map((m) => m.level)).toEqual([1, 2, 3]);
    await advance(3600 * S);
    expect(sent).toHaveLength(3);

    const { history, action: after } = await service.get(action.id, manager);
    const steps = history.filter((e) => e.kind === 'escalated');
    expect(steps.map((e) => [e.level, e.to, e.at - action.dueAt])).toEqual([
      [1, 'owner', 10 * S],
      [2, 'manager', 60 * S],
      [3, 'admin', 120 * S],
    ]);
    expect(after).toMatchObject({ escalationLevel: 3, overdue: true, nextEscalationAt: null });
    // Each outbox message is keyed by its history line, negative so it never meets an alarm event's seq.
    expect(sent.map((m) => m.seq)).toEqual(steps.map((e) => -e.seq));
    expect(sent[1]!.title).toContain('escalated to the managers');
    const audited = (await trail()).filter((e) => e.action === 'action.escalated').sort((a, b) => a.id - b.id);
    expect(audited.map((e) => [e.actor, (e.detail as { level: number }).level])).toEqual([
      ['system', 1],
      ['system', 2],
      ['system', 3],
    ]);
    expect(service.plannedCount).toBe(0);
  });

  it('a fix before the due date stops the escalation; a rejection sends it back and it escalates again', async () => {
    const { time, service, sent, advance } = await started(await open());
    const { action } = await service.open(body(time.now() + 30 * S), officer);
    await service.change(action.id, { move: 'fix' }, officer);
    expect(service.plannedCount).toBe(0);
    await advance(200 * S);
    expect(sent).toEqual([]);
    const back = await service.change(action.id, { move: 'reject', reason: 'valve 3 still loose' }, manager);
    expect(back.action.status).toBe('in_progress');
    expect(back.history.at(-1)).toMatchObject({ kind: 'rejected', note: 'valve 3 still loose', by: 'wang.lei' });
    // Past every step already: all three are taken at once.
    await advance(0);
    expect(sent.map((m) => m.level)).toEqual([1, 2, 3]);
  });

  it('a restart plans from the store: steps missed while stopped are taken once, the rest on time', async () => {
    const sql = await open();
    const first = await started(sql);
    const { action } = await first.service.open(body(first.time.now() + 30 * S), officer);
    await first.advance(40 * S);
    expect(first.sent.map((m) => m.level)).toEqual([1]);
    first.service.stop();

    first.time.t += 70 * S; // down until after the managers' step was due
    const second = await started(sql, first.time);
    expect(second.sent.map((m) => m.level)).toEqual([2]);
    await second.advance(40 * S);
    expect(second.sent.map((m) => m.level)).toEqual([2, 3]);
    expect((await second.service.get(action.id, officer)).history.filter((e) => e.kind === 'escalated')).toHaveLength(3);
  });

  // Two nodes on one store plan the same escalation from it and fire at the same moment; on
  // PostgreSQL each has its own connection, so their transactions really overlap.
  it('two services (two nodes) firing the same step take it once: one history line, one audit entry, one message', async () => {
    const time = new FakeScheduler();
    const a = await started(await open(), time);
    const b = await started(engine === 'postgres' ? await open.again() : a.sql, time);
    const { action } = await a.service.open(body(time.now() + 30 * S), officer);
    // The other node plans it at its next look at the store.
    await b.service.resync();
    expect([a.service.plannedCount, b.service.plannedCount]).toEqual([1, 1]);
    await time.advance(40 * S);
    await Promise.all([a.service.idle(), b.service.idle()]);
    expect([...a.sent, ...b.sent].map((m) => m.level)).toEqual([1]);
    const history = (await a.service.get(action.id, officer)).history.filter((e) => e.kind === 'escalated');
    expect(history.map((e) => e.level)).toEqual([1]);
    expect((await a.trail()).filter((e) => e.action === 'action.escalated')).toHaveLength(1);
  });

  it('an action opened on a node that then goes down still escalates: the other node planned it from the store', async () => {
    const time = new FakeScheduler();
    const a = await started(await open(), time);
    const b = await started(engine === 'postgres' ? await open.again() : a.sql, time);
    const { action } = await a.service.open(body(time.now() + 30 * S), officer);
    expect(b.service.plannedCount).toBe(0);
    await b.service.resync();
    expect(b.service.plannedCount).toBe(1);
    a.service.stop();
    await b.advance(40 * S);
    expect(a.sent).toEqual([]);
    expect(b.sent.map((m) => [m.level, m.subject])).toEqual([[1, `action:${action.id}`]]);
  });

  it('a node that read the action before the other took the step does not take it again', async () => {
    const time = new FakeScheduler();
    const sql = await open();
    const real = new SqlActionStore(sql);
    const a = await started(sql, time, real);
    const { action } = await a.service.open(body(time.now() + 30 * S), officer);
    const before = (await real.get(action.id))!;
    // The second node's read is the one it made just before the first node's step committed.
    const stale: ActionStore = Object.assign(Object.create(real) as SqlActionStore, { get: async () => before });
    const b = setup(sql, time, stale);
    await a.advance(40 * S);
    expect(a.sent.map((m) => m.level)).toEqual([1]);
    await b.service.start();
    expect(b.sent).toEqual([]);
    expect((await a.service.get(action.id, officer)).history.filter((e) => e.kind === 'escalated')).toHaveLength(1);
  });

  it('a planning that read the action before a later change never replaces the later planning', async () => {
    const sql = await open();
    const real = new SqlActionStore(sql);
    let entered!: () => void;
    let release!: () => void;
    const slowReadEntered = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    let slowOnce = true;
    // The first read of the action as fixed (the fix's planning) answers only once released.
    const slow: ActionStore = Object.assign(Object.create(real) as SqlActionStore, {
      get: async (id: number) => {
        const read = await real.get(id);
        if (read?.status === 'fixed' && slowOnce) {
          slowOnce = false;
          entered();
          await released;
        }
        return read;
      },
    });
    const { time, service, sent, advance } = await started(sql, undefined, slow);
    const { action } = await service.open(body(time.now() + 30 * S), officer);
    await service.change(action.id, { move: 'start' }, officer);
    const fixed = service.change(action.id, { move: 'fix' }, officer);
    await slowReadEntered;
    await service.change(action.id, { move: 'reject', reason: 'still loose' }, manager);
    release();
    await fixed;
    expect(service.plannedCount).toBe(1);
    await advance(40 * S);
    expect(sent.map((m) => m.level)).toEqual([1]);
  });

  it('takes an escalation step only from the level, due date and status it was worked out from', async () => {
    const store = new SqlActionStore(await open());
    const t = Date.UTC(2026, 10, 27, 8);
    const id = await store.insert({
      ...body(t + 30 * S),
      causeCategory: null,
      siteId: 'hq',
      zoneId: 'kitchen',
      sensorId: null,
      alarmId: null,
      status: 'open',
      createdBy: 'li.na',
      createdAt: t,
      updatedAt: t,
      closedAt: null,
      fixedBy: null,
      escalationLevel: 0,
    });
    const step = { fromLevel: 0, toLevel: 1, dueAt: t + 30 * S, at: t + 40 * S };
    expect(await store.takeEscalation(id, { ...step, dueAt: t + 31 * S })).toBe(false);
    expect(await store.takeEscalation(id, step)).toBe(true);
    expect(await store.takeEscalation(id, step)).toBe(false);
    expect(await store.get(id)).toMatchObject({ escalationLevel: 1, updatedAt: t + 40 * S });
    expect(await store.update(id, { status: 'fixed' }, 'open')).toBe(true);
    expect(await store.update(id, { status: 'verified' }, 'open')).toBe(false);
    expect(await store.takeEscalation(id, { fromLevel: 1, toLevel: 2, dueAt: t + 30 * S, at: t + 90 * S })).toBe(false);
    expect(await store.get(id)).toMatchObject({ status: 'fixed', escalationLevel: 1 });
  });

  it('a move judged on a status another request has changed since is refused, and records nothing', async () => {
    const sql = await open();
    const real = new SqlActionStore(sql);
    const { time, service } = setup(sql, undefined, real);
    const { action } = await service.open(body(time.now() + 3600 * S), officer);
    const before = (await real.get(action.id))!;
    await service.change(action.id, { move: 'start' }, officer);
    // A second tab still showing it open: its "start" was judged on what it read.
    const behind = setup(sql, time, Object.assign(Object.create(real) as SqlActionStore, { get: async () => before }));
    await expect(behind.service.change(action.id, { move: 'start' }, officer)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await service.get(action.id, officer)).history.map((e) => e.kind)).toEqual(['opened', 'started']);
  });

  // Owner-only moves are judged on the owner read first; a manager's reassignment committed
  // between that read and the update (status unchanged) must still stop the former owner.
  it('a move judged on an owner a manager has replaced since is refused, and records nothing', async () => {
    const sql = await open();
    const real = new SqlActionStore(sql);
    const { time, service } = setup(sql, undefined, real);
    const { action } = await service.open(body(time.now() + 3600 * S), officer);
    const before = (await real.get(action.id))!;
    await service.change(action.id, { owner: 'wang.lei' }, manager);
    // li.na's tab read the action while it was still hers: that first read is the stale one.
    let stale = true;
    const behind = setup(
      sql,
      time,
      Object.assign(Object.create(real) as SqlActionStore, {
        get: async (id: number) => (stale ? ((stale = false), before) : real.get(id)),
      }),
    );
    await expect(behind.service.change(action.id, { move: 'start' }, officer)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await service.get(action.id, officer)).history.map((e) => e.kind)).toEqual(['opened', 'edited']);
    expect((await real.get(action.id))!.status).toBe('open');
  });

  it('a change whose audit entry fails is not made', async () => {
    const sql = await open();
    const { time, service } = setup(sql);
    const { action } = await service.open(body(time.now() + 3600 * S), officer);
    await sql.run('DROP TABLE audit');
    await expect(service.change(action.id, { move: 'start' }, officer)).rejects.toThrow();
    expect(await new SqlActionStore(sql).get(action.id)).toMatchObject({ status: 'open' });
    expect(await new SqlActionStore(sql).history(action.id)).toHaveLength(1);
  });

  it('a manager moving the due date starts the escalation again from the owner', async () => {
    const { time, service, sent, advance } = await started(await open());
    const { action } = await service.open(body(time.now() + 30 * S), officer);
    await advance(40 * S);
    expect(sent).toHaveLength(1);
    await expect(service.change(action.id, { dueAt: time.now() + 3600 * S }, officer)).rejects.toThrow(ActionError);
    const moved = await service.change(action.id, { dueAt: time.now() + 100 * S, note: 'parts on order' }, manager);
    expect(moved.action).toMatchObject({ escalationLevel: 0, overdue: false });
    expect(moved.history.at(-1)).toMatchObject({ kind: 'edited', changes: { dueAt: time.now() + 100 * S } });
    await advance(109 * S);
    expect(sent).toHaveLength(1);
    await advance(1 * S);
    expect(sent.map((m) => m.level)).toEqual([1, 1]);
  });

  it('refuses an unknown owner, alarm, site or zone, a past due date, and moves by the wrong person', async () => {
    const { time, service } = setup(await open());
    const due = time.now() + 3600 * S;
    const refused = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        return (err as ActionError).code;
      }
      return 'accepted';
    };
    expect(await refused(() => service.open({ ...body(due), owner: 'nobody' }, officer))).toBe('BAD_REQUEST');
    expect(await refused(() => service.open({ ...body(due), alarmId: 'al_x' }, officer))).toBe('BAD_REQUEST');
    expect(await refused(() => service.open({ ...body(time.now() - 1), alarmId: 'al_1' }, officer))).toBe('BAD_REQUEST');
    const byHand = { finding: 'fire door wedged open', action: 'remove wedge, brief staff', owner: 'li.na', dueAt: due, severity: 'medium' as const };
    expect(await refused(() => service.open({ ...byHand, siteId: 'nowhere' }, officer))).toBe('BAD_REQUEST');
    expect(await refused(() => service.open({ ...byHand, siteId: 'lodging', sensorId: 'KIT-GAS-01' }, officer))).toBe('BAD_REQUEST');
    const { action } = await service.open({ ...byHand, siteId: 'lodging', sensorId: 'GH-SMK-101' }, officer);
    expect(action).toMatchObject({ siteId: 'lodging', zoneId: 'gh-rooms', alarmId: null });
    expect(await refused(() => service.change(action.id, { move: 'start' }, manager))).toBe('FORBIDDEN');
    expect(await refused(() => service.change(action.id, { move: 'verify' }, manager))).toBe('INVALID_TRANSITION');
    expect(await refused(() => service.change(999, { move: 'start' }, officer))).toBe('NOT_FOUND');
  });

  it('lists by filter, newest first, up to the limit, and counts a period: opened, closed (verified), gone overdue, escalation steps', async () => {
    const { time, service, advance } = await started(await open());
    const from = time.now();
    const late = (await service.open(body(time.now() + 30 * S), officer)).action;
    const done = (await service.open(body(time.now() + 300 * S), officer)).action;
    await service.change(done.id, { move: 'fix' }, officer);
    await service.change(done.id, { move: 'verify' }, manager);
    await advance(45 * S);
    expect((await service.list({ filter: 'overdue', limit: 10 }, officer)).actions.map((a) => a.id)).toEqual([late.id]);
    expect((await service.list({ filter: 'closed', limit: 10 }, officer)).actions.map((a) => a.id)).toEqual([done.id]);
    expect((await service.list({ filter: 'mine', limit: 10 }, manager)).actions).toEqual([]);
    expect((await service.list({ filter: 'all', limit: 10 }, officer)).actions.map((a) => a.id)).toEqual([done.id, late.id]);
    expect((await service.list({ filter: 'all', limit: 1 }, officer)).actions.map((a) => a.id)).toEqual([done.id]);
    expect((await service.list({ filter: 'all', site: 'lodging', limit: 10 }, officer)).actions).toEqual([]);
    expect((await service.list({ filter: 'open', limit: 10 }, officer)).counts).toEqual({ open: 1, overdue: 1, fixed: 0, mine: 1 });
    expect(await service.countsFor(manager, 'hq')).toEqual({ open: 1, overdue: 1, fixed: 0, mine: 0 });
    expect(await service.counts({ from, to: time.now() + 1 })).toEqual({ opened: 2, closed: 1, overdue: 1, escalations: 1 });
    expect(await service.counts({ siteId: 'lodging', from, to: time.now() + 1 })).toEqual({ opened: 0, closed: 0, overdue: 0, escalations: 0 });
  });

  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  it('keeps an image (judged by its bytes) with a clean name, refuses anything else, and serves it back', async () => {
    const { time, service } = setup(await open());
    const { action } = await service.open(body(time.now() + 3600 * S), officer);
    const detail = await service.attach(action.id, { name: '../../etc/clamp "new".png', bytes: PNG }, officer);
    expect(detail.attachments).toEqual([{ id: 1, name: 'clamp new.png', type: 'image/png', size: PNG.length, at: time.now(), by: 'li.na' }]);
    expect(detail.history.at(-1)).toMatchObject({ kind: 'attached', note: 'clamp new.png' });
    expect(await service.attachment(action.id, 1)).toEqual({ type: 'image/png', name: 'clamp new.png', bytes: PNG });
    const html = Buffer.from('<html><script>alert(1)</script>');
    await expect(service.attach(action.id, { name: 'x.png', bytes: html }, officer)).rejects.toThrow('only PNG, JPEG, WebP or GIF');
    await expect(service.attachment(action.id, 2)).rejects.toThrow('no attachment 2');
  });

  it('uploads at once never take an action past its attachment limit', async () => {
    const { time, service } = setup(await open());
    const { action } = await service.open(body(time.now() + 3600 * S), officer);
    const uploads = await Promise.allSettled(
      Array.from({ length: MAX_ATTACHMENTS_PER_ACTION + 3 }, () => service.attach(action.id, { name: 'p.png', bytes: PNG }, officer)),
    );
    expect(uploads.filter((u) => u.status === 'fulfilled')).toHaveLength(MAX_ATTACHMENTS_PER_ACTION);
    expect((await service.get(action.id, officer)).attachments).toHaveLength(MAX_ATTACHMENTS_PER_ACTION);
  });
});
