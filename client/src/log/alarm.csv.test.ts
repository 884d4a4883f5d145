import { describe, expect, it } from 'vitest';
import { makeAlarm, T0 } from '../../../test/support/client.fixtures.ts';
import { alarmsCsv, csvCell, csvLine } from './alarm.csv.ts';

describe('CSV escaping (RFC 4180)', () => {
  it('leaves plain text and numbers alone', () => {
    expect(csvLine(['KIT-GAS-01', 23.5, null, true])).toBe('KIT-GAS-01,23.5,,true');
  });
  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvCell('Kitchen gas, wok range')).toBe('"Kitchen gas, wok range"');
    expect(csvCell('the "big" valve')).toBe('"the ""big"" valve"');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
  });
  it('defuses text that a spreadsheet would run as a formula (OWASP CSV injection)', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
  });
  it('keeps Chinese text and drops non-finite numbers', () => {
    expect(csvCell('厨房燃气')).toBe('厨房燃气');
    expect(csvCell(Number.NaN)).toBe('');
  });
});

describe('alarm log CSV', () => {
  it('writes a header, one CRLF line per alarm, times in UTC and time to acknowledge in seconds', () => {
    const csv = alarmsCsv([makeAlarm({ id: 'a1', ackedAt: T0 + 42_000, ackedBy: 'li.na', sensorName: 'Kitchen gas, wok range', drill: 'd-7' })]);
    expect(csv.startsWith('\uFEFFid,raised_utc,')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines[1]).toContain(`a1,${new Date(T0).toISOString()},hq,kitchen,KIT-GAS-01,"Kitchen gas, wok range",gas,gas,alarm,critical,active_unacked,d-7`);
    expect(lines[1]).toContain(',li.na,42,');
  });
});
