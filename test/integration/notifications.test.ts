// Escalation notifications against real receivers: a local HTTP server answering as the generic
// webhook, DingTalk's, WeCom's and Feishu's robots do (refusals are HTTP 200 with an error code),
// a local SMTP server (smtp-server) for e-mail, and a restart of the dispatcher over the same
// SQLite files: a pending notification is delivered after the restart, exactly once. (The outbox
// on PostgreSQL, and several dispatchers sharing it, in store.notifications.test.ts.)
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpSender } from '../../server/src/adapters/notify.email.ts';
import { openDatabase, type SqliteDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import type { SqlNotificationStore } from '../../server/src/adapters/sql.notifications.ts';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import { systemScheduler } from '../../server/src/services/clock.ts';
import { NotificationDispatcher, type DispatcherDeps } from '../../server/src/services/notification.dispatcher.ts';
import type { ResolvedContact } from '../../server/src/services/notification.ports.ts';
import { escalationEvent } from '../support/notify.fixtures.ts';
import { queuedOutbox } from '../support/notify.outbox.ts';
import { eventually } from '../support/vigil.ts';

interface Received {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A loopback HTTP receiver; `answer` gives the status and JSON body for each request. */
async function receiver(answer: (r: Received, count: number) => [number, unknown]): Promise<{ base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r: Received = { path: url.pathname, query: url.searchParams, headers: req.headers, body: JSON.parse(text) as Record<string, unknown> };
      received.push(r);
      const [status, body] = answer(r, received.length);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function database(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-notify-it-'))): { db: SqliteDatabase; sql: SqliteSql; dir: string } {
  const db = openDatabase(dir, MIGRATIONS);
  cleanup.push(() => {
    if (db.open) db.close();
  });
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { db, sql: new SqliteSql(db), dir };
}

function dispatcher(
  sql: SqliteSql,
  contacts: ResolvedContact[],
  smtp: SmtpSender | null = null,
  overrides: Partial<Pick<DispatcherDeps, 'settings' | 'backoff'>> = {},
): { d: NotificationDispatcher; store: SqlNotificationStore } {
  const { dispatcher: d, store } = queuedOutbox(sql, contacts, {
    smtp,
    scheduler: systemScheduler,
    settings: { giveUpAfterS: 60, maxAttempts: 5 },
    // Short waits: the test watches retries happen, not the production schedule.
    backoff: { initialMs: 50, factor: 2, maxMs: 200 },
    ...overrides,
  });
  cleanup.push(() => d.stop());
  return { d, store };
}

/** The Subject header of a raw message, its RFC 2047 Q-encoded words decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  return header.replace(/\r?\n[ \t]/g, ' ').replace(/=\?UTF-8\?Q\?(.*?)\?=\s*/gi, (_m, word: string) =>
    Buffer.from(
      word.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_e, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8'),
  );
}

const finished = (store: SqlNotificationStore, alarmId: string, count: number) => async () => {
  const list = await store.forAlarm(alarmId);
  return list.length === count && list.every((n) => n.status !== 'pending') ? list : null;
};

describe('escalation channels against local receivers', () => {
  it('DingTalk (signed), WeCom and Feishu (signed) robots and the generic webhook get their documented formats', async () => {
    const dingSecret = 'SECdingtalk0123456789';
    const feishuSecret = 'feishu-secret-0123';
    const hook = await receiver((r) => {
      if (r.path === '/robot/send') {
        // As DingTalk does: a bad signature is HTTP 200 with errcode 310000.
        const ts = r.query.get('timestamp') ?? '';
        const expected = createHmac('sha256', dingSecret).update(`${ts}\n${dingSecret}`).digest('base64');
        return [200, r.query.get('sign') === expected ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: 'sign not match' }];
      }
      if (r.path === '/cgi-bin/webhook/send') return [200, { errcode: 0, errmsg: 'ok' }];
      if (r.path.startsWith('/open-apis/bot/v2/hook/')) {
        const ts = String(r.body.timestamp);
        const expected = createHmac('sha256', `${ts}\n${feishuSecret}`).update('').digest('base64');
        return [200, r.body.sign === expected ? { code: 0, msg: 'success', data: {} } : { code: 19021, msg: 'sign match fail' }];
      }
      return [204, {}];
    });
    const contacts: ResolvedContact[] = [
      {
        id: 'ding',
        name: 'DingTalk',
        channel: 'dingtalk',
        fromLevel: 1,
        url: `${hook.base}/robot/send?access_token=tok`,
        secret: dingSecret,
        format: 'markdown',
      },
      { id: 'wecom', name: 'WeCom', channel: 'wecom', fromLevel: 1, url: `${hook.base}/cgi-bin/webhook/send?key=k1`, format: 'text' },
      { id: 'feishu', name: 'Feishu', channel: 'feishu', fromLevel: 1, url: `${hook.base}/open-apis/bot/v2/hook/h1`, secret: feishuSecret },
      { id: 'hook', name: 'Webhook', channel: 'webhook', fromLevel: 1, url: `${hook.base}/vigil` },
      // Takes supervisory and trouble signals only: never told of this gas alarm (an alarm signal).
      { id: 'contractor', name: 'Contractor', channel: 'webhook', fromLevel: 1, classes: ['supervisory', 'trouble'], url: `${hook.base}/contractor` },
    ];
    const { sql } = database();
    const { d, store } = dispatcher(sql, contacts);
    d.start();
    await sql.transaction(() => d.escalated(escalationEvent({ alarmId: 'al_7', level: 1 })));
    const list = await eventually(finished(store, 'al_7', 4), 10_000, 'four notifications finished');

    expect(list.map((n) => [n.contactId, n.status, n.attempts.length])).toEqual([
      ['ding', 'delivered', 1],
      ['wecom', 'delivered', 1],
      ['feishu', 'delivered', 1],
      ['hook', 'delivered', 1],
    ]);
    expect(hook.received.some((r) => r.path === '/contractor')).toBe(false);
    // Shown without the robots' tokens.
    expect(list.map((n) => n.target)).toEqual([
      `${hook.base.slice(7)}/robot/send`,
      `${hook.base.slice(7)}/cgi-bin/webhook/send`,
      `${hook.base.slice(7)}/open-apis/bot/v2/hook/h1`,
      `${hook.base.slice(7)}/vigil`,
    ]);
    const by = (p: string) => hook.received.find((r) => r.path.startsWith(p))!;
    expect(by('/robot/send').query.get('access_token')).toBe('tok');
    expect(by('/robot/send').body).toMatchObject({ msgtype: 'markdown', markdown: { title: expect.stringMatching(/^Vigil escalation level 1/) as unknown } });
    expect(by('/cgi-bin').body).toMatchObject({ msgtype: 'text', text: { content: expect.stringContaining('Alarm al_7') as unknown } });
    expect(by('/open-apis').body).toMatchObject({ msg_type: 'text', content: { text: expect.stringContaining('Alarm al_7') as unknown } });
    expect(by('/vigil').body).toMatchObject({ type: 'vigil.alarm.escalated', level: 1, alarm: { id: 'al_7' } });
    expect(by('/vigil').headers['idempotency-key']).toBe(`vigil-notification-${list[3]!.id}`);
  });

  it('a robot that answers 200 with an error code is not a delivery: retried, recorded, then failed', async () => {
    const hook = await receiver(() => [200, { errcode: 310000, errmsg: 'keywords not in content' }]);
    const { sql } = database();
    const { d, store } = dispatcher(sql, [{ id: 'ding', name: 'DingTalk', channel: 'dingtalk', fromLevel: 1, url: `${hook.base}/robot/send?access_token=t` }]);
    d.start();
    await sql.transaction(() => d.escalated(escalationEvent({ alarmId: 'al_8' })));
    const [n] = await eventually(finished(store, 'al_8', 1), 10_000, 'notification given up');
    expect(n).toMatchObject({ status: 'failed' });
    expect(n!.attempts).toHaveLength(5);
    expect(n!.attempts[0]).toMatchObject({
      ok: false,
      status: 200,
      error: 'errcode 310000: keywords not in content',
      reply: '{"errcode":310000,"errmsg":"keywords not in content"}',
    });
    expect(hook.received).toHaveLength(5);
  });

  it('a receiver nobody listens on (the demo contact): each refused attempt is recorded with its reason, nothing throws', async () => {
    // A port just closed: connecting is refused, as for the demo facility's webhook.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { sql } = database();
    const { d, store } = dispatcher(sql, [{ id: 'ops', name: 'Ops', channel: 'webhook', fromLevel: 1, url: `http://127.0.0.1:${port}/vigil-escalations` }]);
    d.start();
    await sql.transaction(() => d.escalated(escalationEvent({ alarmId: 'al_12' })));
    const [n] = await eventually(finished(store, 'al_12', 1), 10_000, 'notification given up');
    expect(n).toMatchObject({ status: 'failed', target: `127.0.0.1:${port}/vigil-escalations` });
    expect(n!.attempts).toHaveLength(5);
    expect(n!.attempts.every((a) => !a.ok && a.status === null && a.error === 'ECONNREFUSED')).toBe(true);
  });

  it('e-mail through SMTP: delivered with the server reply recorded; a 550 refusal is final', async () => {
    const mails: { from: string; to: string[]; data: string; user: string | undefined }[] = [];
    const smtpServer = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _session, cb) => (auth.username === 'vigil' && auth.password === 'pw' ? cb(null, { user: 'vigil' }) : cb(new Error('bad credentials'))),
      onRcptTo: (address, _session, cb) =>
        address.address.endsWith('@refused.example') ? cb(Object.assign(new Error('no such user'), { responseCode: 550 })) : cb(),
      onData: (stream, session, cb) => {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtpServer.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => smtpServer.close(() => resolve())));
    const port = (smtpServer.server.address() as AddressInfo).port;
    const smtp = new SmtpSender(`smtp://vigil:pw@127.0.0.1:${port}`, 'vigil@site.example');
    cleanup.push(() => smtp.close());

    const { sql } = database();
    const { d, store } = dispatcher(
      sql,
      [
        { id: 'director', name: 'Director', channel: 'email', fromLevel: 1, to: ['director@site.example'] },
        { id: 'nobody', name: 'Nobody', channel: 'email', fromLevel: 1, to: ['nobody@refused.example'] },
      ],
      smtp,
    );
    d.start();
    await sql.transaction(() => d.escalated(escalationEvent({ alarmId: 'al_9', level: 2 })));
    const [ok, refused] = await eventually(finished(store, 'al_9', 2), 10_000, 'both e-mails finished');

    expect(ok).toMatchObject({ status: 'delivered', target: 'director@site.example', attempts: [{ n: 1, ok: true, status: 250 }] });
    expect(ok!.attempts[0]!.reply).toMatch(/^250 /);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'vigil@site.example', to: ['director@site.example'], user: 'vigil' });
    expect(subjectOf(mails[0]!.data)).toBe('Vigil escalation level 2: CRITICAL Gas 23 %LEL ≥ high 20 at Kitchen gas detector');
    expect(mails[0]!.data).toContain('Alarm al_9');
    expect(refused).toMatchObject({ status: 'failed', attempts: [{ n: 1, ok: false, status: 550 }] });
  });
});

