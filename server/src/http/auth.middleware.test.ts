import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, type Permission, type Role, type User } from '../../../contract/index.ts';
import { HttpError } from '../errors.ts';
import { STATUS_OF } from './errors.middleware.ts';
import type { AuthenticatedSession, SessionAuthenticator } from '../services/auth.service.ts';
import { readCookie, requirePermission, sessionMiddleware, socketAuth, type AuthSocket } from './auth.middleware.ts';

/**
 * The role table, written out from the roles Vigil promises (docs/contracts.md "REST API") rather
 * than derived from contract/auth.ts, so a change there that widens a role fails here: officer
 * (watch, acknowledge, comment, assign, shelve, reset, hand over and accept a shift), manager (+ resolve, out-of-service,
 * reports, drills, the audit trail), admin (+ users, devices and API keys, configuration).
 */
const EXPECTED: Record<Role, Permission[]> = {
  officer: ['alarm.view', 'alarm.ack', 'alarm.comment', 'alarm.assign', 'alarm.shelve', 'alarm.reset', 'shift.handover'],
  manager: [
    'alarm.view',
    'alarm.ack',
    'alarm.comment',
    'alarm.assign',
    'alarm.shelve',
    'alarm.reset',
    'shift.handover',
    'alarm.resolve',
    'sensor.out_of_service',
    'report.view',
    'drill.run',
    'audit.view',
  ],
  admin: [...PERMISSIONS],
};

const user = (role: Role): User => ({ username: `u-${role}`, displayName: role, role, disabled: false });

function check(permission: Permission, locals: Record<string, unknown>): number {
  let status = 0;
  requirePermission(permission)({} as Request, { locals } as unknown as Response, (err?: unknown) => {
    status = err instanceof HttpError ? STATUS_OF[err.code] : 200;
  });
  return status;
}

describe('requirePermission: every role × every permission', () => {
  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      const allowed = EXPECTED[role].includes(permission);
      it(`${role} ${allowed ? 'may' : 'may not'} ${permission}`, () => {
        expect(check(permission, { user: user(role) })).toBe(allowed ? 200 : 403);
      });
    }
  }

  it('answers 401 without a session, for every permission', () => {
    for (const permission of PERMISSIONS) expect(check(permission, {})).toBe(401);
  });
});

const fakeSessions = (token: string, u: User): SessionAuthenticator => ({
  authenticate: async (t) => (t === token ? ({ user: u, session: { id: 7 } } as unknown as AuthenticatedSession) : null),
});

describe('session cookie', () => {
  it('reads the vigil_session cookie among others, and nothing from a missing or malformed header', () => {
    expect(readCookie('a=1; vigil_session=abc%2Bdef; b=2', 'vigil_session')).toBe('abc+def');
    expect(readCookie('vigil_session_x=1; x=vigil_session', 'vigil_session')).toBeNull();
    expect(readCookie(undefined, 'vigil_session')).toBeNull();
    expect(readCookie('vigil_session=%E0%A4%A', 'vigil_session')).toBeNull();
  });

  it('sessionMiddleware loads the user for a live session and leaves others anonymous', async () => {
    const mw = sessionMiddleware(fakeSessions('good', user('manager')));
    const withCookie = { locals: {} as Record<string, unknown> };
    await mw({ headers: { cookie: 'vigil_session=good' } } as Request, withCookie as unknown as Response, () => {});
    expect(withCookie.locals.user).toMatchObject({ role: 'manager' });
    const stale = { locals: {} as Record<string, unknown> };
    await mw({ headers: { cookie: 'vigil_session=old' } } as Request, stale as unknown as Response, () => {});
    expect(stale.locals.user).toBeUndefined();
  });

  it('socketAuth refuses a handshake without a live session and sets socket.data.user otherwise', async () => {
    const guard = socketAuth(fakeSessions('good', user('officer')));
    /** What the guard passes to `next` for this socket. */
    const verdict = (socket: AuthSocket) => new Promise<Error | undefined>((resolve) => guard(socket, resolve));
    expect((await verdict({ handshake: { headers: {} }, data: {} }))?.message).toBe('unauthorized');
    expect((await verdict({ handshake: { headers: { cookie: 'vigil_session=forged' } }, data: {} }))?.message).toBe('unauthorized');
    const socket = { handshake: { headers: { cookie: 'vigil_session=good' } }, data: {} as { user?: User; sessionId?: number } };
    expect(await verdict(socket)).toBeUndefined();
    expect(socket.data).toEqual({ user: user('officer'), sessionId: 7 });
  });

  it('socketAuth refuses the handshake when the session store fails', async () => {
    const guard = socketAuth({ authenticate: () => Promise.reject(new Error('database gone')) });
    const refused = await new Promise<Error | undefined>((resolve) => guard({ handshake: { headers: { cookie: 'vigil_session=good' } }, data: {} }, resolve));
    expect(refused).toMatchObject({ message: 'unauthorized', cause: { message: 'database gone' } });
  });
});
