/** The handover export: one line per handover, with the alarm log export's quoting and formula defusing. */
import { describe, expect, it } from 'vitest';
import type { Handover } from '../../../contract/handover.ts';
import { handoversCsv } from './handover.csv.ts';

const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
const item = (alarmId: string) => ({
  alarmId,
  sensorId: 'S',
  sensorName: 'S',
  zoneId: 'z',
  condition: 'gas' as const,
  priority: 'high' as const,
  state: 'active_acked' as const,
  raisedAt: T0,
  message: '',
});
const shelf = { at: T0, until: T0, by: 'li', reason: 'x' };

const handover: Handover = {
  id: 'ho_1',
  siteId: 'hq',
  state: 'accepted',
  openedAt: T0,
  openedBy: 'li',
  notes: '=HYPERLINK("http://x","y"), then more',
  handedOverAt: T0 + 60_000,
  handedOverBy: 'li',
  acceptedAt: T0 + 120_000,
  acceptedBy: 'wang',
  remarks: '交接确认',
  snapshot: {
    takenAt: T0 + 60_000,
    standing: [item('a1')],
    shelved: [
      { ...item('a2'), shelf, decision: 'carry' },
      { ...item('a3'), shelf, decision: 'unshelve' },
    ],
    outOfService: [],
    actions: [],
    drills: [],
    links: [{ kind: 'broker', id: 'broker', since: null, detail: 'x' }],
  },
};

describe('handover CSV', () => {
  it('writes a header and one CRLF line per handover, times in UTC, the shelved decisions by alarm, text defused', () => {
    const csv = handoversCsv([handover]);
    expect(csv.startsWith('\uFEFFid,site,state,opened_utc,')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      [
        'ho_1,hq,accepted',
        new Date(T0).toISOString(),
        'li',
        new Date(T0 + 60_000).toISOString(),
        'li',
        new Date(T0 + 120_000).toISOString(),
        'wang,1,a2,a3,0,0,0,1',
        `"'=HYPERLINK(""http://x"",""y""), then more"`,
        '交接确认',
      ].join(','),
    );
  });
});
