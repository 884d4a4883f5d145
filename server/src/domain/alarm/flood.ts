/**
 * Alarm flood handling (ISA-18.2: a flood is more alarms than an operator can handle, the usual
 * benchmark being 10 per 10 minutes): when a site raises more than `floodCount` new alarms within
 * `floodWindowS`, its open alarms from that window and every new one while the flood lasts are
 * grouped by zone into incidents. Drill alarms flood into drill incidents, never real ones.
 * Life-safety alarms (fire, gas, CO, leak) are never grouped (contract/life-safety.ts).
 */
import { PRIORITY_RANK, type Alarm, type Incident, type Priority } from '../../../../contract/index.ts';
import { isLifeSafety } from '../../../../contract/life-safety.ts';
import { alarmChanged, incidentChanged } from './events.ts';
import { newId, ruleKey, type Run } from './engine.types.ts';

/** Count a newly raised alarm towards its site's flood window; group when the site floods. */
export function noteNewAlarm(run: Run, alarm: Alarm): void {
  const { floodCount, floodWindowS } = run.ctx.settings;
  const key = ruleKey(alarm.siteId, alarm.drill);
  const since = run.now - floodWindowS * 1000;
  let times = run.state.floods.get(key);
  if (times === undefined) {
    times = [];
    run.state.floods.set(key, times);
  }
  times.push(run.now);
  while (times.length > 0 && (times[0] ?? 0) <= since) times.shift();
  if (times.length <= floodCount) return;
  for (const a of run.state.alarms.values()) {
    // A fire, gas, CO or leak alarm counts towards the flood but stays out of every incident: an
    // incident's acknowledge must never reach one.
    if (a.incidentId === null && a.state !== 'cleared' && a.siteId === alarm.siteId && a.drill === alarm.drill && a.raisedAt > since && !isLifeSafety(a))
      join(run, a);
  }
}

/** Forget flood windows that have emptied (tick). */
export function trimFloods(run: Run): void {
  const since = run.now - run.ctx.settings.floodWindowS * 1000;
  for (const [key, times] of run.state.floods) {
    while (times.length > 0 && (times[0] ?? 0) <= since) times.shift();
    if (times.length === 0) run.state.floods.delete(key);
  }
}

/**
 * Put an alarm into its zone's open incident, or open one. Flood grouping and the sprinkler
 * correlation (sprinkler.ts: a fire's water flow joins its fire alarm) both use it; `note` says why.
 */
export function join(run: Run, alarm: Alarm, why: 'grouped' | 'fire_incident' = 'grouped'): void {
  let incident: Incident | undefined;
  for (const i of run.state.incidents.values()) {
    if (i.state !== 'closed' && i.siteId === alarm.siteId && i.zoneId === alarm.zoneId && i.drill === alarm.drill) {
      incident = i;
      break;
    }
  }
  const opened = incident === undefined;
  if (incident === undefined) {
    run.state.counters.incident += 1;
    incident = {
      id: newId(run.ctx, 'in', run.now, run.state.counters.incident),
      siteId: alarm.siteId,
      zoneId: alarm.zoneId,
      drill: alarm.drill,
      state: 'open',
      alarmIds: [],
      priority: alarm.priority,
      unackedCount: 0,
      activeCount: 0,
      openedAt: run.now,
      updatedAt: run.now,
      ackedAt: null,
      ackedBy: null,
      assignedTo: null,
      closedAt: null,
    };
    run.state.incidents.set(incident.id, incident);
  }
  incident.alarmIds.push(alarm.id);
  alarm.incidentId = incident.id;
  alarmChanged(run, 'updated', alarm, undefined, { key: why, params: { incidentId: incident.id } });
  summarise(run, incident);
  incidentChanged(run, opened ? 'incident_opened' : 'incident_updated', incident);
}

/** Recompute an incident's summary from its members; true when it changed. */
export function summarise(run: Run, incident: Incident): boolean {
  let unacked = 0;
  let active = 0;
  let open = 0;
  let priority: Priority = 'low';
  for (const id of incident.alarmIds) {
    const a = run.state.alarms.get(id);
    if (a === undefined || a.state === 'cleared') continue;
    open += 1;
    if (a.state === 'active_unacked' || a.state === 'cleared_unacked') unacked += 1;
    if (a.conditionActive) active += 1;
    if (PRIORITY_RANK[a.priority] < PRIORITY_RANK[priority]) priority = a.priority;
  }
  const state: Incident['state'] = open === 0 ? 'closed' : unacked > 0 ? 'open' : 'acked';
  if (open === 0) priority = incident.priority;
  const changed = state !== incident.state || unacked !== incident.unackedCount || active !== incident.activeCount || priority !== incident.priority;
  incident.unackedCount = unacked;
  incident.activeCount = active;
  incident.priority = priority;
  if (state === 'closed' && incident.state !== 'closed') incident.closedAt = run.now;
  incident.state = state;
  return changed;
}

/** After a member alarm changed: refresh its incident and tell clients when the summary moved. */
export function touchIncident(run: Run, alarm: Alarm): void {
  if (alarm.incidentId === null) return;
  const incident = run.state.incidents.get(alarm.incidentId);
  if (incident !== undefined && summarise(run, incident) && run.quietIncident !== incident.id) incidentChanged(run, 'incident_updated', incident);
}
