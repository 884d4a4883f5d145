/**
 * Account and session administration (permission `admin.users`):
 * - `GET /api/users` → UserAdminView[]; `POST /api/users` (userCreateBodySchema) → 201 UserAdminView
 * - `POST /api/users/:username/{disable,enable,unlock}` → UserAdminView
 * - `POST /api/users/:username/reset-password` (passwordResetBodySchema) → UserAdminView
 * - `GET /api/sessions` → SessionView[]; `DELETE /api/sessions/:id` → 204
 * And for whoever may assign alarms (`alarm.assign`): `GET /api/users/assignable` → AssignableUser[].
 */
import { Router } from 'express';
import { passwordResetBodySchema, userCreateBodySchema, type AssignableUser, type SessionView, type UserAdminView } from '../../../contract/index.ts';
import { badRequest } from '../errors.ts';
import type { UsersService } from '../services/users.service.ts';
import type { AccessControl } from './access.ts';
import { jsonBody } from './auth.router.ts';
import { parseBody } from './parse.ts';

export function usersRouter(users: UsersService, access: AccessControl): Router {
  const router = Router();
  const admin = access.requirePermission('admin.users');

  router.get('/api/users', admin, async (_req, res) => {
    const body: UserAdminView[] = await users.list();
    res.set('cache-control', 'no-store').json(body);
  });

  // Assign picks from this list: a typed name could name nobody, and the officer cannot see the admin list.
  router.get('/api/users/assignable', access.requirePermission('alarm.assign'), async (_req, res) => {
    const body: AssignableUser[] = (await users.list())
      .filter((u) => !u.disabled)
      .map((u) => ({ username: u.username, displayName: u.displayName }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.username.localeCompare(b.username));
    res.set('cache-control', 'no-store').json(body);
  });

  router.post('/api/users', admin, jsonBody, async (req, res) => {
    const body = parseBody(userCreateBodySchema, req.body);
    const created: UserAdminView = await users.create(access.actorOf(req, res).username, body);
    res.status(201).json(created);
  });

  const simple = { disable: users.disable.bind(users), enable: users.enable.bind(users), unlock: users.unlock.bind(users) } as const;
  for (const [action, run] of Object.entries(simple)) {
    router.post(`/api/users/:username/${action}`, admin, async (req, res) => {
      const body: UserAdminView = await run(access.actorOf(req, res).username, String(req.params.username));
      res.json(body);
    });
  }

  router.post('/api/users/:username/reset-password', admin, jsonBody, async (req, res) => {
    const body = parseBody(passwordResetBodySchema, req.body);
    const updated: UserAdminView = await users.resetPassword(access.actorOf(req, res).username, String(req.params.username), body.password);
    res.json(updated);
  });

  router.get('/api/sessions', admin, async (_req, res) => {
    const body: SessionView[] = await users.listSessions();
    res.set('cache-control', 'no-store').json(body);
  });

  router.delete('/api/sessions/:id', admin, async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw badRequest('session id must be a positive integer');
    await users.revokeSession(access.actorOf(req, res).username, id);
    res.status(204).end();
  });
  return router;
}
