import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../contract/api.ts';
import { auditQuery, detailText, nextBefore, NO_FILTERS } from './audit.query.ts';

const entry = (id: number): AuditEntry => ({ id, at: id, actor: 'a', action: 'x', target: 't', detail: null, hash: 'h' });

describe('audit viewer query', () => {
  it('sends only the filters filled in, trimmed', () => {
    expect(auditQuery(NO_FILTERS, null).toString()).toBe('limit=100');
    expect(Object.fromEntries(auditQuery({ user: ' admin ', action: 'user.*', alarm: '' }, null))).toEqual({ limit: '100', user: 'admin', action: 'user.*' });
  });

  it('reads an alarm id with or without its target prefix', () => {
    expect(auditQuery({ ...NO_FILTERS, alarm: 'alarm:al_7' }, null).get('alarm')).toBe('al_7');
    expect(auditQuery({ ...NO_FILTERS, alarm: 'al_7' }, null).get('alarm')).toBe('al_7');
  });

  it('asks for the page older than the oldest entry shown', () => {
    expect(auditQuery(NO_FILTERS, 41, 2).toString()).toBe('limit=2&before=41');
    expect(nextBefore([entry(50), entry(42), entry(41)], 3)).toBe(41);
    // A short page is the last one: no "older" button that would answer nothing.
    expect(nextBefore([entry(50), entry(42)], 3)).toBeNull();
  });
});

describe('audit detail text', () => {
  it('shows an object as key: value pairs, a scalar as itself, null as nothing', () => {
    expect(detailText({ role: 'officer', sessionsRevoked: 2 })).toBe('role: officer, sessionsRevoked: 2');
    expect(detailText({ scope: { sites: ['hq'] } })).toBe('scope: {"sites":["hq"]}');
    expect(detailText('plain')).toBe('plain');
    expect(detailText(null)).toBe('');
  });

  it('cuts a long detail to one row', () => {
    const text = detailText({ note: 'x'.repeat(500) }, 20);
    expect(text).toHaveLength(20);
    expect(text.endsWith('…')).toBe(true);
  });
});
