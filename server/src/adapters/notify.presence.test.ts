/**
 * An escalation message lists the people a hazard alarm's raise found in its zone
 * (docs/contracts.md#presence-in-hazard-zones), in the facility's language; the generic webhook
 * gets the list itself.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmPresence } from '../../../contract/index.ts';
import { FIXTURE_T0 } from '../../../test/support/contract.fixtures.ts';
import { escalationEvent } from '../../../test/support/notify.fixtures.ts';
import { emailPayload, escalationText, webhookPayload } from './notify.formats.ts';

const presence: AlarmPresence = {
  alarmId: 'al_1',
  siteId: 'hq',
  zoneId: 'kitchen',
  at: FIXTURE_T0,
  windowHours: 12,
  people: [
    {
      key: 'person:wang-wei',
      name: 'Wang Wei',
      nameZh: '王伟',
      badge: '••••C3D4',
      siteId: 'hq',
      zoneId: 'kitchen',
      since: FIXTURE_T0 - 60_000,
      doorId: 'KIT-BACK',
    },
    // A name from the facility file cannot forge a line of its own either.
    { key: 'person:li', name: 'Li\nNa', badge: '••••C3D5', siteId: 'hq', zoneId: 'kitchen', since: FIXTURE_T0 - 50_000, doorId: 'KIT-BACK' },
    { key: 'badge:0a1b2c3d', badge: '••••EF99', siteId: 'hq', zoneId: 'kitchen', since: FIXTURE_T0 - 40_000, doorId: 'KIT-BACK' },
  ],
};
const event = { ...escalationEvent(), presence };

describe('people in the zone in an escalation message', () => {
  it('in English: names with their masked badges, unknown badges masked', () => {
    expect(escalationText(event, 'en').lines.at(-1)).toBe(
      'People who badged into this zone in the last 12 h and have not badged out (3): Wang Wei (••••C3D4), Li Na (••••C3D5), ••••EF99',
    );
    expect((JSON.parse(emailPayload(event, 'en')) as { text: string }).text).toContain('Wang Wei (••••C3D4)');
  });

  it('in Chinese, with the Chinese name where the facility file gives one', () => {
    expect(escalationText(event, 'zh').lines.at(-1)).toBe(
      '过去 12 小时内刷卡进入本区域且未刷卡离开的人员（3 人）：王伟 (••••C3D4)、Li Na (••••C3D5)、••••EF99',
    );
  });

  it('nobody in the zone is said; an alarm without a list adds no line', () => {
    expect(escalationText({ ...event, presence: { ...presence, people: [] } }, 'en').lines.at(-1)).toBe(
      'People who badged into this zone in the last 12 h and have not badged out: none',
    );
    expect(escalationText(escalationEvent(), 'en').lines.join('\n')).not.toContain('badged');
  });

  it('the generic webhook carries the list as data', () => {
    expect(JSON.parse(webhookPayload(event))).toMatchObject({
      presence: { zoneId: 'kitchen', people: [{ name: 'Wang Wei' }, { name: 'Li\nNa' }, { badge: '••••EF99' }] },
    });
    expect(JSON.parse(webhookPayload(escalationEvent()))).not.toHaveProperty('presence');
  });
});
