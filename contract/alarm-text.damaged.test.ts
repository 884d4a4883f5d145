// A stored alarm or note whose parameters do not fit its key (a damaged record, one written by a
// build whose parameters differed) shows its stored text: never "undefined", "NaN" or a thrown
// TypeError in the dashboard, a notification or the CSV (docs/contracts.md#alarm-text: fallback).
import { describe, expect, it } from 'vitest';
import { alarmMessageIn, noteIn, renderAlarmText, renderDetail, renderNote, type AlarmText, type DetailText, type NoteText } from './alarm-text.ts';

const alarm = (text: unknown) => ({ message: 'Gas 23 %LEL at Kitchen (stored)', text: text as AlarmText });
const note = (noteText: unknown) => ({ note: 'stored note', noteText: noteText as NoteText });

describe('alarm text with parameters that do not fit its key', () => {
  it.each([
    ['no params at all', { key: 'gas' }],
    ['no label', { key: 'gas', params: {} }],
    ['a detail without its params', { key: 'gas', params: { label: 'Kitchen', detail: { key: 'level_high' } } }],
    ['a detail missing its threshold', { key: 'gas', params: { label: 'Kitchen', detail: { key: 'level_high', params: {} } } }],
    ['a value that is no number', { key: 'gas', params: { label: 'Kitchen', value: Number.NaN, unit: '%LEL' } }],
    ['params that are no object', { key: 'gas', params: 'x' }],
  ])('%s: the stored message, in both languages', (_what, text) => {
    for (const lang of ['en', 'zh'] as const) {
      expect(renderAlarmText(text as AlarmText, lang)).toBeUndefined();
      expect(alarmMessageIn(alarm(text), lang)).toBe('Gas 23 %LEL at Kitchen (stored)');
    }
  });

  it.each([
    ['held_open without seconds', { key: 'held_open', params: {} }],
    ['unknown_ids without its counts', { key: 'unknown_ids', params: {} }],
  ])('a detail %s renders as nothing', (_what, detail) => {
    for (const lang of ['en', 'zh'] as const) expect(renderDetail(detail as DetailText, lang)).toBeUndefined();
  });

  it.each([
    ['incident_bulk without its counts', { key: 'incident_bulk', params: {} }],
    ['sop_step without params', { key: 'sop_step' }],
  ])('a note %s is the stored note', (_what, n) => {
    for (const lang of ['en', 'zh'] as const) {
      expect(renderNote(n as NoteText, lang)).toBeUndefined();
      expect(noteIn(note(n), lang)).toBe('stored note');
    }
  });

  it('complete params still render', () => {
    expect(
      renderAlarmText(
        { key: 'gas', params: { label: 'Kitchen', value: 23, unit: '%LEL', detail: { key: 'level_high', params: { threshold: 20 } } } } as AlarmText,
        'en',
      ),
    ).toMatch(/Gas 23 %LEL at Kitchen/);
  });
});
