/**
 * The periodic safety report (manager and admin): made on demand for any week or month, or opened
 * as kept by the schedule; JSON, printable HTML, or PDF where Chromium is installed (else 501 with
 * the reason). `overdue-drills` is the drill plan as of now, for the KPI page.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  SAFETY_REPORT_FORMATS,
  SAFETY_REPORT_LANGS,
  SAFETY_REPORT_PERIODS,
  safetyReportQuerySchema,
  type ApiError,
  type OverdueDrillsResponse,
  type SafetyReport,
  type SafetyReportHistoryResponse,
  type SafetyReportLang,
} from '../../../contract/index.ts';
import { notFound } from '../errors.ts';
import { SafetyReportError, type SafetyReportService } from '../services/safety-report.service.ts';
import type { AccessControl } from './access.ts';
import { parseQuery } from './parse.ts';
import { renderSafetyReportHtml } from './safety-report.html.ts';

export interface PdfPrinter {
  availability(): { available: boolean; reason?: string };
  render(html: string): Promise<Buffer>;
}

const historyQuery = z
  .object({
    site: z.string().min(1).max(64).optional(),
    period: z.enum(SAFETY_REPORT_PERIODS).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
const keptQuery = z.object({ lang: z.enum(SAFETY_REPORT_LANGS).default('en'), format: z.enum(SAFETY_REPORT_FORMATS).default('json') }).strict();
const siteQuery = z.object({ site: z.string().min(1).max(64) }).strict();

/** The service's "no such site / report" as the API's 404. */
async function found<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SafetyReportError) throw notFound(err.message);
    throw err;
  }
}

export function safetyReportRouter(reports: SafetyReportService, pdf: PdfPrinter, access: AccessControl): Router {
  const router = Router();
  const view = access.requirePermission('report.view');

  async function answer(res: Response, report: SafetyReport, format: (typeof SAFETY_REPORT_FORMATS)[number], lang: SafetyReportLang, name: string) {
    if (format === 'json') return void res.json(report);
    const html = renderSafetyReportHtml(report, lang);
    if (format === 'html') return void res.type('html').send(html);
    const can = pdf.availability();
    if (!can.available) {
      const body: ApiError = { error: { code: 'NOT_IMPLEMENTED', message: can.reason ?? 'PDF is not available here' } };
      return void res.status(501).json(body);
    }
    res
      .type('application/pdf')
      .set('content-disposition', `inline; filename="${name}.pdf"`)
      .send(await pdf.render(html));
  }

  router.get('/api/reports/safety', view, async (req, res) => {
    const q = parseQuery(safetyReportQuerySchema, req.query);
    const range = await found(() => reports.periodFor(q.site, q.period, q.at));
    const report = await found(() => reports.generate(q.site, q.period, range, access.actorOf(req, res).username));
    await answer(res, report, q.format, q.lang, `vigil-safety-${q.site}-${q.period}-${new Date(range.from).toISOString().slice(0, 10)}`);
  });

  router.get('/api/reports/safety/history', view, async (req, res) => {
    const q = parseQuery(historyQuery, req.query);
    res.json({
      reports: await reports.history({ ...(q.site ? { siteId: q.site } : {}), ...(q.period ? { period: q.period } : {}), limit: q.limit }),
      pdf: pdf.availability(),
    } satisfies SafetyReportHistoryResponse);
  });

  router.get('/api/reports/safety/history/:id', view, async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw notFound(`no safety report ${String(req.params.id)}`);
    const q = parseQuery(keptQuery, req.query);
    const report = await found(() => reports.kept(id));
    await answer(res, report, q.format, q.lang, `vigil-safety-${report.siteId}-${report.period}-${id}`);
  });

  router.get('/api/reports/safety/overdue-drills', view, async (req, res) => {
    const q = parseQuery(siteQuery, req.query);
    res.json({ siteId: q.site, at: Date.now(), plan: await found(() => reports.planNow(q.site)) } satisfies OverdueDrillsResponse);
  });
  return router;
}
