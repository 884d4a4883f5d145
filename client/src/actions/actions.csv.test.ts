// The corrective-action CSV follows the alarm log export's rules: RFC 4180 quoting, CRLF, a BOM,
// and text from people that starts like a formula is defused (OWASP "CSV Injection").
import { describe, expect, it } from 'vitest';
import type { CorrectiveAction } from '../../../contract/actions.ts';
import { actionsCsv } from './actions.csv.ts';

const action: CorrectiveAction = {
  id: 7,
  finding: '=HYPERLINK("http://evil","click")',
  action: 'replace clamps, "screw" type\nthen leak-test',
  causeCategory: 'equipment_fault',
  siteId: 'hq',
  zoneId: 'kitchen',
  sensorId: 'KIT-GAS-01',
  alarmId: 'al_1',
  severity: 'high',
  owner: '@li.na',
  dueAt: Date.UTC(2026, 11, 1, 9),
  status: 'in_progress',
  createdBy: 'wang.lei',
  createdAt: Date.UTC(2026, 10, 30, 9),
  updatedAt: Date.UTC(2026, 10, 30, 9),
  closedAt: null,
  escalationLevel: 1,
  nextEscalationAt: null,
  overdue: true,
};

describe('corrective actions CSV', () => {
  it('quotes, defuses formulas and ends lines with CRLF after a byte-order mark', () => {
    const csv = actionsCsv([action]);
    expect(csv.startsWith('\uFEFFid,status,overdue,')).toBe(true);
    const row = csv.split('\r\n')[1]!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
    expect(row).toContain('"replace clamps, ""screw"" type\nthen leak-test"');
    expect(row).toContain(",'@li.na,");
    expect(row).toContain(',2026-12-01T09:00:00.000Z,1,wang.lei,');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
