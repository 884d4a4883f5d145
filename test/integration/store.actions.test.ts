// The corrective-action service over a real SQLite store on fake time: an overdue action
// escalates owner → managers → admins at the configured intervals, each step a history line, an
// audit entry and an outbox message; a fix stops it; a restart takes the steps missed while
// stopped, once; moving the due date starts the escalation again; the period counts.
import { describe, expect, it } from 'vitest';
import { DiskAttachmentFiles } from './attachment.files.ts';
import { SqliteActionStore } from './sqlite.actions.ts';
import { SqliteAuditLog } from './sqlite.audit.ts';
import type { SqliteDatabase } from './sqlite.database.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { testRegistry } from '../../../test/support/registry.fixtures.ts';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { ActionError, ActionService } from '../services/action.service.ts';
import type { OutboxMessage } from '../services/notification.ports.ts';

const open = tempDatabases('vigil-actions-');
const officer = { username: 'li.na', role: 'officer' as const };
const manager = { username: 'wang.lei', role: 'manager' as const };
const S = 1000;
/** Steps 10 s, 60 s and 120 s after the due date: the test moves fake time past each. */
const SCHEDULE = { owner: 10, manager: 60, admin: 120 };

function setup({ db, dir }: { db: SqliteDatabase; dir: string } = open(), time = new FakeScheduler()) {
  const sent: OutboxMessage[] = [];
  const audit = new SqliteAuditLog(db);
  const service = new ActionService({
    store: new SqliteActionStore(db),
    audit,
    notifier: { notify: (m) => sent.push(m) },
    registry: testRegistry(),
    alarmPlace: (id) => (id === 'al_1' ? { siteId: 'hq', zoneId: 'kitchen', sensorId: 'KIT-GAS-01' } : undefined),
    isUser: (u) => ['li.na', 'wang.lei'].includes(u),
    files: new DiskAttachmentFiles(dir),
    scheduler: time,
    schedule: SCHEDULE,
  });
  service.start();
  const trail = () => audit.list({ from: 0, to: time.now() + 1, limit: 100 }).filter((e) => e.target.startsWith('action:'));
  return { db, dir, time, service, sent, trail };
}

const body = (dueAt: number) => ({ alarmId: 'al_1', finding: 'hose clamp loose', action: 'replace clamps', owner: 'li.na', dueAt, severity: 'high' as const });

