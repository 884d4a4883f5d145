/**
 * Readings from devices that are not in the registry are stored as `unregistered` and raise ONE
 * low-priority "unknown devices" trouble per site, naming the ids it heard — never silently
 * dropped, and never one alarm per id: a burst of made-up ids must not bury the alarm queue
 * (docs/contracts.md#conditions-and-rules).
 *
 * - The site's trouble is present while unregistered devices keep talking and returns to normal
 *   `momentaryHoldS` after the last one fell silent.
 * - It names the first UNKNOWN_IDS_SHOWN new ids of its episode and counts them all; the message
 *   is brought up to date at most once a second (a flood of ids would otherwise be a flood of
 *   alarm updates).
 * - An id is reported once: heard again after its alarm closed, it does not raise again; a new id
 *   raises a new alarm. Reported ids are remembered up to UNKNOWN_IDS_REMEMBERED per site, the
 *   oldest forgotten first (a forgotten id heard again counts as new).
 * - A drill tag does not make a separate alarm: an unregistered device is real news whatever it
 *   claims, and drill ids come from the device (one alarm per made-up drill id would be the same flood).
 * - At most UNKNOWN_SUBJECTS_MAX sites' states are kept (ingest accepts unregistered devices only
 *   at the facility's sites, so this bounds a misuse of the engine, not normal traffic): past it
 *   the least recently heard one without an open alarm goes, else the least recently heard.
 */
import { UNREGISTERED, type DetailText, type Observation } from '../../../../contract/index.ts';
import { SPECS } from './conditions.ts';
import { conditionHeld, openAlarmOf, setMessage } from './lifecycle.ts';
import { newRuleState } from './rule-state.ts';
import { alarmChanged } from './events.ts';
import { wakeAt, type PointState, type Run, type SensorRuleState, type UnknownDevices } from './engine.types.ts';

/** Ids an alarm's detail names; the rest are counted ("and N more"). */
export const UNKNOWN_IDS_SHOWN = 20;
/** Reported ids remembered per site (each at most 64 characters: about 64 KB per site at worst). */
export const UNKNOWN_IDS_REMEMBERED = 1000;
/** Site unknown-device states kept at most. */
export const UNKNOWN_SUBJECTS_MAX = 256;
/** The alarm's message follows new ids at most this often. */
export const UNKNOWN_REFRESH_MS = 1000;

/**
 * The alarm subject for a site's unregistered devices. `@` cannot occur in a device id
 * (contract ID_PATTERN), so it never collides with a real sensor.
 */
export const unknownSubjectId = (siteId: string): string => `${UNREGISTERED}@${siteId}`;

export function evaluateUnknown(run: Run, obs: Observation): void {
  const rs = siteState(run, obs.siteId);
  rs.lastSeen = run.now;
  const u = rs.unknownDevices!;
  const p = rs.points.unknown_device;
  const isNew = !u.reported.includes(obs.sensorId);
  if (isNew) remember(u, obs.sensorId);
  const hold = run.ctx.settings.momentaryHoldS * 1000;
  if (p !== undefined && p.active) {
    // Still talking: keep the condition present without a new event.
    p.holdUntil = run.now + hold;
    wakeAt(rs, p.holdUntil);
    if (isNew) note(run, rs, p, u, obs.sensorId);
    return;
  }
  if (p !== undefined && p.alarmId !== null) {
    // The alarm is still open (returned to normal, not yet acknowledged): the same alarm again.
    if (isNew) addShown(u, obs.sensorId);
    conditionHeld(run, rs, 'unknown_device', SPECS.unknownDevice, u.count, detailOf(u), hold);
    u.refreshedAt = run.now;
    u.stale = false;
    return;
  }
  if (!isNew) return; // reported already, and its alarm closed
  u.shown = [obs.sensorId];
  u.count = 1;
  u.refreshedAt = run.now;
  u.stale = false;
  conditionHeld(run, rs, 'unknown_device', SPECS.unknownDevice, u.count, detailOf(u), hold);
}

/** Called by every tick for an unknown-device state: catch the message up with ids heard since. */
export function unknownTick(run: Run, rs: SensorRuleState): void {
  const u = rs.unknownDevices;
  const p = rs.points.unknown_device;
  if (u === undefined || p === undefined || !u.stale || run.now < u.refreshedAt + UNKNOWN_REFRESH_MS) return;
  refresh(run, rs, p, u);
}

/** "3 ids: A, B, C" / "45 ids: A, …, T and 25 more". */
export function detailOf(u: Pick<UnknownDevices, 'shown' | 'count'>): DetailText {
  return { key: 'unknown_ids', params: { count: u.count, ids: u.shown.join(', '), more: u.count - u.shown.length } };
}

function siteState(run: Run, siteId: string): SensorRuleState {
  const id = unknownSubjectId(siteId);
  const existing = run.state.sensors.get(id);
  if (existing !== undefined) {
    existing.unknownDevices ??= { reported: [], shown: [], count: 0, refreshedAt: run.now, stale: false };
    return existing;
  }
  evictIfFull(run);
  const rs = newRuleState(id, { id, siteId, zoneId: UNREGISTERED }, null, null, run.now);
  rs.unknown = true;
  rs.unknownDevices = { reported: [], shown: [], count: 0, refreshedAt: run.now, stale: false };
  run.state.sensors.set(id, rs);
  return rs;
}

function evictIfFull(run: Run): void {
  let size = 0;
  let quiet: SensorRuleState | undefined;
  let oldest: SensorRuleState | undefined;
  for (const rs of run.state.sensors.values()) {
    if (!rs.unknown) continue;
    size += 1;
    const seen = rs.lastSeen ?? -Infinity;
    if (oldest === undefined || seen < (oldest.lastSeen ?? -Infinity)) oldest = rs;
    if (rs.points.unknown_device?.alarmId == null && (quiet === undefined || seen < (quiet.lastSeen ?? -Infinity))) quiet = rs;
  }
  // An alarm whose state went stays in the queue; it can still be acknowledged and resolved.
  if (size >= UNKNOWN_SUBJECTS_MAX) run.state.sensors.delete((quiet ?? oldest)!.key);
}

function remember(u: UnknownDevices, id: string): void {
  u.reported.push(id);
  if (u.reported.length > UNKNOWN_IDS_REMEMBERED) u.reported.shift();
}

function addShown(u: UnknownDevices, id: string): void {
  u.count += 1;
  if (u.shown.length < UNKNOWN_IDS_SHOWN) u.shown.push(id);
}

/** A new id while the condition is present: counted now, shown within UNKNOWN_REFRESH_MS. */
function note(run: Run, rs: SensorRuleState, p: PointState, u: UnknownDevices, id: string): void {
  addShown(u, id);
  u.stale = true;
  if (run.now >= u.refreshedAt + UNKNOWN_REFRESH_MS) refresh(run, rs, p, u);
}

function refresh(run: Run, rs: SensorRuleState, p: PointState, u: UnknownDevices): void {
  u.stale = false;
  u.refreshedAt = run.now;
  p.value = u.count;
  p.detail = detailOf(u);
  const alarm = openAlarmOf(run.state, p);
  if (alarm === undefined) return;
  alarm.lastValue = u.count;
  alarm.peakValue = Math.max(alarm.peakValue ?? 0, u.count);
  setMessage(run, rs, 'unknown_device', p, alarm);
  alarmChanged(run, 'updated', alarm, undefined, { key: 'unknown_count', params: { count: u.count } });
}
