/**
 * The roles and what each may do, without zod: the server enforces this table on every REST action
 * and socket message; the dashboard imports it from here (not from auth.ts, whose schemas would
 * come with it) to hide what the server would refuse. auth.ts re-exports it.
 *
 * @example
 * ```ts
 * if (can(user.role, 'alarm.resolve')) showResolveButton();
 * ```
 */
import type { AlarmActionType } from './alarm-actions.ts';

export const ROLES = ['officer', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'alarm.view',
  'alarm.ack',
  'alarm.comment',
  'alarm.assign',
  'alarm.shelve',
  'alarm.reset',
  'alarm.resolve',
  'shift.handover',
  'sensor.out_of_service',
  'report.view',
  'drill.run',
  'admin.users',
  'admin.devices',
  'admin.config',
  'audit.view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const officer: Permission[] = ['alarm.view', 'alarm.ack', 'alarm.comment', 'alarm.assign', 'alarm.shelve', 'alarm.reset', 'shift.handover'];
const manager: Permission[] = [...officer, 'alarm.resolve', 'sensor.out_of_service', 'report.view', 'drill.run', 'audit.view'];
const admin: Permission[] = [...manager, 'admin.users', 'admin.devices', 'admin.config'];

/** Each role may do everything the one before it may: officer < manager < admin (docs/contracts.md#rest-api). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  officer: new Set(officer),
  manager: new Set(manager),
  admin: new Set(admin),
};

/** The permission each alarm action needs: the server enforces it, the dashboard hides what it would refuse. */
export const ACTION_PERMISSION: Record<AlarmActionType, Permission> = {
  ack: 'alarm.ack',
  comment: 'alarm.comment',
  assign: 'alarm.assign',
  shelve: 'alarm.shelve',
  unshelve: 'alarm.shelve',
  reset: 'alarm.reset',
  resolve: 'alarm.resolve',
  // Ticking a procedure step is a note on the alarm: whoever may comment may tick.
  sop_step: 'alarm.comment',
};

/** Longest shelve each role may set (officer 1 h, manager 8 h). */
export const MAX_SHELVE_S: Readonly<Record<Role, number>> = { officer: 3600, manager: 8 * 3600, admin: 8 * 3600 };

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
