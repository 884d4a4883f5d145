/**
 * Who is asking, and may they: the session cookie read on every request, the permission check
 * for each route, and the same check for Socket.IO connections. Routers get the permission check
 * through the AccessControl port (access.ts `sessionAccess`).
 *
 * @example
 *   app.use(sessionMiddleware(auth));
 *   router.post('/api/alarms/:id/ack', access.requirePermission('alarm.ack'), (req, res) => {
 *     const actor = access.actorOf(req, res);
 *     ...
 *   });
 *   io.use(socketAuth(auth)); // socket.data.user is the signed-in user
 */
import type { RequestHandler, Request, Response } from 'express';
import { SESSION_COOKIE, can, type Permission, type User } from '../../../contract/index.ts';
import { HttpError } from '../errors.ts';
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
  return async (req, res, next) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const auth = token ? await sessions.authenticate(token) : null;
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
  if (!user) throw new HttpError('UNAUTHENTICATED', 'sign in first');
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
    if (!user) return next(new HttpError('UNAUTHENTICATED', 'sign in first'));
    if (!can(user.role, permission)) return next(new HttpError('FORBIDDEN', `role ${user.role} may not ${permission}`));
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
    (token ? sessions.authenticate(token) : Promise.resolve(null)).then(
      (auth) => {
        if (!auth) return next(new Error('unauthorized'));
        socket.data.user = auth.user;
        socket.data.sessionId = auth.session.id;
        next();
      },
      // The store failed: refused like a missing session, the cause kept for the server's log.
      (err: unknown) => next(new Error('unauthorized', { cause: err })),
    );
  };
}
