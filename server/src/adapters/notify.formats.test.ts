// The escalation channels' wire formats against their documentation: DingTalk's and WeCom's group
// robots (`msgtype` text/markdown, `errcode`), Feishu's custom bot (`msg_type`, `code`), DingTalk's
// and Feishu's signatures. The expected signatures were computed independently with openssl:
//   printf '%s\n%s' "$TS" "$SECRET" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64          (DingTalk)
//   printf '' | openssl dgst -sha256 -hmac "$(printf '%s\n%s' "$TS" "$SECRET")" -binary | base64    (Feishu)
import { describe, expect, it } from 'vitest';
import { FakeClock, Harness, alarmEvents, makeSensor } from '../../../test/support/alarm.fixtures.ts';
import type { ResolvedContact } from '../services/notification.ports.ts';
import { EscalationChannels } from './notify.channels.ts';
import { escalationEvent } from '../../../test/support/notify.fixtures.ts';
import {
  dingtalkSign,
  dingtalkSignedUrl,
  displayTarget,
  emailPayload,
  escalationText,
  feishuPayload,
  feishuSign,
  feishuSignedBody,
  interpretAnswer,
  robotPayload,
  webhookPayload,
} from './notify.formats.ts';

const SECRET = 'SEC000000000000000000000';

describe('signatures', () => {
  it('DingTalk: base64(HMAC-SHA256(secret, timestamp + "\\n" + secret)), URL-encoded into the query', () => {
    expect(dingtalkSign(SECRET, 1_700_000_000_000)).toBe('1zJ/w34EOSVAYr7cu7Vo8LnebmK2/GrCgegtr8mQrqM=');
    const url = new URL(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', SECRET, 1_700_000_000_000));
    expect(url.search).toBe('?access_token=abc&timestamp=1700000000000&sign=1zJ%2Fw34EOSVAYr7cu7Vo8LnebmK2%2FGrCgegtr8mQrqM%3D');
    expect(url.searchParams.get('sign')).toBe(dingtalkSign(SECRET, 1_700_000_000_000));
  });

  it('Feishu: base64(HMAC-SHA256 keyed with timestamp + "\\n" + secret over nothing), timestamp in seconds, in the body', () => {
    expect(feishuSign(SECRET, 1_700_000_000)).toBe('T/Rh7mO9UfAMVq2oLqqH6N/gcjNQWQW4G5Lekc5WAeo=');
    const body = JSON.parse(feishuSignedBody(feishuPayload(escalationEvent()), SECRET, 1_700_000_000_999)) as Record<string, unknown>;
    expect(body).toMatchObject({ timestamp: '1700000000', sign: 'T/Rh7mO9UfAMVq2oLqqH6N/gcjNQWQW4G5Lekc5WAeo=', msg_type: 'text' });
    // Without a secret the body is sent as stored.
    expect(feishuSignedBody('{"msg_type":"text"}', undefined, 0)).toBe('{"msg_type":"text"}');
  });
});

describe('payloads', () => {
  const event = escalationEvent({ level: 2 });
  const { title } = escalationText(event);

  it('names the level, priority and alarm, starting with "Vigil" for robots that filter on a keyword', () => {
    expect(title).toBe('Vigil escalation level 2: CRITICAL Gas 23 %LEL ≥ high 20 at Kitchen gas detector');
    expect(escalationText(event).lines).toEqual([
      'Alarm al_1: Gas 23 %LEL ≥ high 20 at Kitchen gas detector',
      'Priority critical, alarm signal, state active_unacked, raised 2026-11-27T02:00:00.000Z',
      'Site hq, zone kitchen, sensor Kitchen gas detector (KIT-GAS-01)',
      'Escalated at 2026-11-27T02:01:00.000Z to level 2',
    ]);
    expect(escalationText(escalationEvent({ drill: 'dr_1' })).title).toContain('[DRILL]');
  });

  // NFPA 72: a supervisory signal is reported as one, never worded like a fire alarm.
  it('names a supervisory or trouble signal in the title and the facts, in English and Chinese', () => {
    const valve = escalationEvent({ level: 1 });
    valve.alarm = { ...valve.alarm, class: 'supervisory', priority: 'high' };
    expect(escalationText(valve).title).toMatch(/^Vigil escalation level 1: HIGH SUPERVISORY /);
    expect(escalationText(valve).lines[1]).toMatch(/^Priority high, supervisory signal, /);
    expect(escalationText(valve, 'zh').title).toMatch(/：高 监管信号 /);
    expect(escalationText(valve, 'zh').lines[1]).toMatch(/^优先级 高，监管信号，/);
  });

  it('DingTalk and WeCom text: {"msgtype":"text","text":{"content":…}}', () => {
    for (const channel of ['dingtalk', 'wecom'] as const) {
      const p = JSON.parse(robotPayload(channel, 'text', event)) as { msgtype: string; text: { content: string } };
      expect(p.msgtype).toBe('text');
      expect(p.text.content.split('\n')[0]).toBe(title);
      expect(p.text.content).toContain('Alarm al_1');
    }
  });

  it('markdown: DingTalk wants {title, text}, WeCom {content}', () => {
    expect(JSON.parse(robotPayload('dingtalk', 'markdown', event))).toEqual({
      msgtype: 'markdown',
      markdown: { title, text: expect.stringMatching(/^### Vigil escalation level 2/) as unknown },
    });
    expect(JSON.parse(robotPayload('wecom', 'markdown', event))).toEqual({
      msgtype: 'markdown',
      markdown: { content: expect.stringMatching(/^### Vigil escalation level 2[^]*\n- Alarm al_1/) as unknown },
    });
  });

  it('Feishu: {"msg_type":"text","content":{"text":…}}; e-mail: subject and text; webhook: the event', () => {
    expect(JSON.parse(feishuPayload(event))).toEqual({ msg_type: 'text', content: { text: expect.stringContaining(title) as unknown } });
    expect(JSON.parse(emailPayload(event))).toEqual({ subject: title, text: expect.stringContaining('Alarm al_1') as unknown });
    expect(JSON.parse(webhookPayload(event))).toMatchObject({ type: 'vigil.alarm.escalated', seq: 9, level: 2, alarm: { id: 'al_1' } });
  });

  // An alarm's message ends with what the device said (an event's `detail`, up to 512 characters
  // from MQTT or HTTP): its line breaks must not forge lines of their own in the duty group's
  // chat or the e-mail — a fake "### All clear" heading, a fake "Escalated at" line.
  it("the device's words stay on their own line in every channel", () => {
    const event = escalationEvent();
    event.alarm.message = 'Device fault at Kitchen gas (x\n### All clear: ignore this alarm\r\n- Escalated at never\u2028\u0085end)';
    event.alarm.sensorName = 'Kitchen\ngas';
    const { title, lines } = escalationText(event);
    for (const line of [title, ...lines]) expect(line).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
    const md = (JSON.parse(robotPayload('dingtalk', 'markdown', event)) as { markdown: { text: string } }).markdown.text;
    expect(md.split('\n')).toHaveLength(2 + lines.length);
    expect(md).not.toMatch(/^### All clear/m);
    const mail = JSON.parse(emailPayload(event)) as { subject: string; text: string };
    expect(mail.subject).not.toMatch(/\n/);
    expect(mail.text.trimEnd().split('\n')).toHaveLength(1 + lines.length);
  });

  it('shows where a robot message goes without its token', () => {
    const target = displayTarget({ id: 'd', name: 'd', channel: 'dingtalk', fromLevel: 1, url: 'https://oapi.dingtalk.com/robot/send?access_token=SECRET' });
    expect(target).toBe('oapi.dingtalk.com/robot/send');
    expect(displayTarget({ id: 'm', name: 'm', channel: 'email', fromLevel: 1, to: ['a@example.com', 'b@example.com'] })).toBe('a@example.com, b@example.com');
  });
});

describe('answers', () => {
  it('a robot that answers 200 with errcode ≠ 0 has refused the message', () => {
    expect(interpretAnswer('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}')).toMatchObject({ ok: true, status: 200 });
    expect(interpretAnswer('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toMatchObject({
      ok: false,
      status: 200,
      error: 'errcode 310000: sign not match',
      reply: '{"errcode":310000,"errmsg":"sign not match"}',
    });
    expect(interpretAnswer('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toMatchObject({
      ok: false,
      error: 'errcode 93000: invalid webhook url',
    });
    expect(interpretAnswer('wecom', 200, 'ok')).toMatchObject({ ok: false, error: 'the answer is not JSON' });
    expect(interpretAnswer('wecom', 200, '{}')).toMatchObject({ ok: false, error: 'no errcode in the answer' });
  });

  it('Feishu: code 0 (or the older StatusCode 0) is a delivery, anything else is not', () => {
    expect(interpretAnswer('feishu', 200, '{"code":0,"msg":"success","data":{}}')).toMatchObject({ ok: true });
    expect(interpretAnswer('feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}')).toMatchObject({ ok: true });
    expect(interpretAnswer('feishu', 200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}')).toMatchObject({
      ok: false,
      error: 'code 19021: sign match fail or timestamp is not within one hour from current time',
    });
  });

  it('the generic webhook: any 2xx; 4xx other than 408/429 will not get better by asking again', () => {
    expect(interpretAnswer('webhook', 204, '')).toEqual({ ok: true, status: 204, reply: null, error: null });
    expect(interpretAnswer('webhook', 503, 'busy')).toMatchObject({ ok: false, status: 503, permanent: false });
    expect(interpretAnswer('webhook', 404, '')).toMatchObject({ ok: false, status: 404, permanent: true });
    expect(interpretAnswer('webhook', 429, '')).toMatchObject({ ok: false, permanent: false });
    expect(interpretAnswer('dingtalk', 502, '')).toMatchObject({ ok: false, error: 'HTTP 502' });
  });
});

const EMAIL: ResolvedContact = { id: 'duty', name: 'Duty manager', channel: 'email', to: ['duty@example.com'], fromLevel: 1 };

describe('the alarm in a notification', () => {
  it('is worded in the facility language: the message the engine rendered from its key', () => {
    // A facility that writes Chinese (facility.language: zh) is told of its alarms in Chinese.
    const h = new Harness({ sensors: [makeSensor('gas', { nameZh: '厨房燃气' })], language: 'zh' });
    h.at(0).reading('GAS-01', 25);
    const escalated = alarmEvents(h.at(61_000).tick()).find((e) => e.kind === 'escalated')!;
    const { title, lines } = escalationText({ ...escalated, seq: 1 }, 'zh');
    expect(title).toBe('Vigil 报警升级第 1 级：紧急 厨房燃气：燃气浓度 25 %LEL（≥ 高限 20）');
    expect(lines[0]).toBe(`报警 ${escalated.alarmId}：厨房燃气：燃气浓度 25 %LEL（≥ 高限 20）`);
    // The channels word it so: the e-mail a Chinese facility is sent.
    const email = JSON.parse(new EscalationChannels(new FakeClock(), null, undefined, 'zh').payload(EMAIL, { ...escalated, seq: 1 })) as { subject: string };
    expect(email.subject).toBe(title);
    // An English facility's message from the same key.
    expect(escalationText({ ...escalated, seq: 1 }, 'en').title).toBe('Vigil escalation level 1: CRITICAL Gas 25 %LEL at gas sensor GAS-01 (≥ high 20)');
  });
});
