/**
 * The wire formats of the escalation channels: what each receiver is sent, how DingTalk and Feishu
 * requests are signed, and how each one's answer is read. DingTalk, WeCom and Feishu answer
 * HTTP 200 even when they refuse a message; the refusal is an error code in the body
 * (`errcode` / `code` ≠ 0), so a 200 alone is not a delivery. docs/contracts.md lists the formats.
 */
import { createHmac } from 'node:crypto';
import { alarmMessageIn, type AlarmEvent, type AlarmPresence, type TextLanguage } from '../../../contract/index.ts';
import type { DeliveryResult, ResolvedContact } from '../services/notification.ports.ts';
import { presenceLine } from './notify.presence.ts';

/** `presence`: who the alarm's raise found in its zone (services/presence.service.ts), for hazard alarms. */
export type EscalationEvent = AlarmEvent & { subject: 'alarm'; presence?: AlarmPresence };

/**
 * An alarm's message ends with what the device said (an event's `detail`): its line breaks and
 * other control characters become spaces, so it cannot forge lines (a heading, an "all clear") of
 * its own in a chat or an e-mail.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it removes
export const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');

type Frame = Record<'title' | 'alarm' | 'facts' | 'where' | 'escalated' | 'drill', (a: FrameArgs) => string>;
interface FrameArgs {
  a: EscalationEvent['alarm'];
  level: number;
  message: string;
  sensorName: string;
  at: string;
}
const iso = (ms: number): string => new Date(ms).toISOString();
const PRIORITY_ZH = { critical: '紧急', high: '高', medium: '中', low: '低' } as const;
// NFPA 72 signal classes: a supervisory or trouble message says so, so nobody reads a closed valve as a fire.
const CLASS_ZH = { alarm: '报警', supervisory: '监管', trouble: '故障' } as const;
const classTitle = (a: FrameArgs['a'], word: string): string => (a.class === 'alarm' ? '' : ` ${word}`);
const STATE_ZH = { active_unacked: '未确认', active_acked: '已确认', cleared_unacked: '已恢复，未确认', cleared: '已清除' } as const;

/** The words around the alarm's message, in the facility's language (the message itself is already in it). */
const FRAMES: Record<TextLanguage, Frame> = {
  en: {
    title: (f) =>
      `Vigil escalation level ${f.level}${f.a.drill ? ' [DRILL]' : ''}: ${f.a.priority.toUpperCase()}${classTitle(f.a, f.a.class.toUpperCase())} ${f.message}`,
    alarm: (f) => `Alarm ${f.a.id}: ${f.message}`,
    facts: (f) => `Priority ${f.a.priority}, ${f.a.class} signal, state ${f.a.state}, raised ${iso(f.a.raisedAt)}`,
    where: (f) => `Site ${f.a.siteId}, zone ${f.a.zoneId}, sensor ${f.sensorName} (${f.a.sensorId})`,
    escalated: (f) => `Escalated at ${f.at} to level ${f.level}`,
    drill: (f) => `This is a drill (${f.a.drill}).`,
  },
  zh: {
    title: (f) =>
      `Vigil 报警升级第 ${f.level} 级${f.a.drill ? '【演练】' : ''}：${PRIORITY_ZH[f.a.priority]}${classTitle(f.a, `${CLASS_ZH[f.a.class]}信号`)} ${f.message}`,
    alarm: (f) => `报警 ${f.a.id}：${f.message}`,
    facts: (f) => `优先级 ${PRIORITY_ZH[f.a.priority]}，${CLASS_ZH[f.a.class]}信号，状态 ${STATE_ZH[f.a.state]}，报警时间 ${iso(f.a.raisedAt)}`,
    where: (f) => `园区 ${f.a.siteId}，区域 ${f.a.zoneId}，传感器 ${f.sensorName}（${f.a.sensorId}）`,
    escalated: (f) => `${f.at} 升级至第 ${f.level} 级`,
    drill: (f) => `这是一次演练（${f.a.drill}）。`,
  },
};

/**
 * The words of a message, for every channel, in the facility's language. Starts with "Vigil":
 * robots with a keyword filter can use it.
 */
export function escalationText(event: EscalationEvent, lang: TextLanguage = 'en'): { title: string; lines: string[] } {
  const a = event.alarm;
  // The message as rendered from its key in this language; an alarm stored before keys keeps its own.
  const f: FrameArgs = {
    a,
    level: event.level ?? a.escalationLevel,
    message: oneLine(alarmMessageIn(a, lang)),
    sensorName: oneLine(a.sensorName),
    at: iso(event.at),
  };
  const frame = FRAMES[lang];
  const title = frame.title(f);
  const lines = [frame.alarm(f), frame.facts(f), frame.where(f), frame.escalated(f)];
  if (a.drill) lines.push(frame.drill(f));
  if (event.presence) lines.push(oneLine(presenceLine(event.presence, lang)));
  return { title, lines };
}

