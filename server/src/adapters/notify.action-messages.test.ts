// Corrective-action escalation steps go through the same durable outbox as alarm escalations:
// one row per contact whose fromLevel the step's level has reached, in each channel's own format,
// with the people-written words made single lines (no forged lines in a robot's text), and never
// colliding with an alarm event's sequence number (negative seq).
import { describe, expect, it } from 'vitest';
import { queuedOutbox } from '../../../test/support/notify.outbox.ts';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqliteSql } from './sql.sqlite.ts';
import type { OutboxMessage, ResolvedContact } from '../services/notification.ports.ts';

const open = tempDatabases('vigil-action-outbox-');
const HOOK: ResolvedContact = { id: 'hook', name: 'Hook', channel: 'webhook', fromLevel: 1, url: 'http://127.0.0.1:9/hook' };
const ROBOT: ResolvedContact = { id: 'robot', name: 'Duty group', channel: 'dingtalk', fromLevel: 3, url: 'http://127.0.0.1:9/robot/send', format: 'text' };

const outbox = () => queuedOutbox(new SqliteSql(open().db), [HOOK, ROBOT]);

const step = (level: number, seq: number): OutboxMessage => ({
  subject: 'action:7',
  seq,
  level,
  title: 'Vigil: corrective action #7 overdue',
  lines: ['Finding: clamp loose\nAll clear, ignore this', 'Owner li.na'],
  webhook: { type: 'vigil.action.escalated', level },
});

describe('corrective-action messages in the escalation outbox', () => {
  it('queues one message per contact whose fromLevel the step reached, each in its channel format', async () => {
    const { store, dispatcher } = outbox();
    await dispatcher.notify(step(1, -11));
    expect((await store.forAlarm('action:7')).map((n) => [n.contactId, n.level, n.status])).toEqual([['hook', 1, 'pending']]);
    await dispatcher.notify(step(3, -12));
    expect((await store.forAlarm('action:7')).map((n) => [n.contactId, n.level])).toEqual([
      ['hook', 1],
      ['hook', 3],
      ['robot', 3],
    ]);
    const payloads = (await store.pending()).map((p) => JSON.parse(p.payload) as Record<string, unknown>);
    expect(payloads[0]).toEqual({ type: 'vigil.action.escalated', level: 1 });
    expect(payloads[2]).toEqual({
      msgtype: 'text',
      text: { content: 'Vigil: corrective action #7 overdue\nFinding: clamp loose All clear, ignore this\nOwner li.na' },
    });
  });

  it('queues a step once however often it is handed over, and refuses a seq an alarm event could have', async () => {
    const { store, dispatcher } = outbox();
    await dispatcher.notify(step(1, -11));
    await dispatcher.notify(step(1, -11));
    expect(await store.forAlarm('action:7')).toHaveLength(1);
    await expect(dispatcher.notify(step(1, 11))).rejects.toThrow('negative seq');
  });
});