describe('ActionService', () => {
  it('an overdue action escalates to its owner, the managers, then the admins, each step recorded, audited and queued once', async () => {
    const { time, service, sent, trail } = setup();
    const { action } = service.open(body(time.now() + 30 * S), manager);
    expect(action).toMatchObject({ siteId: 'hq', zoneId: 'kitchen', sensorId: 'KIT-GAS-01', status: 'open', escalationLevel: 0 });
    expect(action.nextEscalationAt).toBe(action.dueAt + 10 * S);

    await time.advance(39 * S);
    expect(sent).toEqual([]);
    await time.advance(1 * S);
    expect(sent.map((m) => [m.level, m.subject])).toEqual([[1, `action:${action.id}`]]);
    await time.advance(50 * S);
    expect(sent).toHaveLength(2);
    await time.advance(60 * S);
    expect(sent.map((m) => m.level)).toEqual([1, 2, 3]);
    await time.advance(3600 * S);
    expect(sent).toHaveLength(3);

    const { history, action: after } = service.get(action.id, manager);
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
    const audited = trail()
      .filter((e) => e.action === 'action.escalated')
      .sort((a, b) => a.id - b.id);
    expect(audited.map((e) => [e.actor, (e.detail as { level: number }).level])).toEqual([
      ['system', 1],
      ['system', 2],
      ['system', 3],
    ]);
    expect(service.plannedCount).toBe(0);
  });

  it('a fix before the due date stops the escalation; a rejection sends it back and it escalates again', async () => {
    const { time, service, sent } = setup();
    const { action } = service.open(body(time.now() + 30 * S), officer);
    service.change(action.id, { move: 'fix' }, officer);
    expect(service.plannedCount).toBe(0);
    await time.advance(200 * S);
    expect(sent).toEqual([]);
    const back = service.change(action.id, { move: 'reject', reason: 'valve 3 still loose' }, manager);
    expect(back.action.status).toBe('in_progress');
    expect(back.history.at(-1)).toMatchObject({ kind: 'rejected', note: 'valve 3 still loose', by: 'wang.lei' });
    // Past every step already: all three are taken at once.
    await time.advance(0);
    expect(sent.map((m) => m.level)).toEqual([1, 2, 3]);
  });

  it('a restart plans from the store: steps missed while stopped are taken once, the rest on time', async () => {
    const first = setup();
    const { action } = first.service.open(body(first.time.now() + 30 * S), officer);
    await first.time.advance(40 * S);
    expect(first.sent.map((m) => m.level)).toEqual([1]);
    first.service.stop();

    first.time.t += 70 * S; // down until after the managers' step was due
    const second = setup(first, first.time);
    await first.time.advance(0);
    expect(second.sent.map((m) => m.level)).toEqual([2]);
    await first.time.advance(40 * S);
    expect(second.sent.map((m) => m.level)).toEqual([2, 3]);
    expect(second.service.get(action.id, officer).history.filter((e) => e.kind === 'escalated')).toHaveLength(3);
  });

  it('a manager moving the due date starts the escalation again from the owner', async () => {
    const { time, service, sent } = setup();
    const { action } = service.open(body(time.now() + 30 * S), officer);
    await time.advance(40 * S);
    expect(sent).toHaveLength(1);
    expect(() => service.change(action.id, { dueAt: time.now() + 3600 * S }, officer)).toThrow(ActionError);
    const moved = service.change(action.id, { dueAt: time.now() + 100 * S, note: 'parts on order' }, manager);
    expect(moved.action).toMatchObject({ escalationLevel: 0, overdue: false });
    expect(moved.history.at(-1)).toMatchObject({ kind: 'edited', changes: { dueAt: time.now() + 100 * S } });
    await time.advance(109 * S);
    expect(sent).toHaveLength(1);
    await time.advance(1 * S);
    expect(sent.map((m) => m.level)).toEqual([1, 1]);
  });

  it('refuses an unknown owner, alarm, site or zone, a past due date, and moves by the wrong person', () => {
    const { time, service } = setup();
    const due = time.now() + 3600 * S;
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as ActionError).code;
      }
      return 'accepted';
    };
    expect(refused(() => service.open({ ...body(due), owner: 'nobody' }, officer))).toBe('BAD_REQUEST');
    expect(refused(() => service.open({ ...body(due), alarmId: 'al_x' }, officer))).toBe('BAD_REQUEST');
    expect(refused(() => service.open({ ...body(time.now() - 1), alarmId: 'al_1' }, officer))).toBe('BAD_REQUEST');
    const byHand = { finding: 'fire door wedged open', action: 'remove wedge, brief staff', owner: 'li.na', dueAt: due, severity: 'medium' as const };
    expect(refused(() => service.open({ ...byHand, siteId: 'nowhere' }, officer))).toBe('BAD_REQUEST');
    expect(refused(() => service.open({ ...byHand, siteId: 'lodging', sensorId: 'KIT-GAS-01' }, officer))).toBe('BAD_REQUEST');
    const { action } = service.open({ ...byHand, siteId: 'lodging', sensorId: 'GH-SMK-101' }, officer);
    expect(action).toMatchObject({ siteId: 'lodging', zoneId: 'gh-rooms', alarmId: null });
    expect(refused(() => service.change(action.id, { move: 'start' }, manager))).toBe('FORBIDDEN');
    expect(refused(() => service.change(action.id, { move: 'verify' }, manager))).toBe('INVALID_TRANSITION');
    expect(refused(() => service.change(999, { move: 'start' }, officer))).toBe('NOT_FOUND');
  });

  it('lists by filter and counts a period: opened, closed (verified), gone overdue, escalation steps', async () => {
    const { time, service } = setup();
    const from = time.now();
    const late = service.open(body(time.now() + 30 * S), officer).action;
    const done = service.open(body(time.now() + 300 * S), officer).action;
    service.change(done.id, { move: 'fix' }, officer);
    service.change(done.id, { move: 'verify' }, manager);
    await time.advance(45 * S);
    expect(service.list({ filter: 'overdue', limit: 10 }, officer).actions.map((a) => a.id)).toEqual([late.id]);
    expect(service.list({ filter: 'closed', limit: 10 }, officer).actions.map((a) => a.id)).toEqual([done.id]);
    expect(service.list({ filter: 'mine', limit: 10 }, manager).actions).toEqual([]);
    expect(service.list({ filter: 'open', limit: 10 }, officer).counts).toEqual({ open: 1, overdue: 1, fixed: 0, mine: 1 });
    expect(service.counts({ from, to: time.now() + 1 })).toEqual({ opened: 2, closed: 1, overdue: 1, escalations: 1 });
    expect(service.counts({ siteId: 'lodging', from, to: time.now() + 1 })).toEqual({ opened: 0, closed: 0, overdue: 0, escalations: 0 });
  });
});

describe('corrective action attachments', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  it('keeps an image (judged by its bytes) with a clean name, refuses anything else, and serves it back', () => {
    const { time, service } = setup();
    const { action } = service.open(body(time.now() + 3600 * S), officer);
    const detail = service.attach(action.id, { name: '../../etc/clamp "new".png', bytes: PNG }, officer);
    expect(detail.attachments).toEqual([{ id: 1, name: 'clamp new.png', type: 'image/png', size: PNG.length, at: time.now(), by: 'li.na' }]);
    expect(detail.history.at(-1)).toMatchObject({ kind: 'attached', note: 'clamp new.png' });
    expect(service.attachment(action.id, 1)).toEqual({ type: 'image/png', name: 'clamp new.png', bytes: PNG });
    const html = Buffer.from('<html><script>alert(1)</script>');
    expect(() => service.attach(action.id, { name: 'x.png', bytes: html }, officer)).toThrow('only PNG, JPEG, WebP or GIF');
    expect(() => service.attachment(action.id, 2)).toThrow('no attachment 2');
  });
});
