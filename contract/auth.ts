/**
 * People, roles and what each role may do. The server enforces this table on every REST action
 * and socket message; the dashboard only hides what the server would refuse.
 *
 * @example
 * ```ts
 * if (can(user.role, 'alarm.resolve')) showResolveButton();
 * ```
 */
import { z } from 'zod';

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
  'sensor.out_of_service',
  'report.view',
  'drill.run',
  'admin.users',
  'admin.devices',
  'admin.config',
  'audit.view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const officer: Permission[] = ['alarm.view', 'alarm.ack', 'alarm.comment', 'alarm.assign', 'alarm.shelve', 'alarm.reset'];
const manager: Permission[] = [...officer, 'alarm.resolve', 'sensor.out_of_service', 'report.view', 'drill.run', 'audit.view'];
const admin: Permission[] = [...manager, 'admin.users', 'admin.devices', 'admin.config'];

/** Issue 4 "People": officer < manager < admin. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  officer: new Set(officer),
  manager: new Set(manager),
  admin: new Set(admin),
};

/** Longest shelve each role may set (issue 4: officer 1 h, manager 8 h). */
export const MAX_SHELVE_S: Readonly<Record<Role, number>> = { officer: 3600, manager: 8 * 3600, admin: 8 * 3600 };

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

export interface User {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
}

export const usernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'username must be 2-32 lower-case letters, digits, ".", "_" or "-"');
export const loginBodySchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
export const passwordChangeBodySchema = z.object({ current: z.string().min(1).max(1024), next: z.string().min(12, 'at least 12 characters').max(1024) }).strict();

/** `POST /api/auth/login` and `GET /api/auth/me` answer this. */
export interface SessionInfo {
  user: User;
  /** Session expiry after inactivity, epoch ms. */
  expiresAt: number;
}
