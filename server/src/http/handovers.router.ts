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
  router.get('/api/handovers', access.requirePermission('alarm.view'), async (req, res) => {
    const q = parseQuery(listQuerySchema, req.query);
    res.json({ handovers: await handovers.list({ limit: q.limit, ...(q.site === undefined ? {} : { siteId: q.site }) }) } satisfies HandoverListResponse);
  });
  router.get('/api/handovers/:id', access.requirePermission('alarm.view'), async (req, res) => {
    res.json({ handover: await handovers.get(String(req.params.id)) });
  });
  router.post('/api/handovers', access.requirePermission('shift.handover'), jsonBody, async (req, res) => {
    res.status(201).json({ handover: await handovers.open(parseBody(handoverOpenBodySchema, req.body), access.actorOf(req, res)) });
  });
  router.post('/api/handovers/:id/sign', access.requirePermission('shift.handover'), jsonBody, async (req, res) => {
    res.json({ handover: await handovers.sign(String(req.params.id), parseBody(handoverSignBodySchema, req.body), access.actorOf(req, res)) });
  });
  router.post('/api/handovers/:id/accept', access.requirePermission('shift.handover'), jsonBody, async (req, res) => {
    res.json({ handover: await handovers.accept(String(req.params.id), parseBody(handoverAcceptBodySchema, req.body), access.actorOf(req, res)) });
  });
  return router;
}
