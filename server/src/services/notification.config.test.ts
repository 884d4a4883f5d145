// Escalation contacts are checked at start: a contact whose secret variable is unset, e-mail
// without SMTP_URL or an id used twice stops the server with every problem named at once.
import { describe, expect, it } from 'vitest';
import { escalationSchema } from '../../../contract/index.ts';
import { ContactsError, resolveContacts } from './notification.config.ts';

const settings = (contacts: unknown[]) => escalationSchema.parse({ contacts });

describe('resolveContacts', () => {
  it('reads URLs and secrets from the variables the facility file names, and adds WEBHOOK_URLS', () => {
    const contacts = resolveContacts(
      settings([
        { id: 'ding', channel: 'dingtalk', urlEnv: 'DING_URL', secretEnv: 'DING_SECRET', format: 'markdown' },
        { id: 'boss', channel: 'email', to: ['boss@example.com'], fromLevel: 2 },
      ]),
      { WEBHOOK_URLS: ['http://127.0.0.1:9/hook'], SMTP_URL: 'smtp://127.0.0.1:2525' },
      { DING_URL: 'https://oapi.dingtalk.com/robot/send?access_token=t', DING_SECRET: 'SECabc' },
    );
    expect(contacts).toEqual([
      {
        id: 'ding',
        name: 'ding',
        channel: 'dingtalk',
        fromLevel: 1,
        url: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        secret: 'SECabc',
        format: 'markdown',
      },
      { id: 'boss', name: 'boss', channel: 'email', fromLevel: 2, to: ['boss@example.com'] },
      { id: 'webhook-urls-1', name: 'WEBHOOK_URLS 1', channel: 'webhook', fromLevel: 1, url: 'http://127.0.0.1:9/hook' },
    ]);
  });

  it('names every problem: unset variables, a bad URL, e-mail without SMTP_URL, a repeated id', () => {
    let error: unknown;
    try {
      resolveContacts(
        settings([
          { id: 'ding', channel: 'dingtalk', urlEnv: 'DING_URL', secretEnv: 'DING_SECRET' },
          { id: 'wecom', channel: 'wecom', urlEnv: 'WECOM_URL' },
          { id: 'boss', channel: 'email', to: ['boss@example.com'] },
          { id: 'boss', channel: 'webhook', url: 'http://127.0.0.1:9/x' },
        ]),
        { WEBHOOK_URLS: [] },
        { WECOM_URL: 'not a url' },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ContactsError);
    expect((error as ContactsError).problems).toEqual([
      'escalation.contacts ding: urlEnv names DING_URL, which is not set',
      'escalation.contacts ding: secretEnv names DING_SECRET, which is not set',
      'escalation.contacts wecom: WECOM_URL must be an http(s) URL',
      'escalation.contacts boss: e-mail needs SMTP_URL (smtp://user:password@host:port)',
      'escalation.contacts boss: the id is used twice',
    ]);
  });

  it('the facility file refuses a URL given both ways, or neither', () => {
    const twice = escalationSchema.safeParse({ contacts: [{ id: 'w', channel: 'wecom', url: 'https://x.example/', urlEnv: 'X' }] });
    const neither = escalationSchema.safeParse({ contacts: [{ id: 'w', channel: 'feishu' }] });
    expect(twice.success || neither.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toMatch(/exactly one of url and urlEnv/);
    expect(neither.error?.issues[0]?.message).toMatch(/exactly one of url and urlEnv/);
  });
});