/** The generic webhook body: the escalation event as JSON. */
export function webhookPayload(event: EscalationEvent): string {
  return JSON.stringify({
    type: 'vigil.alarm.escalated',
    seq: event.seq,
    at: new Date(event.at).toISOString(),
    level: event.level ?? null,
    alarm: event.alarm,
    ...(event.presence && { presence: event.presence }),
  });
}

/**
 * Words from people and devices (a finding, a reason, a device's detail) shown as words: their
 * brackets and angle brackets in full width, so no link, image or HTML tag reaches the chat group
 * as if Vigil had sent it.
 */
const inert = (s: string): string => s.replace(/[[\]<>]/g, (c) => ({ '[': '［', ']': '］', '<': '＜', '>': '＞' })[c]!);

function markdown(title: string, lines: string[]): string {
  return [`### ${inert(title)}`, '', ...lines.map((l) => `- ${inert(l)}`)].join('\n');
}
const plain = (title: string, lines: string[]): string => [title, ...lines].join('\n');

/** DingTalk and WeCom robots share `msgtype` with a text or markdown part; DingTalk's markdown also wants a title. */
export function robotPayload(channel: 'dingtalk' | 'wecom', format: 'text' | 'markdown', event: EscalationEvent, lang: TextLanguage = 'en'): string {
  const { title, lines } = escalationText(event, lang);
  return robotMessage(channel, format, title, lines);
}

/** A robot's message of any title and lines (an escalation, an overdue corrective action). */
export function robotMessage(channel: 'dingtalk' | 'wecom', format: 'text' | 'markdown', title: string, lines: string[]): string {
  if (format === 'text') return JSON.stringify({ msgtype: 'text', text: { content: plain(title, lines) } });
  if (channel === 'dingtalk') return JSON.stringify({ msgtype: 'markdown', markdown: { title, text: markdown(title, lines) } });
  return JSON.stringify({ msgtype: 'markdown', markdown: { content: markdown(title, lines) } });
}

export function feishuPayload(event: EscalationEvent, lang: TextLanguage = 'en'): string {
  const { title, lines } = escalationText(event, lang);
  return feishuMessage(title, lines);
}

export const feishuMessage = (title: string, lines: string[]): string => JSON.stringify({ msg_type: 'text', content: { text: plain(title, lines) } });

export function emailPayload(event: EscalationEvent, lang: TextLanguage = 'en'): string {
  const { title, lines } = escalationText(event, lang);
  return emailMessage(title, lines);
}

export const emailMessage = (title: string, lines: string[]): string => JSON.stringify({ subject: title, text: `${plain(title, lines)}\n` });

/** DingTalk "加签": base64(HMAC-SHA256 keyed with the secret over `timestamp + "\n" + secret`), timestamp in ms. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The robot URL with `timestamp` and `sign` added as (URL-encoded) query parameters. */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return u.toString();
}

/** Feishu: base64(HMAC-SHA256 keyed with `timestamp + "\n" + secret` over an empty message), timestamp in seconds. */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}

/** The Feishu body with `timestamp` and `sign` added, when the bot has a secret. */
export function feishuSignedBody(payload: string, secret: string | undefined, nowMs: number): string {
  if (!secret) return payload;
  const timestamp = Math.floor(nowMs / 1000);
  return JSON.stringify({ timestamp: String(timestamp), sign: feishuSign(secret, timestamp), ...(JSON.parse(payload) as object) });
}

/** Where a message goes, for people: host and path only, since robot URLs carry their token in the query. */
export function displayTarget(contact: ResolvedContact): string {
  if (contact.channel === 'email') return (contact.to ?? []).join(', ');
  try {
    const u = new URL(contact.url ?? '');
    return `${u.host}${u.pathname}`;
  } catch {
    return '(no URL)';
  }
}

const REPLY_CHARS = 300;

/** 408 and 429 are "later"; any other 4xx says the request itself is wrong, and retrying will not help. */
const permanentStatus = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** Reads an HTTP answer the way the channel means it. */
export function interpretAnswer(channel: 'webhook' | 'dingtalk' | 'wecom' | 'feishu', status: number, body: string): DeliveryResult {
  const reply = body.length > REPLY_CHARS ? `${body.slice(0, REPLY_CHARS)}…` : body || null;
  if (status < 200 || status > 299) return { ok: false, status, reply, error: `HTTP ${status}`, permanent: permanentStatus(status) };
  if (channel === 'webhook') return { ok: true, status, reply, error: null };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { ok: false, status, reply, error: 'the answer is not JSON' };
  }
  // Feishu answers {code, msg}; its older webhook API {StatusCode, StatusMessage}.
  const code = channel === 'feishu' ? (parsed.code ?? parsed.StatusCode) : parsed.errcode;
  const message = channel === 'feishu' ? (parsed.msg ?? parsed.StatusMessage) : parsed.errmsg;
  if (code === 0) return { ok: true, status, reply, error: null };
  const field = channel === 'feishu' ? 'code' : 'errcode';
  return { ok: false, status, reply, error: code === undefined ? `no ${field} in the answer` : `${field} ${String(code)}: ${String(message ?? '')}` };
}
