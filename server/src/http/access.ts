/**
 * Who may call a route, as the routers see it. Every router that checks a permission takes an
 * AccessControl as a parameter, like its services, rather than importing the session check:
 * a router test then passes an AccessControl that lets everyone in (or no one) and reaches the
 * handler without a session store, a user or a cookie (routers.errors.test.ts does).
 */
import type { Permission } from '../../../contract/index.ts';
import type { RequestHandler, Request, Response } from 'express';
import type { Actor } from '../services/alarm.service.ts';
import { currentUser, requirePermission } from './auth.middleware.ts';

export interface AccessControl {
  /** 401 UNAUTHENTICATED without a session, 403 FORBIDDEN when the role lacks the permission. */
  requirePermission(p: Permission): RequestHandler;
  /** The signed-in user (after requirePermission). */
  actorOf(req: Request, res: Response): Actor;
}

/** The real one: the session sessionMiddleware loaded, checked against the role table (contract/auth.ts `can`). */
export const sessionAccess: AccessControl = { requirePermission, actorOf: currentUser };
