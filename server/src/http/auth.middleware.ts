/**
 * Who is asking, and may they (issue 4 "People"): the session cookie read on every request, the
 * permission check for each route, and the same check for Socket.IO connections.
 *
 * @example
 *   app.use(sessionMiddleware(auth));
 *   router.post('/api/alarms/:id/ack', requirePermission('alarm.ack'), (req, res) => {
 *     const actor = currentUser(req, res);
 *     ...
 *   });
 *   io.use(socketAuth(auth)); // socket.data.user is the signed-in user
 */
import type { RequestHandler, Request, Response } from 'express';
import { SESSION_COOKIE, can, type AuthErrorCode, type Permission, type User } from '../../../contract/index.ts';
import { HttpError } from '../errors.ts';
import { AuthError } from '../services/auth.errors.ts';
import type { AuthenticatedSession, SessionAuthenticator } from '../services/auth.service.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by sessionMiddleware for a request with a live session. */
      auth?: AuthenticatedSession;
      /** The signed-in user (same as auth.user). */
      user?: User;
    }
  }
}

/** The value of one cookie in a `Cookie` header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
    } catch {
      return null;
    }
  }
  return null;
}

/** Loads the session named by the `vigil_session` cookie into `res.locals.auth` / `res.locals.user`; never refuses by itself. */
export function sessionMiddleware(sessions: SessionAuthenticator): RequestHandler {
  return (req, res, next) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const auth = token ? sessions.authenticate(token) : null;
    if (auth) {
      res.locals.auth = auth;
      res.locals.user = auth.user;
    }
    next();
  };
}

/** The signed-in user; throws 401 when there is none (use after requirePermission). */
export function currentUser(_req: Request, res: Response): User {
  const user = res.locals.user;
  if (!user) throw new HttpError(401, 'UNAUTHENTICATED', 'sign in first');
  return user;
}

/** The request's session, or null. */
export function currentSession(res: Response): AuthenticatedSession | null {
  return res.locals.auth ?? null;
}

/** 401 without a session, 403 when the user's role lacks `permission` (contract/auth.ts `can`). */
export function requirePermission(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const user = res.locals.user;
    if (!user) return next(new HttpError(401, 'UNAUTHENTICATED', 'sign in first'));
    if (!can(user.role, permission)) return next(new HttpError(403, 'FORBIDDEN', `role ${user.role} may not ${permission}`));
    next();
  };
}

/** What socketAuth needs of a Socket.IO socket (structural: no socket.io import outside adapters). */
export interface AuthSocket {
  handshake: { headers: { cookie?: string | undefined } };
  data: { user?: User; sessionId?: number };
}

/**
 * Socket.IO middleware (`io.use(socketAuth(auth))`): refuses the connection with
 * `Error('unauthorized')` without a live session; otherwise sets `socket.data.user` and
 * `socket.data.sessionId`.
 */
export function socketAuth(sessions: SessionAuthenticator): (socket: AuthSocket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
    const auth = token ? sessions.authenticate(token) : null;
    if (!auth) return next(new Error('unauthorized'));
    socket.data.user = auth.user;
    socket.data.sessionId = auth.session.id;
    next();
  };
}

const STATUS_OF: Record<AuthErrorCode, number> = {
  INVALID_CREDENTIALS: 401,
  ACCOUNT_LOCKED: 423,
  ACCOUNT_DISABLED: 403,
  RATE_LIMITED: 429,
  WRONG_PASSWORD: 403,
  NOT_FOUND: 404,
  USER_EXISTS: 409,
  LAST_ADMIN: 409,
  ALREADY_EXISTS: 409,
  BAD_REQUEST: 400,
};

/** AuthError → HttpError (with Retry-After for rate limits); anything else passes through. */
export function authErrorToHttp(err: unknown, res?: Response): unknown {
  if (!(err instanceof AuthError)) return err;
  if (err.details?.retryAfterS !== undefined) res?.set('retry-after', String(Math.max(1, err.details.retryAfterS)));
  return new HttpError(
    STATUS_OF[err.code],
    err.code,
    err.message,
    err.details?.lockedUntil !== undefined ? { lockedUntil: err.details.lockedUntil } : undefined,
  );
}

/** Wraps a handler so AuthErrors answer with their status. */
export function handleAuthErrors(fn: (req: Request, res: Response) => unknown): RequestHandler {
  return async (req, res, next) => {
    try {
      await fn(req, res);
    } catch (err) {
      next(authErrorToHttp(err, res));
    }
  };
}
