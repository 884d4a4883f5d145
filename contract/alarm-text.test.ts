// Alarm messages and server notes travel as a key with parameters and are rendered in the viewer's
// language (docs/contracts.md#alarm-text). Every key must render in English and in Chinese, with
// every parameter it was given; a Chinese rendering shows no Latin words but units and ids.
import { describe, expect, it } from 'vitest';
import { CONDITIONS } from './alarm.ts';
import {
  TEXT_LANGUAGES,
  alarmMessageIn,
  noteIn,
  renderAlarmText,
  renderDetail,
  renderNote,
  type DetailKey,
  type DetailParams,
  type DetailText,
  type NoteKey,
  type NoteParams,
  type NoteText,
} from './alarm-text.ts';

// One sample per key: the type makes a new key without a sample a compile error. Ids, units and
// machine times are Latin in every language; everything else a sample carries is a number.
const DETAILS: { [K in DetailKey]: DetailParams[K] } = {
  device: { text: 'E42' },
  level_high: { threshold: 20 },
  level_low: { threshold: 10 },
  level_latched: { threshold: 20 },
  rise: { rise: 6.3, windowS: 30 },
  detector_alarm: {},
  dirty_chamber: {},
  battery_below: { pct: 20 },
  held_open: { seconds: 60 },
  denied_burst: { count: 5, windowS: 60, credential: '04A1B2C3D4' },
  credential: { credential: '04A1B2C3D4' },
  implausible: { unit: '%LEL' },
  clock_untrusted: { deviceTime: '2020-01-01T00:00:00.000Z', received: '2026-12-04T10:00:00.000Z' },
  clock_behind: { lagMs: 3_600_000 },
  unknown_ids: { count: 25, ids: 'X-1, X-2', more: 23 },
  offline_reported: {},
  silent: { seconds: 900 },
  gateway_reported: { count: 14, detectors: true },
  gateway_silent: { count: 1, detectors: false, seconds: 600 },
  test_too_long: { seconds: 120 },
  held_after_test: {},
  held_test_too_long: {},
  waterflow_with_fire: { sensor: 'GH-SMK-03' },
  waterflow_retard: { seconds: 30 },
  pressure_below: { threshold: 5, unit: 'bar' },
  pressure_above: { threshold: 12, unit: 'bar' },
};

const NOTES: { [K in NoteKey]: NoteParams[K] } = {
  grouped: { incidentId: 'in_abc_1' },
  fire_incident: { incidentId: 'in_abc_2' },
  incident_bulk: { action: 'shelve', applied: 3, total: 4 },
  chattering: { transitions: 3, windowS: 60 },
  self_test_signal: { signal: 'smoke' },
  self_test_recorded: {},
  oos_ended: { by: 'tech.zhao' },
  escalated_overdue: { levels: 3 },
  latched_returned: {},
  drill_ended: {},
  shelf_expired: {},
  shelf_expired_active: {},
  unknown_count: { count: 7 },
  sop_step: { step: 2, text: 'Shut the gas valve', textZh: '关闭燃气阀门' },
};

const details = Object.entries(DETAILS).map(([key, params]) => ({ key, params }) as DetailText);
const notes = Object.entries(NOTES).map(([key, params]) => ({ key, params }) as NoteText);

/** The values a rendering must show: every string and number parameter (a boolean picks words; a lag or a span is said in minutes or hours). */
function shown(params: object): string[] {
  return Object.entries(params)
    .filter(([k, v]) => (typeof v === 'string' || typeof v === 'number') && k !== 'lagMs' && k !== 'seconds' && v !== '')
    .map(([, v]) => String(v));
}

/** Latin words left once the values that are ids and units are taken out. */
function latinWords(text: string, values: string[]): string[] {
  let rest = text;
  for (const v of [...values].sort((a, b) => b.length - a.length)) rest = rest.split(v).join(' ');
  return rest.match(/[A-Za-z]+/g) ?? [];
}

