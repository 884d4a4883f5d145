/** Reports for the facility manager (alarm statistics; drills kept out unless asked for). */
import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import type { ReportService } from '../services/report.service.ts';
import type { AccessControl } from './access.ts';
import { parseQuery, timeParam } from './parse.ts';

const query = z
  .object({ from: timeParam.optional(), to: timeParam.optional(), site: z.string().max(64).optional(), drill: z.enum(['exclude', 'only']).default('exclude') })
  .strict();

export function reportsRouter(reports: ReportService, access: AccessControl): Router {
  const router = Router();
  router.get('/api/reports/alarms', access.requirePermission('report.view'), async (req, res) => {
    const q = parseQuery(query, req.query);
    const to = q.to ?? Date.now();
    const from = q.from ?? to - 30 * 86_400_000;
    if (!(from < to)) throw badRequest('from must be before to');
    res.json(await reports.alarmStats(from, to, q.site, q.drill));
  });
  return router;
}
