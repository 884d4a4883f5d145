/** Corrective action routes. Who may make which change is the service's rule (domain/actions); its refusals (ActionError) reach the client through errors.middleware.ts. */
import express, { Router, type RequestHandler } from 'express';
import {
  actionCreateBodySchema,
  actionListQuerySchema,
  actionPatchBodySchema,
  MAX_ATTACHMENT_BYTES,
  type AlarmNotificationsResponse,
} from '../../../contract/index.ts';
import { badRequest, notFound } from '../errors.ts';
import type { ActionService } from '../services/action.service.ts';
import type { NotificationLog } from '../services/notification.ports.ts';
import type { AccessControl } from './access.ts';
import { parseBody, parseQuery } from './parse.ts';

function actionId(raw: unknown): number {
  const s = String(raw);
  if (!/^[1-9]\d{0,15}$/.test(s)) throw notFound(`no corrective action ${s}`);
  return Number(s);
}

export function actionsRouter(actions: ActionService, notifications: NotificationLog, access: AccessControl, jsonBody: RequestHandler): Router {
  const router = Router();
  // Every role reads and opens actions; the moves each may make are checked per action.
  const read = access.requirePermission('alarm.view');
  const write = access.requirePermission('alarm.comment');

  router.get('/api/actions', read, async (req, res) => {
    res.json(await actions.list(parseQuery(actionListQuerySchema, req.query), access.actorOf(req, res)));
  });
  router.get('/api/actions/counts', read, async (req, res) => {
    const site = typeof req.query.site === 'string' && req.query.site !== '' ? req.query.site : undefined;
    res.json(await actions.countsFor(access.actorOf(req, res), site));
  });
  router.post('/api/actions', write, jsonBody, async (req, res) => {
    res.status(201).json(await actions.open(parseBody(actionCreateBodySchema, req.body), access.actorOf(req, res)));
  });
  router.get('/api/actions/:id', read, async (req, res) => {
    res.json(await actions.get(actionId(req.params.id), access.actorOf(req, res)));
  });
  router.patch('/api/actions/:id', write, jsonBody, async (req, res) => {
    res.json(await actions.change(actionId(req.params.id), parseBody(actionPatchBodySchema, req.body), access.actorOf(req, res)));
  });
  // The image is the body, whatever type it claims: the service judges it by its first bytes.
  const imageBody = express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES });
  router.post('/api/actions/:id/attachments', write, imageBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw badRequest('send the image as the request body');
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    res.status(201).json(await actions.attach(actionId(req.params.id), { name, bytes: req.body }, access.actorOf(req, res)));
  });
  router.get('/api/actions/:id/attachments/:attachment', read, async (req, res) => {
    const found = await actions.attachment(actionId(req.params.id), actionId(req.params.attachment));
    res.set({
      'content-type': found.type,
      // The type is the one its bytes showed; a browser must not guess another (an image that is also HTML).
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(found.name)}`,
      'cache-control': 'private, no-cache',
    });
    res.send(found.bytes);
  });
  router.get('/api/actions/:id/notifications', read, async (req, res) => {
    const detail = await actions.get(actionId(req.params.id), access.actorOf(req, res));
    res.json({ notifications: await notifications.forAlarm(`action:${detail.action.id}`) } satisfies AlarmNotificationsResponse);
  });
  return router;
}
