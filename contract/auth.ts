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
import { ROLES, type Role } from './roles.ts';

// The roles table lives in a module without zod, which the dashboard imports instead of this one
// (importing anything from here would put zod and every schema below into its bundle).
export { ACTION_PERMISSION, can, MAX_SHELVE_S, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from './roles.ts';

export interface User {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
}

export const usernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'username must be 2-32 lower-case letters, digits, ".", "_" or "-"');
export const loginBodySchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
export const passwordChangeBodySchema = z
  .object({ current: z.string().min(1).max(1024), next: z.string().min(12, 'at least 12 characters').max(1024) })
  .strict();

/** `POST /api/auth/login` and `GET /api/auth/me` answer this. */
export interface SessionInfo {
  user: User;
  /** Session expiry after inactivity, epoch ms. */
  expiresAt: number;
}

/** The session cookie `POST /api/auth/login` sets (httpOnly, SameSite=Strict, Secure behind TLS). */
export const SESSION_COOKIE = 'vigil_session';

/** New passwords (create, reset, change): the same rule as `passwordChangeBodySchema.next`. */
export const passwordSchema = z.string().min(12, 'at least 12 characters').max(1024);
export const displayNameSchema = z.string().trim().min(1).max(100);

/** `POST /api/users` (admin.users). */
export const userCreateBodySchema = z
  .object({ username: usernameSchema, displayName: displayNameSchema.optional(), role: z.enum(ROLES), password: passwordSchema })
  .strict();
/** `POST /api/users/:username/reset-password` (admin.users). */
export const passwordResetBodySchema = z.object({ password: passwordSchema }).strict();

/** A user as admins see it (`GET /api/users`); never the password hash. */
/**
 * `GET /api/users/assignable` (`alarm.assign`): who an alarm can be assigned to, the enabled
 * accounts sorted by display name; names only, nothing an officer need not see.
 * @example `[{"username": "officer.li", "displayName": "Li Na"}]`
 */
export interface AssignableUser {
  username: string;
  displayName: string;
}

export interface UserAdminView extends User {
  createdAt: number;
  lastLoginAt: number | null;
  /** Consecutive failed logins since the last success or unlock. */
  failedLogins: number;
  /** Epoch ms until which logins are refused, or null. */
  lockedUntil: number | null;
}

/** A live session as admins see it (`GET /api/sessions`); never the session token. */
export interface SessionView {
  id: number;
  username: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  address: string;
  userAgent: string;
}

/**
 * Demo mode only (`VIGIL_DEMO=1`, `npm start`): accounts created at start when absent, so the
 * login screen may hint them. Production creates none.
 */
export const DEMO_ACCOUNTS: readonly { username: string; password: string; role: Role; displayName: string }[] = [
  { username: 'officer', password: 'demo-officer-password', role: 'officer', displayName: 'Demo duty officer' },
  { username: 'manager', password: 'demo-manager-password', role: 'manager', displayName: 'Demo facility manager' },
  { username: 'admin', password: 'demo-admin-password', role: 'admin', displayName: 'Demo administrator' },
];

/** `GET /api/auth/config`: what the login screen may show before anyone is signed in. */
export interface AuthConfigResponse {
  demo: boolean;
  /** Present in demo mode only. */
  demoAccounts?: { username: string; password: string; role: Role }[];
}

/**
 * Error codes of the auth and admin routes (with their HTTP status): INVALID_CREDENTIALS 401,
 * UNAUTHENTICATED 401, FORBIDDEN 403, ACCOUNT_DISABLED 403, WRONG_PASSWORD 403, NOT_FOUND 404,
 * USER_EXISTS 409, LAST_ADMIN 409, ALREADY_EXISTS 409, ACCOUNT_LOCKED 423 (details.lockedUntil),
 * RATE_LIMITED 429 (Retry-After header), BAD_REQUEST 400.
 */
export const AUTH_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'RATE_LIMITED',
  'WRONG_PASSWORD',
  'NOT_FOUND',
  'USER_EXISTS',
  'LAST_ADMIN',
  'ALREADY_EXISTS',
  'BAD_REQUEST',
] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];
