/**
 * Shift handover routes: list and read (alarm.view: officers see the page, managers read it),
 * open, sign and accept (shift.handover). The service's refusals (HandoverError) reach the client
 * through errors.middleware.ts.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { handoverAcceptBodySchema, handoverOpenBodySchema, handoverSignBodySchema, idSchema, type HandoverListResponse } from '../../../contract/index.ts';
import type { HandoverService } from '../services/handover.service.ts';
import type { AccessControl } from './access.ts';
import { parseBody, parseQuery } from './parse.ts';

const listQuerySchema = z.object({ site: idSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export function handoversRouter(handovers: HandoverService, access: AccessControl, jsonBody: RequestHandler): Router {
  const router = Router();
  router.get('/api/handovers', access.requirePermission('alarm.view'), (req, res) => {
    const q = parseQuery(listQuerySchema, req.query);
    res.json({ handovers: handovers.list({ limit: q.limit, ...(q.site === undefined ? {} : { siteId: q.site }) }) } satisfies HandoverListResponse);
  });
  router.get('/api/handovers/:id', access.requirePermission('alarm.view'), (req, res) => {
    res.json({ handover: handovers.get(String(req.params.id)) });
  });
  router.post('/api/handovers', access.requirePermission('shift.handover'), jsonBody, (req, res) => {
    res.status(201).json({ handover: handovers.open(parseBody(handoverOpenBodySchema, req.body), access.actorOf(req, res)) });
  });
  router.post('/api/handovers/:id/sign', access.requirePermission('shift.handover'), jsonBody, (req, res) => {
    res.json({ handover: handovers.sign(String(req.params.id), parseBody(handoverSignBodySchema, req.body), access.actorOf(req, res)) });
  });
  router.post('/api/handovers/:id/accept', access.requirePermission('shift.handover'), jsonBody, (req, res) => {
    res.json({ handover: handovers.accept(String(req.params.id), parseBody(handoverAcceptBodySchema, req.body), access.actorOf(req, res)) });
  });
  return router;
}
