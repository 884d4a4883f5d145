/** Reports for the facility manager (alarm statistics; drills kept out unless asked for). */
import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import type { ReportService } from '../services/report.service.ts';
import type { AccessControl } from './alarms.router.ts';

const time = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);
const query = z
  .object({ from: time.optional(), to: time.optional(), site: z.string().max(64).optional(), drill: z.enum(['exclude', 'only']).default('exclude') })
  .strict();

export function reportsRouter(reports: ReportService, access: AccessControl): Router {
  const router = Router();
  router.get('/api/reports/alarms', access.requirePermission('report.view'), (req, res) => {
    const q = query.safeParse(req.query);
    if (!q.success) throw badRequest('invalid query', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    const to = q.data.to ?? Date.now();
    const from = q.data.from ?? to - 30 * 86_400_000;
    if (!(from < to)) throw badRequest('from must be before to');
    res.json(reports.alarmStats(from, to, q.data.site, q.data.drill));
  });
  return router;
}
