/** Alarm-system performance KPIs for the facility manager (docs/contracts.md#alarm-performance-kpis). */
import { Router } from 'express';
import { z } from 'zod';
import { KPI_MAX_RANGE_MS, type KpiReport } from '../../../contract/index.ts';
import { badRequest } from '../errors.ts';
import type { AccessControl } from './access.ts';
import { parseQuery, timeParam } from './parse.ts';

/** What the router needs: the KPI service (services/kpi.service.ts) and the facility's site ids. */
export interface KpiSource {
  compute(query: { siteId: string | null; from: number; to: number }): Promise<KpiReport>;
}

const DAY_MS = 86_400_000;
/** Without `from`, the last 7 days: a week of shifts, the period EEMUA 191's rate figures are usually read over. */
const DEFAULT_DAYS = 7;

const query = z.object({ from: timeParam.optional(), to: timeParam.optional(), site: z.string().max(64).optional() }).strict();

export function kpiRouter(kpis: KpiSource, siteIds: () => readonly string[], access: AccessControl): Router {
  const router = Router();
  router.get('/api/reports/kpis', access.requirePermission('report.view'), async (req, res) => {
    const q = parseQuery(query, req.query);
    const to = q.to ?? Date.now();
    const from = q.from ?? to - DEFAULT_DAYS * DAY_MS;
    if (!(from < to)) throw badRequest('from must be before to');
    if (to - from > KPI_MAX_RANGE_MS) throw badRequest(`the period may cover at most ${KPI_MAX_RANGE_MS / DAY_MS} days`);
    const site = q.site === undefined || q.site === '' ? null : q.site;
    if (site !== null && !siteIds().includes(site)) throw badRequest(`unknown site: ${site}`);
    res.json(await kpis.compute({ siteId: site, from, to }));
  });
  return router;
}
