/** Drill routes: start or register, end, list, report. The service's refusals (DrillError) reach the client through errors.middleware.ts. */
import { Router, type RequestHandler } from 'express';
import { drillStartBodySchema, type DrillListResponse } from '../../../contract/index.ts';
import type { DrillService } from '../services/drill.service.ts';
import type { AccessControl } from './access.ts';
import { parseOr400 } from './parse.ts';

export function drillsRouter(drills: DrillService, access: AccessControl, jsonBody: RequestHandler): Router {
  const router = Router();
  router.get('/api/drills', access.requirePermission('alarm.view'), async (_req, res) => {
    res.json({ drills: await drills.list(), scenarios: drills.scenarioList() } satisfies DrillListResponse);
  });
  router.post('/api/drills', access.requirePermission('drill.run'), jsonBody, async (req, res) => {
    const body = parseOr400(drillStartBodySchema, req.body ?? {}, 'invalid drill');
    res.status(201).json({ drill: await drills.start(body, access.actorOf(req, res).username) });
  });
  router.post('/api/drills/:id/end', access.requirePermission('drill.run'), async (req, res) => {
    res.json({ drill: await drills.end(String(req.params.id), access.actorOf(req, res).username) });
  });
  router.get('/api/drills/:id/report', access.requirePermission('report.view'), async (req, res) => {
    res.json(await drills.report(String(req.params.id)));
  });
  return router;
}
