/**
 * The KPI arithmetic on a hand-built alarm history, each expected figure worked out here by hand
 * (ISA-18.2 §16.5 alarm-system performance monitoring; EEMUA 191 §6 benchmarks: > 10 alarms in
 * 10 minutes is a flood, ≥ 3 annunciations in a minute is chattering).
 */
import { describe, expect, it } from 'vitest';
import type { AlarmClass, Condition, Priority } from '../../../../contract/index.ts';
import { maxWithin } from './alarms.ts';
import { computeKpis, type Annunciation, type KpiAlarm, type KpiInput } from './index.ts';
import { positionRate } from './rates.ts';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
/** Friday 27 Nov 2026 00:00 UTC: a multiple of the 30-minute presence buckets below. */
const T = Date.UTC(2026, 10, 27, 0, 0, 0);
const period = { from: T, to: T + 2 * H };
/** The signal class each condition below carries (server/src/domain/alarm/conditions.ts). */
const CLASS_OF: Partial<Record<Condition, AlarmClass>> = { offline: 'trouble', door_held: 'supervisory' };

function alarm(
  id: string,
  siteId: string,
  sensorId: string,
  condition: Condition,
  priority: Priority,
  raisedAt: number,
  more: Partial<KpiAlarm> = {},
): KpiAlarm {
  return {
    id,
    siteId,
    sensorId,
    sensorName: `${sensorId} name`,
    condition,
    class: CLASS_OF[condition] ?? 'alarm',
    priority,
    raisedAt,
    activatedAt: raisedAt,
    clearedAt: null,
    closedAt: null,
    ackedAt: null,
    resolution: null,
    chattering: false,
    ...more,
  };
}

/**
 * hq: gas G1 (high) raised at 00:01 and re-activated at 00:01:20 and 00:01:40 (3 in 40 s:
 * chattering), acknowledged after 10 min; eleven offline alarms S1…S11 (medium) 30 s apart from
 * 00:20 (one flooded 10-minute period), S1…S10 acknowledged after 1…10 min, S11 never; door D1
 * (low) raised 30 h before the period, never acknowledged, still active (standing and stale);
 * leak E1 raised 25 h before, acknowledged after 30 min, its condition gone 20 h before
 * (neither). lab: smoke L1 (critical) at 01:05, acknowledged after 30 s, resolved after 40 min.
 */
function history(): { alarms: KpiAlarm[]; annunciations: Annunciation[] } {
  // Gas above its low threshold only: a supervisory signal.
  const g1 = alarm('g1', 'hq', 'G1', 'gas', 'high', T + 1 * MIN, { ackedAt: T + 11 * MIN, activatedAt: T + 1 * MIN + 40 * S, class: 'supervisory' });
  const offline = Array.from({ length: 11 }, (_, i) =>
    alarm(`s${i + 1}`, 'hq', `S${i + 1}`, 'offline', 'medium', T + 20 * MIN + i * 30 * S, i < 10 ? { ackedAt: T + 20 * MIN + i * 30 * S + (i + 1) * MIN } : {}),
  );
  const d1 = alarm('d1', 'hq', 'D1', 'door_held', 'low', T - 30 * H);
  const e1 = alarm('e1', 'hq', 'E1', 'leak', 'high', T - 25 * H, { ackedAt: T - 24.5 * H, clearedAt: T - 20 * H });
  const l1 = alarm('l1', 'lab', 'L1', 'smoke', 'critical', T + 65 * MIN, {
    ackedAt: T + 65 * MIN + 30 * S,
    resolution: { cause: 'toast', correctiveAction: 'none', by: 'mgr', at: T + 105 * MIN },
  });
  const annunciations: Annunciation[] = [
    { alarmId: 'g1', at: T + 1 * MIN },
    { alarmId: 'g1', at: T + 1 * MIN + 20 * S },
    { alarmId: 'g1', at: T + 1 * MIN + 40 * S },
    ...offline.map((a) => ({ alarmId: a.id, at: a.raisedAt })),
    { alarmId: 'l1', at: T + 65 * MIN },
  ];
  return { alarms: [g1, ...offline, d1, e1, l1], annunciations };
}

function input(over: Partial<KpiInput> = {}): KpiInput {
  return {
    siteId: null,
    period,
    now: period.to,
    siteIds: ['hq', 'lab'],
    ...history(),
    availability: { sensors: [], bucketMs: 30 * MIN, present: new Map(), offline: new Map() },
    shelved: [],
    outOfService: [],
    ...over,
  };
}

