/**
 * Life-safety alarms: fire, gas, CO, water leak and sprinkler water flow. Flood handling never folds one into a
 * group (a server incident or a console group), so no group acknowledge can reach one; the
 * console keeps each on its own row above the rest (docs/contracts.md#the-console-queue).
 * Gas and CO count at every level: their priority rises in place, and an alarm must not leave or
 * join a group when it does. Imports only types, so the dashboard can use it without zod.
 *
 * @example `if (!isLifeSafety(alarm)) join(incident, alarm);`
 */
import type { Alarm, Condition } from './alarm.ts';

export const LIFE_SAFETY_CONDITIONS: readonly Condition[] = ['smoke', 'gas', 'co', 'leak', 'waterflow'];

const SET: ReadonlySet<Condition> = new Set(LIFE_SAFETY_CONDITIONS);

/** @example `isLifeSafety({ condition: 'smoke' }) // true` */
export function isLifeSafety(alarm: Pick<Alarm, 'condition'>): boolean {
  return SET.has(alarm.condition);
}
