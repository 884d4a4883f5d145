/**
 * Until the users issue's sessions are wired, no request carries an identity: every action is
 * refused (issue 3: "take the actor from the authenticated session if present, else reject").
 */
import type { AccessControl } from './alarms.router.ts';
import { HttpError } from '../errors.ts';

export const noSessionAccess: AccessControl = {
  requirePermission: () => (_req, _res, next) => next(new HttpError(401, 'UNAUTHENTICATED', 'sign in first')),
  actorOf: () => {
    throw new HttpError(401, 'UNAUTHENTICATED', 'sign in first');
  },
};
