// A kept safety report and its outbox message are one transaction: if writing the message fails
// the report is not kept either (the next run makes both); a second report of the same site,
// period kind and start is refused without a second message.
import { describe, expect, it } from 'vitest';
import type { SafetyReport } from '../../../contract/index.ts';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqliteSafetyReports } from './sqlite.safety-reports.ts';

const open = tempDatabases('vigil-safety-reports-');
const trend = { current: 2, previous: 1, delta: 1, percent: 100 };
const report = (from: number) =>
  ({
    siteId: 'hq',
    period: 'week',
    from,
    to: from + 7 * 86_400_000,
    generatedAt: from + 8 * 86_400_000,
    generatedBy: 'schedule',
    alarms: { total: trend },
    drills: { overdue: 1 },
  }) as unknown as SafetyReport;

describe('SqliteSafetyReports', () => {
  it('keeps a report with its announcement, or neither', () => {
    const store = new SqliteSafetyReports(open().db);
    expect(() =>
      store.insert(report(0), () => {
        throw new Error('outbox full');
      }),
    ).toThrow('outbox full');
    expect(store.has('hq', 'week', 0)).toBe(false);

    const told: number[] = [];
    const id = store.insert(report(0), (n) => told.push(n));
    expect(id).not.toBeNull();
    expect(store.insert(report(0), (n) => told.push(n))).toBeNull();
    expect(told).toEqual([id]);
    expect(store.get(id!)).toEqual(report(0));
    expect(store.list({ limit: 10 })).toEqual([
      { id, siteId: 'hq', period: 'week', from: 0, to: 7 * 86_400_000, generatedAt: 8 * 86_400_000, generatedBy: 'schedule', alarms: 2, overdueDrills: 1 },
    ]);
  });
});
