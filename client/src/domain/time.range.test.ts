import { describe, expect, it } from 'vitest';
import { epochToZonedInput, zonedInputToEpoch } from '../format/time.format.ts';
import { readingsQuery, resolveRange, stepForSpan } from './time.range.ts';

const NOW = Date.UTC(2026, 10, 27, 10, 0, 0);
const query = (q: URLSearchParams): Record<string, string> => Object.fromEntries(q.entries());

describe('history range → readings query', () => {
  it.each([
    ['15m', 15 * 60_000, undefined],
    ['1h', 3_600_000, undefined],
    ['24h', 86_400_000, '300'],
    ['7d', 7 * 86_400_000, '1800'],
    ['30d', 30 * 86_400_000, '7200'],
    ['1y', 365 * 86_400_000, '86400'],
  ] as const)('%s asks for the last %i ms with step %s', (preset, span, step) => {
    const q = query(readingsQuery({ kind: 'preset', preset }, NOW));
    expect(q).toEqual({ from: String(NOW - span), to: String(NOW), ...(step ? { step } : {}) });
  });

  it('keeps at most about 500 buckets for any preset, so a year charts fast', () => {
    for (const preset of ['24h', '7d', '30d', '1y'] as const) {
      const { from, to } = resolveRange({ kind: 'preset', preset }, NOW);
      const step = Number(readingsQuery({ kind: 'preset', preset }, NOW).get('step'));
      expect((to - from) / 1000 / step).toBeLessThanOrEqual(500);
    }
  });

  it('passes a custom range through as is, with a step from its length', () => {
    const from = NOW - 3 * 86_400_000;
    expect(query(readingsQuery({ kind: 'custom', from, to: NOW }, NOW + 999))).toEqual({ from: String(from), to: String(NOW), step: '600' });
  });

  it('asks for raw points up to two hours and buckets beyond', () => {
    expect(stepForSpan(2 * 3_600_000)).toBeUndefined();
    expect(stepForSpan(2 * 3_600_000 + 1)).toBe(60);
    expect(stepForSpan(100 * 365 * 86_400_000)).toBe(86_400);
  });
});

describe('custom range inputs are wall time at the site', () => {
  it('reads 08:30 in Shanghai as 00:30 UTC', () => {
    expect(zonedInputToEpoch('2026-11-27T08:30', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 27, 0, 30));
    expect(epochToZonedInput(Date.UTC(2026, 10, 27, 0, 30), 'Asia/Shanghai')).toBe('2026-11-27T08:30');
  });

  it('handles both sides of a daylight-saving change', () => {
    // Berlin: CET (+1) until 29 Mar 2026 02:00, then CEST (+2).
    expect(zonedInputToEpoch('2026-03-29T01:30', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(zonedInputToEpoch('2026-03-29T03:30', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });

  it('rejects what is not a datetime-local value', () => {
    expect(zonedInputToEpoch('27/11/2026 08:30', 'Asia/Shanghai')).toBeNull();
  });
});
