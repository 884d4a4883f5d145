/**
 * Conditions that call for more than the alarm itself, without zod: the dashboard imports them
 * from here, so that its bundle holds none of the schemas of camera.ts and presence.ts, which
 * re-export them. Life-safety conditions are in life-safety.ts.
 */
import type { Condition } from './alarm-constants.ts';

/** The alarms a camera verifies with snapshots: an intruder, a fire or a gas release can be seen. */
export const CAMERA_VERIFIED_CONDITIONS: readonly Condition[] = ['door_forced', 'door_held', 'after_hours_access', 'smoke', 'gas', 'co'];

/** Alarms whose detail and notification list the people presumed in the zone. */
export const PRESENCE_CONDITIONS: ReadonlySet<Condition> = new Set<Condition>(['gas', 'gas_rise', 'co', 'co_rise', 'smoke', 'smoke_pre_alarm', 'leak']);
/** Alarms that open a muster of everyone presumed inside the building (fire). */
export const MUSTER_CONDITIONS: ReadonlySet<Condition> = new Set<Condition>(['smoke']);
