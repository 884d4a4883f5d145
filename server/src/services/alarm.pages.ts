/** Every alarm a filter matches, read from the alarm store a page at a time. */
import type { Alarm } from '../../../contract/index.ts';
import type { AlarmFilter } from './alarm.ports.ts';

/** Alarms per read: a long period's alarms are never held in one statement's result. */
export const ALARM_PAGE = 1000;

export type AlarmLister = (filter: AlarmFilter) => Promise<{ alarms: Alarm[] }>;

/**
 * The pages are read an await apart, newest first: an alarm raised meanwhile comes in ahead of the
 * page boundary and pushes the last alarm of a page read onto the next one. Each is kept once, by id.
 */
export async function allAlarms(list: AlarmLister, filter: Omit<AlarmFilter, 'limit' | 'offset'>): Promise<Alarm[]> {
  const byId = new Map<string, Alarm>();
  for (let offset = 0; ; offset += ALARM_PAGE) {
    const page = await list({ ...filter, limit: ALARM_PAGE, offset });
    for (const a of page.alarms) if (!byId.has(a.id)) byId.set(a.id, a);
    if (page.alarms.length < ALARM_PAGE) return [...byId.values()];
  }
}