describe('the outbox across a restart', () => {
  it('delivers a notification enqueued before a stop exactly once after the next start', async () => {
    const hook = await receiver(() => [200, { errcode: 0, errmsg: 'ok' }]);
    const contacts: ResolvedContact[] = [{ id: 'wecom', name: 'WeCom', channel: 'wecom', fromLevel: 1, url: `${hook.base}/cgi-bin/webhook/send?key=k` }];
    const first = database();
    // Stopped before it could send: the escalation is committed with its notification, nothing is sent.
    const before = dispatcher(first.sql, contacts);
    await first.sql.transaction(() => before.d.escalated(escalationEvent({ alarmId: 'al_10' })));
    await before.d.stop();
    first.db.close();
    expect(hook.received).toHaveLength(0);

    const second = database(first.dir);
    const after = dispatcher(second.sql, contacts);
    after.d.start();
    const [n] = await eventually(finished(after.store, 'al_10', 1), 10_000, 'delivered after the restart');
    expect(n).toMatchObject({ status: 'delivered', attempts: [{ n: 1, ok: true, status: 200 }] });
    await after.d.stop();
    second.db.close();

    // A third start finds nothing pending and sends nothing.
    const third = database(first.dir);
    const again = dispatcher(third.sql, contacts);
    again.d.start();
    expect(await again.store.pending()).toEqual([]);
    expect(again.d.activeCount).toBe(0);
    expect(hook.received).toHaveLength(1);
  });

  it('resumes one that was between retries when the server stopped, counting the attempts made before', async () => {
    const hook = await receiver((_r, count) => (count === 1 ? [503, { error: 'restarting' }] : [204, {}]));
    const contacts: ResolvedContact[] = [{ id: 'hook', name: 'Webhook', channel: 'webhook', fromLevel: 1, url: `${hook.base}/vigil` }];
    const first = database();
    const { d: before, store } = dispatcher(first.sql, contacts, null, {
      settings: { giveUpAfterS: 600, maxAttempts: 5 },
      // A long wait: the stop comes while the retry is waiting.
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    before.start();
    await first.sql.transaction(() => before.escalated(escalationEvent({ alarmId: 'al_11' })));
    await eventually(async () => (await store.forAlarm('al_11'))[0]?.nextAttemptAt, 10_000, 'first attempt failed, retry scheduled');
    await before.stop();
    first.db.close();

    const second = database(first.dir);
    const after = dispatcher(second.sql, contacts);
    after.d.start();
    const [n] = await eventually(finished(after.store, 'al_11', 1), 10_000, 'delivered after the restart');
    expect(n!.attempts.map((a) => [a.n, a.ok, a.status])).toEqual([
      [1, false, 503],
      [2, true, 204],
    ]);
    expect(hook.received).toHaveLength(2);
    // The same key both times: a receiver can tell a resend from a new escalation.
    expect(new Set(hook.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });
});
