/**
 * Alarm statistics for the facility manager: per zone and per alarm type (condition), how many, how fast acknowledged and
 * resolved, what is chattering and what went offline. Drills never count in real statistics.
 */
import { ALARM_CLASSES, type Alarm, type AlarmClass, type AlarmStatsResponse, type AlarmStatsRow, type Condition } from '../../../contract/index.ts';
import { quantile } from '../domain/kpi/stats.ts';
import { allAlarms } from './alarm.pages.ts';
import type { AlarmFilter } from './alarm.ports.ts';

export interface ReportSource {
  list(filter: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }>;
}

function rowOf(siteId: string, zoneId: string, alarms: Alarm[]): AlarmStatsRow {
  const ack = alarms
    .filter((a) => a.ackedAt !== null)
    .map((a) => (a.ackedAt! - a.raisedAt) / 1000)
    .sort((x, y) => x - y);
  const resolve = alarms
    .map((a) => a.resolution?.at ?? a.closedAt)
    .map((end, i) => (end === null || end === undefined ? null : (end - alarms[i]!.raisedAt) / 1000))
    .filter((s): s is number => s !== null)
    .sort((x, y) => x - y);
  return {
    siteId,
    zoneId,
    alarms: alarms.length,
    critical: alarms.filter((a) => a.priority === 'critical').length,
    medianAckS: quantile(ack, 0.5),
    p90AckS: quantile(ack, 0.9),
    medianResolveS: quantile(resolve, 0.5),
    unacknowledged: alarms.filter((a) => a.ackedAt === null && a.state !== 'cleared').length,
    escalated: alarms.filter((a) => a.escalationLevel > 0).length,
    chattering: alarms.filter((a) => a.chattering).length,
  };
}

export class ReportService {
  constructor(private readonly source: ReportSource) {}

  async alarmStats(from: number, to: number, site: string | undefined, drill: 'exclude' | 'only'): Promise<AlarmStatsResponse> {
    const alarms = await allAlarms((f) => this.source.list(f), { from, to, site, drill });
    const byZone = groupBy(alarms, (a) => `${a.siteId}\u0000${a.zoneId}`);
    const byCondition = groupBy(alarms, (a): Condition => a.condition);
    const byClass = groupBy(alarms, (a): AlarmClass => a.class);
    const bySensor = new Map<string, { alarms: number; chattering: number }>();
    const offline = new Map<string, number>();
    for (const a of alarms) {
      const s = bySensor.get(a.sensorId) ?? { alarms: 0, chattering: 0 };
      s.alarms++;
      if (a.chattering) s.chattering++;
      bySensor.set(a.sensorId, s);
      if (a.condition === 'offline') offline.set(a.sensorId, (offline.get(a.sensorId) ?? 0) + 1);
    }
    return {
      from,
      to,
      drill,
      total: rowOf(site ?? '*', '*', alarms),
      byZone: [...byZone.entries()].map(([key, list]) => rowOf(key.split('\u0000')[0]!, key.split('\u0000')[1]!, list)).sort((a, b) => b.alarms - a.alarms),
      byCondition: [...byCondition.entries()].map(([condition, list]) => ({ condition, ...rowOf(site ?? '*', '*', list) })).sort((a, b) => b.alarms - a.alarms),
      // Ties in NFPA 72's order (alarm, supervisory, trouble), so the table reads the same every time.
      byClass: [...byClass.entries()]
        .map(([cls, list]) => ({ class: cls, ...rowOf(site ?? '*', '*', list) }))
        .sort((a, b) => b.alarms - a.alarms || ALARM_CLASSES.indexOf(a.class) - ALARM_CLASSES.indexOf(b.class)),
      topSensors: [...bySensor.entries()]
        .map(([sensorId, s]) => ({ sensorId, ...s }))
        .sort((a, b) => b.alarms - a.alarms)
        .slice(0, 20),
      offlineSensors: [...offline.entries()].map(([sensorId, times]) => ({ sensorId, times })).sort((a, b) => b.times - a.times),
    };
  }
}

function groupBy<K>(alarms: readonly Alarm[], keyOf: (a: Alarm) => K): Map<K, Alarm[]> {
  const groups = new Map<K, Alarm[]>();
  for (const a of alarms) {
    const list = groups.get(keyOf(a)) ?? [];
    list.push(a);
    groups.set(keyOf(a), list);
  }
  return groups;
}
