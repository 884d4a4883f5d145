import crypto from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { ingestBodySchema, type RejectionsResponse } from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import { HttpError, badRequest } from '../errors.ts';
import type { IngestService } from '../services/ingest.service.ts';
import type { RejectionLog } from '../services/rejection.log.ts';

/** HTTP ingest bodies larger than this answer 413. */
export const INGEST_BODY_LIMIT = '4mb';

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** Bearer API key: 401 when missing, 403 when wrong. */
export function requireApiKey(key: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (!match) return next(new HttpError(401, 'UNAUTHENTICATED', 'missing "Authorization: Bearer <api key>"'));
    if (!sameSecret(match[1]!.trim(), key)) return next(new HttpError(403, 'FORBIDDEN', 'API key not accepted'));
    next();
  };
}

export function ingestRouter(ingest: IngestService, registry: Registry, rejections: RejectionLog, apiKey: string): Router {
  const router = Router();
  router.post('/api/ingest', requireApiKey(apiKey), express.json({ limit: INGEST_BODY_LIMIT }), async (req, res) => {
    const body = ingestBodySchema.safeParse(req.body);
    if (!body.success) throw badRequest('body must be {"observations": [...]}', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const result = await ingest.handleHttpItems(body.data.observations, (id) => registry.sensor(id)?.siteId);
    res.status(202).json(result);
  });
  router.get('/api/ingest/rejections', (req, res) => {
    const limit = Math.min(Number(req.query.limit ?? 200) || 200, 10_000);
    const body: RejectionsResponse = { total: rejections.total(), recent: rejections.recent(limit) };
    res.json(body);
  });
  return router;
}
