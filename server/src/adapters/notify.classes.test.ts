// Escalation by NFPA 72 signal class (docs/contracts.md#escalation-notifications): a contact that names
// the classes it receives is told only about alarms of those classes — the sprinkler contractor
// gets the closed valve (supervisory) and the pump fault (trouble), the fire brigade liaison only
// the fire (alarm) — and a contact that names none is told about every class. Messages that are
// not about an alarm (an overdue corrective action) reach every contact whose level they reached.
import { describe, expect, it } from 'vitest';
import { escalationContactSchema, type AlarmClass } from '../../../contract/index.ts';
import { escalationEvent } from '../../../test/support/notify.fixtures.ts';
import { queuedOutbox } from '../../../test/support/notify.outbox.ts';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqliteSql } from './sql.sqlite.ts';
import { resolveContacts } from '../services/notification.config.ts';
import type { ResolvedContact } from '../services/notification.ports.ts';

const open = tempDatabases('vigil-class-outbox-');
const CONTACTS: ResolvedContact[] = [
  { id: 'duty', name: 'Duty manager', channel: 'webhook', fromLevel: 1, url: 'http://127.0.0.1:9/duty' },
  { id: 'contractor', name: 'Sprinkler contractor', channel: 'webhook', fromLevel: 1, classes: ['supervisory', 'trouble'], url: 'http://127.0.0.1:9/c' },
  { id: 'brigade', name: 'Fire brigade liaison', channel: 'webhook', fromLevel: 1, classes: ['alarm'], url: 'http://127.0.0.1:9/b' },
];

const outbox = () => queuedOutbox(new SqliteSql(open().db), CONTACTS);

const escalated = (alarmId: string, cls: AlarmClass, seq: number) => {
  const e = escalationEvent({ alarmId, seq });
  return { ...e, alarm: { ...e.alarm, class: cls } };
};

describe('escalation contacts by signal class', () => {
  it('tells each contact only about the classes it names, and a contact naming none about all', async () => {
    const { store, dispatcher } = outbox();
    await dispatcher.escalated(escalated('al_fire', 'alarm', 1));
    await dispatcher.escalated(escalated('al_valve', 'supervisory', 2));
    await dispatcher.escalated(escalated('al_pump', 'trouble', 3));
    const told = async (alarmId: string) => (await store.forAlarm(alarmId)).map((n) => n.contactId);
    expect(await told('al_fire')).toEqual(['duty', 'brigade']);
    expect(await told('al_valve')).toEqual(['duty', 'contractor']);
    expect(await told('al_pump')).toEqual(['duty', 'contractor']);
  });

  it('sends a message that is not about an alarm to every contact its level reached', async () => {
    const { store, dispatcher } = outbox();
    await dispatcher.notify({ subject: 'action:3', seq: -3, level: 1, title: 'overdue', lines: [], webhook: {} });
    expect((await store.forAlarm('action:3')).map((n) => n.contactId)).toEqual(['duty', 'contractor', 'brigade']);
  });

  it('reads classes from the facility file: optional, at least one, only the three NFPA 72 classes', () => {
    const contact = { id: 'contractor', channel: 'webhook', url: 'https://hooks.example/c' };
    const parsed = escalationContactSchema.parse({ ...contact, classes: ['supervisory', 'trouble'] });
    const [resolved] = resolveContacts({ contacts: [parsed], giveUpAfterS: 1800, maxAttempts: 10 }, { WEBHOOK_URLS: [] }, {});
    expect(resolved!.classes).toEqual(['supervisory', 'trouble']);
    expect(escalationContactSchema.parse(contact)).not.toHaveProperty('classes');
    expect(escalationContactSchema.safeParse({ ...contact, classes: [] }).success).toBe(false);
    expect(escalationContactSchema.safeParse({ ...contact, classes: ['fire'] }).success).toBe(false);
  });
});
