/** Drill routes (issue 6): start or register, end, list, report. */
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { drillStartBodySchema } from '../../../contract/index.ts';
import { HttpError } from '../errors.ts';
import { DrillError, type DrillService } from '../services/drill.service.ts';
import type { AccessControl } from './alarms.router.ts';
import { parseOr400 } from './parse.ts';

const STATUS: Record<DrillError['code'], number> = { NOT_FOUND: 404, UNKNOWN_SCENARIO: 400, CONFLICT: 409 };
/** A DrillError from any route here answers with its status; anything else passes on. */
const handleDrillErrors: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  next(err instanceof DrillError ? new HttpError(STATUS[err.code], err.code, err.message) : err);
};

export function drillsRouter(drills: DrillService, access: AccessControl, jsonBody: RequestHandler, scenarios: () => string[]): Router {
  const router = Router();
  router.get('/api/drills', access.requirePermission('alarm.view'), (_req, res) => {
    res.json({ drills: drills.list(), scenarios: scenarios() });
  });
  router.post('/api/drills', access.requirePermission('drill.run'), jsonBody, (req, res) => {
    const body = parseOr400(drillStartBodySchema, req.body ?? {}, 'invalid drill');
    res.status(201).json({ drill: drills.start(body, access.actorOf(req, res).username) });
  });
  router.post('/api/drills/:id/end', access.requirePermission('drill.run'), (req, res) => {
    res.json({ drill: drills.end(String(req.params.id), access.actorOf(req, res).username) });
  });
  router.get('/api/drills/:id/report', access.requirePermission('report.view'), async (req, res) => {
    res.json(await drills.report(String(req.params.id)));
  });
  router.use(handleDrillErrors);
  return router;
}
