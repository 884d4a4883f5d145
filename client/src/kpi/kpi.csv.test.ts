/**
 * The KPI CSV: one row per figure, with the alarm log export's RFC 4180 quoting and its defence
 * against formula injection (OWASP "CSV Injection") for text people typed, such as a shelve reason.
 */
import { describe, expect, it } from 'vitest';
import type { KpiRate, KpiReport } from '../../../contract/kpi.ts';
import { kpiCsv, kpiRows } from './kpi.csv.ts';

const T = Date.UTC(2026, 10, 27, 0, 0, 0);
const rate: KpiRate = { alarms: 14, avgPerHour: 7, peakPerHour: 14, avgPer10Min: 1.17, peakPer10Min: 11, slots: 12, floodSlots: 1, floodShare: 0.0833 };
const report: KpiReport = {
  siteId: null,
  from: T,
  to: T + 7_200_000,
  at: T + 7_200_000,
  positions: 1,
  rate,
  sites: [{ siteId: 'hq', ...rate }],
  series: [],
  seriesStepMs: 600_000,
  topAlarms: [{ siteId: 'hq', sensorId: 'G1', sensorName: 'Gas', condition: 'gas', priority: 'high', count: 3, maxPerMinute: 3 }],
  chattering: [],
  standing: [],
  stale: [],
  shelved: [
    {
      alarmId: 'a1',
      siteId: 'hq',
      sensorId: 'G1',
      sensorName: 'Gas',
      condition: 'gas',
      by: 'li',
      reason: '=HYPERLINK("http://x","fix, now")',
      until: T + 3_600_000,
    },
  ],
  outOfService: [],
  ack: [{ priority: 'high', count: 1, medianS: 600, p90S: 600, targetS: 300, withinTarget: 0 }],
  resolve: [],
  priorities: [{ priority: 'high', count: 1, share: 1 }],
  classes: [
    { class: 'alarm', count: 0, share: 0 },
    { class: 'supervisory', count: 1, share: 1 },
    { class: 'trouble', count: 0, share: 0 },
  ],
  availability: [{ siteId: 'hq', sensorId: 'G1', sensorName: 'Gas', available: 0.5833, unavailableS: 3000 }],
};

describe('KPI CSV', () => {
  const csv = kpiCsv(report);
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n');

  it('starts with a byte-order mark and the header, CRLF line ends, one row per figure', () => {
    expect(csv.startsWith('\uFEFFsection,site,sensor,condition,priority,metric,value,note\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(lines).toHaveLength(kpiRows(report).length + 2); // header + rows + the empty string after the last CRLF
  });

  it('writes the figures: all sites as *, each site again, the ranking, the ack times, availability', () => {
    expect(lines).toContain('rate,*,,,,peakPer10Min,11,');
    expect(lines).toContain('rate,hq,,,,floodShare,0.0833,');
    expect(lines).toContain('top,hq,G1,gas,high,count,3,');
    expect(lines).toContain('ack,,,,high,withinTarget,0,');
    expect(lines).toContain('class,,,,,supervisory,1,share 1');
    expect(lines).toContain('availability,hq,G1,,,available,0.5833,3000 s offline or silent');
    expect(lines).toContain('period,,,,,from,2026-11-27T00:00:00.000Z,');
  });

  it('defuses a typed formula and quotes its comma and quotes (RFC 4180)', () => {
    expect(lines).toContain(`shelved,hq,G1,gas,,until,2026-11-27T01:00:00.000Z,"'=HYPERLINK(""http://x"",""fix, now"") (li)"`);
  });
});
