/**
 * Requirement: the alarm shows who was notified, when, and the result. Each escalation message is
 * listed with its contact, channel, target and status, and every attempt with the receiver's code
 * and error; a message still being sent shows when it is tried next.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AlarmNotification } from '../../../contract/notification.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import { NotificationEntries } from './NotificationsList.tsx';

const T = Date.UTC(2026, 10, 27, 2, 1, 0);
const notifications: AlarmNotification[] = [
  {
    id: 1,
    alarmId: 'al_1',
    level: 1,
    contactId: 'duty',
    contactName: 'Duty group',
    channel: 'dingtalk',
    target: 'oapi.dingtalk.com/robot/send',
    status: 'delivered',
    createdAt: T,
    finishedAt: T + 2000,
    nextAttemptAt: null,
    attempts: [
      { n: 1, at: T, ok: false, status: 200, reply: '{"errcode":130101,"errmsg":"send too fast"}', error: 'errcode 130101: send too fast' },
      { n: 2, at: T + 2000, ok: true, status: 200, reply: '{"errcode":0,"errmsg":"ok"}', error: null },
    ],
  },
  {
    id: 2,
    alarmId: 'al_1',
    level: 1,
    contactId: 'ops',
    contactName: 'Operations webhook',
    channel: 'webhook',
    target: '127.0.0.1:65535/vigil-escalations',
    status: 'pending',
    createdAt: T,
    finishedAt: null,
    nextAttemptAt: T + 6000,
    attempts: [{ n: 1, at: T, ok: false, status: null, reply: null, error: 'ECONNREFUSED' }],
  },
];

function render(locale: Locale): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'UTC')}>
      <NotificationEntries notifications={notifications} />
    </I18nContext.Provider>,
  );
}

describe('NotificationEntries', () => {
  it('shows each message with its contact, status and every attempt with the answer', () => {
    const html = render('en');
    expect(html).toContain('Level 1 → Duty group · Delivered');
    expect(html).toContain('DingTalk oapi.dingtalk.com/robot/send');
    expect(html).toContain('Attempt 1: failed · code 200 · errcode 130101: send too fast');
    expect(html).toContain('Attempt 2: delivered · code 200');
    expect(html).toContain('Level 1 → Operations webhook · Sending');
    expect(html).toContain('Attempt 1: failed · ECONNREFUSED');
    expect(html).toMatch(/Next attempt [^<]*02:01:06/);
    expect(html.match(/data-notification-status="(\w+)"/g)).toEqual(['data-notification-status="delivered"', 'data-notification-status="pending"']);
  });

  it('in Chinese', () => {
    const html = render('zh');
    expect(html).toContain('第 1 级 → Duty group · 已送达');
    expect(html).toContain('钉钉 oapi.dingtalk.com/robot/send');
    expect(html).toContain('第 1 次尝试：失败 · ECONNREFUSED');
  });
});
