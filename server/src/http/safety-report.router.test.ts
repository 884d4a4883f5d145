// Where Chromium (or playwright-core) is missing, a PDF is refused with 501 and the reason, and the
// list says PDF is not available and why (the page then offers no PDF link); HTML is still printed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Registry as PromRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SafetyReport } from '../../../contract/index.ts';
import type { SafetyReportService } from '../services/safety-report.service.ts';
import type { AccessControl } from './access.ts';
import { createApp } from './app.ts';
import { safetyReportRouter } from './safety-report.router.ts';

const REASON = 'PDF needs Chromium at /nowhere/chromium (set CHROMIUM_PATH): print the HTML report instead';
const report = {
  siteId: 'hq',
  siteName: 'HQ',
  timezone: 'Asia/Shanghai',
  period: 'week',
  from: 0,
  to: 7 * 86_400_000,
  previousFrom: -7 * 86_400_000,
  generatedAt: 0,
  generatedBy: 'schedule',
  alarms: {
    total: { current: 0, previous: 0, delta: 0, percent: null },
    byCondition: [],
    byZone: [],
    lifeSafety: { current: 0, previous: 0, delta: 0, percent: null },
  },
  escalations: { alarms: { current: 0, previous: 0, delta: 0, percent: null }, highestLevel: 0 },
  kpis: { available: false, reason: 'x' },
  drills: { held: [], plan: [], overdue: 0 },
  actions: { available: false, reason: 'x' },
  handovers: { available: false, reason: 'x' },
  sensors: { total: 0, availabilityPct: null, offlineHours: 0, issues: [], outOfService: [] },
} satisfies SafetyReport;

const service = { kept: () => report, history: () => [] } as unknown as SafetyReportService;
const access: AccessControl = { requirePermission: () => (_req, _res, next) => next(), actorOf: () => ({ username: 'm', role: 'manager' }) };
let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = createApp({
    routers: [
      safetyReportRouter(service, { availability: () => ({ available: false, reason: REASON }), render: () => Promise.reject(new Error('not here')) }, access),
    ],
    metrics: new PromRegistry(),
    clientDist: '/nonexistent',
    logger: pino({ level: 'silent' }),
  });
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the safety report without Chromium', () => {
  it('answers a PDF with 501 and the reason, HTML as before, and says so in the list', async () => {
    const pdf = await fetch(`${base}/api/reports/safety/history/1?format=pdf`);
    expect(pdf.status).toBe(501);
    expect(await pdf.json()).toEqual({ error: { code: 'NOT_IMPLEMENTED', message: REASON } });
    const html = await fetch(`${base}/api/reports/safety/history/1?format=html`);
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const list = await fetch(`${base}/api/reports/safety/history`);
    expect(await list.json()).toEqual({ reports: [], pdf: { available: false, reason: REASON } });
  });
});
