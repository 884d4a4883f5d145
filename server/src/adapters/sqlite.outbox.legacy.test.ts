import { describe, expect, it } from 'vitest';
import type { HistoryPoint } from '../services/history.ports.ts';
import { parseLegacyLine } from './sqlite.outbox.legacy.ts';

/** Lines as the line-protocol writer before points were stored as JSON wrote them (its own escaping). */
const LEGACY = {
  reading: 'reading,kind=gas,sensor=KIT-GAS-01,site=hq,unit=%LEL,zone=kitchen value=12.5,lag=77i 1764240000123994091',
  drillReading: 'reading,drill=drill-1,kind=gas,sensor=KIT-GAS-01,site=hq,unit=°C,zone=kitchen value=-0.25,lag=77i 1764240000123943887',
  event:
    'event,kind=gas,sensor=KIT-GAS-01,site=hq,zone=kitchen type="access_denied",credential="badge \\"7\\" \\\\ x",detail="line one\\nline two, a=b",lag=77i 1764240000123826350',
  status: 'status,kind=gas,sensor=KIT-GAS-01,site=hq,zone=zone\\ with\\,\\ odd\\=chars\\\\ online=false,battery=80,rssi=-67.5,lag=77i 1764240000123920599',
  alarm:
    'alarm_event,condition=gas,drill=drill-2,kind=gas,priority=critical,sensor=KIT-GAS-01,site=hq,zone=kitchen event="acked",state="active_acked",alarm="al_1",actor="officer.li",seq=1234567i 1764240000999234567',
};

const base = { siteId: 'hq', sensorId: 'KIT-GAS-01', zoneId: 'kitchen', kind: 'gas', ts: 1764240000123, receivedAt: 1764240000200 };

describe('legacy outbox lines', () => {
  it('reads readings back into the observation they were written from', () => {
    expect(parseLegacyLine(LEGACY.reading)).toEqual({ type: 'observation', observation: { ...base, channel: 'reading', value: 12.5, unit: '%LEL' } });
    expect(parseLegacyLine(LEGACY.drillReading)).toEqual({
      type: 'observation',
      observation: { ...base, drill: 'drill-1', channel: 'reading', value: -0.25, unit: '°C' },
    });
  });

  it('undoes that writer’s escaping of strings and tags (quotes, backslashes, newlines, separators)', () => {
    expect(parseLegacyLine(LEGACY.event)).toEqual({
      type: 'observation',
      observation: { ...base, channel: 'event', type: 'access_denied', credential: 'badge "7" \\ x', detail: 'line one\nline two, a=b' },
    });
    expect(parseLegacyLine(LEGACY.status)).toEqual({
      type: 'observation',
      observation: { ...base, zoneId: 'zone with, odd=chars\\', channel: 'status', online: false, battery: 80, rssi: -67.5 },
    });
  });

  it('reads alarm events', () => {
    const expected: HistoryPoint = {
      type: 'alarm_event',
      at: 1764240000999,
      seq: 1234567,
      kind: 'acked',
      actor: 'officer.li',
      alarm: {
        id: 'al_1',
        state: 'active_acked',
        condition: 'gas',
        priority: 'critical',
        sensorKind: 'gas',
        sensorId: 'KIT-GAS-01',
        siteId: 'hq',
        zoneId: 'kitchen',
        drill: 'drill-2',
      },
    };
    expect(parseLegacyLine(LEGACY.alarm)).toEqual(expected);
  });

  it('refuses what it does not understand, naming where', () => {
    expect(() => parseLegacyLine('cpu,host=a usage=1 1764240000123000000')).toThrow(/unknown measurement/);
    expect(() => parseLegacyLine('reading,kind=gas value=1,lag=0i 1764240000123000000')).toThrow(/no tag site/);
    expect(() => parseLegacyLine(LEGACY.reading.replace(/ \d+$/, ''))).toThrow(/expected " "|timestamp/);
    expect(() => parseLegacyLine('reading,kind=gas,sensor=a,site=b,unit=ppm,zone=c value=abc,lag=0i 1764240000123000000')).toThrow(/not a field value/);
  });
});