describe('alarm text keys', () => {
  it.each(details.map((d) => [d.key, d]))('detail %s renders in both languages with all its parameters', (_key, detail) => {
    for (const lang of TEXT_LANGUAGES) {
      const text = renderDetail(detail, lang);
      expect(text, lang).toBeTruthy();
      for (const v of shown(detail.params)) expect(text, `${lang} shows ${v}`).toContain(v);
    }
    const zh = renderDetail(detail, 'zh') ?? '';
    expect(latinWords(zh, shown(detail.params))).toEqual([]);
    // What a device said is shown as it said it, in either language.
    if (detail.key !== 'device') expect(zh).not.toBe(renderDetail(detail, 'en'));
  });

  it.each(CONDITIONS.map((c) => [c]))('message %s renders in both languages with label, value, unit and detail', (condition) => {
    const text = {
      key: condition,
      params: { label: 'Kitchen gas', labelZh: '厨房燃气', value: 23.04, unit: '%LEL', detail: { key: 'level_high', params: { threshold: 20 } } },
    } as const;
    const en = renderAlarmText(text, 'en') ?? '';
    const zh = renderAlarmText(text, 'zh') ?? '';
    expect(en).toContain('Kitchen gas');
    expect(en).toContain('≥ high 20');
    expect(zh).toContain('厨房燃气');
    expect(zh).toContain('≥ 高限 20');
    expect(zh).not.toContain('Kitchen gas');
    // Units stay units in both languages; the value is rounded to a tenth.
    if (en.includes('23')) expect([en, zh].every((s) => s.includes('23 %LEL'))).toBe(true);
    expect(latinWords(zh, ['%LEL'])).toEqual([]);
  });

  it.each(notes.map((n) => [n.key, n]))('note %s renders in both languages with all its parameters', (_key, note) => {
    const { text, textZh, signal, action, ...verbatim } = note.params as Record<string, unknown>;
    const en = renderNote(note, 'en') ?? '';
    const zh = renderNote(note, 'zh') ?? '';
    expect([en, zh].every(Boolean), 'rendered in both').toBe(true);
    // A step's text, a signal and an action are words: English shows them, Chinese words its own.
    for (const v of shown({ ...verbatim, text, signal, action })) expect(en, `en shows ${v}`).toContain(v);
    for (const v of shown({ ...verbatim, textZh })) expect(zh, `zh shows ${v}`).toContain(v);
    expect(latinWords(zh, shown(verbatim))).toEqual([]);
  });

  it('says a span as people do: seconds, then minutes, then hours and minutes', () => {
    const silent = (seconds: number) => TEXT_LANGUAGES.map((l) => renderDetail({ key: 'silent', params: { seconds } }, l));
    expect(silent(90)).toEqual(['nothing heard for 90 s', '90秒未收到数据']);
    expect(silent(900)).toEqual(['nothing heard for 15 min', '15分钟未收到数据']);
    expect(silent(7500)).toEqual(['nothing heard for 2 h 5 min', '2小时5分钟未收到数据']);
    expect(silent(7200)).toEqual(['nothing heard for 2 h', '2小时未收到数据']);
  });

  it('keeps the wording of the priority: a critical alarm that latched at high never reads "≥ low"', () => {
    const latched = {
      key: 'gas',
      params: { label: 'Kitchen gas', value: 12, unit: '%LEL', detail: { key: 'level_latched', params: { threshold: 20 } } },
    } as const;
    expect(renderAlarmText(latched, 'en')).toBe('Gas 12 %LEL at Kitchen gas (reached high 20, latched)');
    expect(renderAlarmText(latched, 'zh')).toBe('Kitchen gas：燃气浓度 12 %LEL（曾达高限 20，已锁存）');
  });

  it('falls back to the stored text for an alarm or a note without a key, or with a key this build does not know', () => {
    expect(alarmMessageIn({ message: 'Gas 23 %LEL at Kitchen gas' }, 'zh')).toBe('Gas 23 %LEL at Kitchen gas');
    const future = { key: 'flood_gate' as never, params: { label: 'Gate' } };
    expect(alarmMessageIn({ message: 'Gate stuck', text: future }, 'zh')).toBe('Gate stuck');
    expect(noteIn({ note: 'on my way' }, 'zh')).toBe('on my way');
    expect(noteIn({ note: 'drill ended', noteText: { key: 'drill_ended', params: {} } }, 'zh')).toBe('演练已结束');
  });
});