describe('alarm rates per operator position (a site)', () => {
  const r = computeKpis(input());

  it('hq: 14 alarms in 2 h is 7 an hour, 14/12 = 1.17 per 10 min; the peak 10 minutes hold 11, a flood in 1 of 12 periods', () => {
    expect(r.sites.find((s) => s.siteId === 'hq')).toEqual({
      siteId: 'hq',
      alarms: 14,
      avgPerHour: 7,
      peakPerHour: 14,
      avgPer10Min: 1.17,
      peakPer10Min: 11,
      slots: 12,
      floodSlots: 1,
      floodShare: 0.0833,
    });
  });

  it('lab: 1 alarm: 0.5 an hour, 1/12 = 0.08 per 10 min, no flood', () => {
    expect(r.sites.find((s) => s.siteId === 'lab')).toMatchObject({
      alarms: 1,
      avgPerHour: 0.5,
      peakPerHour: 1,
      avgPer10Min: 0.08,
      peakPer10Min: 1,
      floodSlots: 0,
    });
  });

  it('all sites: averages per position (15 / 2 positions / 2 h = 3.75; / 12 periods = 0.63), peaks of the busiest, 1 flood in 24 periods', () => {
    expect(r.positions).toBe(2);
    expect(r.rate).toEqual({
      alarms: 15,
      avgPerHour: 3.75,
      peakPerHour: 14,
      avgPer10Min: 0.63,
      peakPer10Min: 11,
      slots: 24,
      floodSlots: 1,
      floodShare: 0.0417,
    });
  });

  it('a flood is MORE than 10 in 10 minutes: 10 is not one, 11 is', () => {
    const at = (n: number) => Array.from({ length: n }, (_, i) => T + i * S);
    expect(positionRate(at(10), period).floodSlots).toBe(0);
    expect(positionRate(at(11), period).floodSlots).toBe(1);
  });

  it('the chart: 12 ten-minute bars; bar 0 holds G1 three times, bar 2 the eleven, bar 6 lab', () => {
    expect(r.seriesStepMs).toBe(10 * MIN);
    expect(r.series).toHaveLength(12);
    expect(r.series.map((p) => p.alarms)).toEqual([3, 0, 11, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(r.series[2]).toEqual({ t: T + 20 * MIN, alarms: 11, peakPer10Min: 11 });
  });

  it('a 30-day chart takes whole 10-minute periods per bar, at most 200 bars, and its peak is the busiest 10 minutes', () => {
    const month = { from: T, to: T + 30 * 24 * H };
    const k = computeKpis(input({ period: month, now: month.to }));
    // 4320 periods / 200 → 22 periods a bar (220 min), 197 bars.
    expect(k.seriesStepMs).toBe(220 * MIN);
    expect(k.series).toHaveLength(197);
    expect(k.series[0]).toEqual({ t: T, alarms: 15, peakPer10Min: 11 });
  });
});

describe('frequent and chattering alarms', () => {
  const r = computeKpis(input());

  it('ranks by count, ties by sensor id: G1 (3), then L1, S1, S10, S11, S2 … (1 each), ten in all', () => {
    expect(r.topAlarms.map((a) => `${a.sensorId}:${a.count}`)).toEqual(['G1:3', 'L1:1', 'S1:1', 'S10:1', 'S11:1', 'S2:1', 'S3:1', 'S4:1', 'S5:1', 'S6:1']);
    expect(r.topAlarms[0]).toEqual({ siteId: 'hq', sensorId: 'G1', sensorName: 'G1 name', condition: 'gas', priority: 'high', count: 3, maxPerMinute: 3 });
  });

  it('chattering: 3 annunciations inside one minute (G1), and nothing else', () => {
    expect(r.chattering.map((a) => a.sensorId)).toEqual(['G1']);
  });

  it('the minute is half-open: at 0, 30 and 59.999 s is 3 in a minute; at 0, 30 and 60 s is 2', () => {
    expect(maxWithin([0, 30 * S, 60 * S - 1], 60 * S)).toBe(3);
    expect(maxWithin([0, 30 * S, 60 * S], 60 * S)).toBe(2);
  });

  it('the engine flag counts too: an alarm it marked chattering is listed with 1 annunciation in the period', () => {
    const h = history();
    h.alarms.find((a) => a.id === 'l1')!.chattering = true;
    expect(computeKpis(input(h)).chattering.map((a) => a.sensorId)).toEqual(['G1', 'L1']);
  });
});

describe('standing and stale alarms at the end of the period', () => {
  const r = computeKpis(input());

  it('D1, active and unacknowledged since 30 h before the start, is both for 32 h (115 200 s); E1 (acknowledged, condition gone) is neither', () => {
    const d1 = {
      alarmId: 'd1',
      siteId: 'hq',
      sensorId: 'D1',
      sensorName: 'D1 name',
      condition: 'door_held',
      priority: 'low',
      since: T - 30 * H,
      durationS: 115_200,
    };
    expect(r.standing).toEqual([d1]);
    expect(r.stale).toEqual([d1]);
  });

  it('stale is judged at the end: acknowledged an hour after the period, D1 was still stale in it', () => {
    const h = history();
    h.alarms.find((a) => a.id === 'd1')!.ackedAt = T + 3 * H;
    expect(computeKpis(input({ ...h, now: T + 4 * H })).stale.map((a) => a.alarmId)).toEqual(['d1']);
  });

  it('an alarm closed before the end is neither; a period ending in the future is judged now', () => {
    const h = history();
    h.alarms.find((a) => a.id === 'd1')!.closedAt = T + H;
    expect(computeKpis(input(h)).standing).toEqual([]);
    // Judged at now = T + 2 h although the period runs to T + 10 h: still 32 h.
    expect(computeKpis(input({ period: { from: T, to: T + 10 * H } })).standing[0]?.durationS).toBe(115_200);
  });
});

describe('time to acknowledge and to resolve, by priority (targets: ACK_TARGET_S, RESOLVE_TARGET_S)', () => {
  const r = computeKpis(input());
  const ack = Object.fromEntries(r.ack.map((x) => [x.priority, x]));
  const resolve = Object.fromEntries(r.resolve.map((x) => [x.priority, x]));

  it('critical: L1 acknowledged in 30 s, within the 60 s target', () => {
    expect(ack.critical).toEqual({ priority: 'critical', count: 1, medianS: 30, p90S: 30, targetS: 60, withinTarget: 1 });
  });

  it('high: G1 in 600 s, over the 300 s target (E1 was raised before the period and is not counted)', () => {
    expect(ack.high).toEqual({ priority: 'high', count: 1, medianS: 600, p90S: 600, targetS: 300, withinTarget: 0 });
  });

  it('medium: 60…600 s: median (300 + 360) / 2 = 330, p90 540 + 0.1 × 60 = 546; S11, unacknowledged for 95 min > 30 min, is a miss: 10/11', () => {
    expect(ack.medium).toEqual({ priority: 'medium', count: 10, medianS: 330, p90S: 546, targetS: 1800, withinTarget: 0.9091 });
  });

  it('low: none raised in the period', () => {
    expect(ack.low).toEqual({ priority: 'low', count: 0, medianS: null, p90S: null, targetS: 3600, withinTarget: null });
  });

  it('resolve: L1 in 40 min (2400 s) within 1 h; the others are unresolved but still inside their targets, so not judged', () => {
    expect(resolve.critical).toEqual({ priority: 'critical', count: 1, medianS: 2400, p90S: 2400, targetS: 3600, withinTarget: 1 });
    expect(resolve.high).toMatchObject({ count: 0, withinTarget: null });
    expect(resolve.medium).toMatchObject({ count: 0, withinTarget: null });
  });
});

it('priority distribution of the 13 alarms raised in the period: 1 critical, 1 high, 11 medium, 0 low', () => {
  expect(computeKpis(input()).priorities).toEqual([
    { priority: 'critical', count: 1, share: 0.0769 },
    { priority: 'high', count: 1, share: 0.0769 },
    { priority: 'medium', count: 11, share: 0.8462 },
    { priority: 'low', count: 0, share: 0 },
  ]);
});

it('signal classes of the 13 alarms raised in the period: 1 alarm (L1 smoke), 1 supervisory (G1), 11 trouble (offline); D1 and E1 raised before it', () => {
  expect(computeKpis(input()).classes).toEqual([
    { class: 'alarm', count: 1, share: 0.0769 },
    { class: 'supervisory', count: 1, share: 0.0769 },
    { class: 'trouble', count: 11, share: 0.8462 },
  ]);
});

it('sensor availability: silent buckets and offline periods, overlapping ones once, worst first', () => {
  const sensors = ['X', 'Y', 'Z'].map((id) => ({ id, siteId: 'hq', name: `${id} name` }));
  const every = [0, 30, 60, 90].map((m) => T + m * MIN);
  const r = computeKpis(
    input({
      availability: {
        sensors,
        bucketMs: 30 * MIN,
        present: new Map([
          ['X', every],
          ['Y', [T, T + 60 * MIN, T + 90 * MIN]],
        ]),
        // Y: silent 00:30–01:00, offline 00:50–01:10 (overlaps by 10 min) and 01:40–01:50, and
        // offline before the period (clipped away): 30 + 10 + 10 = 50 min down of 120.
        offline: new Map([
          [
            'Y',
            [
              [T - H, T],
              [T + 50 * MIN, T + 70 * MIN],
              [T + 100 * MIN, T + 110 * MIN],
            ],
          ],
        ]),
      },
    }),
  );
  expect(r.availability).toEqual([
    { siteId: 'hq', sensorId: 'Z', sensorName: 'Z name', available: 0, unavailableS: 7200 },
    { siteId: 'hq', sensorId: 'Y', sensorName: 'Y name', available: 0.5833, unavailableS: 3000 },
    { siteId: 'hq', sensorId: 'X', sensorName: 'X name', available: 1, unavailableS: 0 },
  ]);
});
