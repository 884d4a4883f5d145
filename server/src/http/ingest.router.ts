import { Router, type RequestHandler } from 'express';
import { ingestBodySchema, type RejectionsResponse } from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import { HttpError } from '../errors.ts';
import type { RateLimiter } from '../services/auth.rate-limit.ts';
import type { IngestGrant, IngestKeyVerifier } from '../services/device-credentials.service.ts';
import type { IngestService } from '../services/ingest.service.ts';
import type { RejectionLog } from '../services/rejection.log.ts';
import type { AccessControl } from './access.ts';
import { jsonBody, parseOr400 } from './parse.ts';

/** HTTP ingest bodies larger than this answer 413. */
export const INGEST_BODY_LIMIT = '4mb';

/**
 * Bearer API key: 401 when missing, 403 when unknown or revoked; the key's
 * scope goes to `res.locals.ingestGrant`. With a limiter, each key may send `burst` requests at
 * once and `perSecond` after that (429 beyond).
 */
export function requireApiKey(keys: IngestKeyVerifier, limiter?: RateLimiter): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (!match) return next(new HttpError('UNAUTHENTICATED', 'missing "Authorization: Bearer <api key>"'));
    const grant = await keys.verify(match[1]!.trim());
    if (!grant) return next(new HttpError('FORBIDDEN', 'API key not accepted'));
    if (limiter && !limiter.take(grant.keyId)) {
      res.set('retry-after', String(Math.max(1, limiter.retryAfterS(grant.keyId))));
      return next(new HttpError('RATE_LIMITED', 'too many ingest requests for this API key; slow down'));
    }
    (res.locals as { ingestGrant?: IngestGrant }).ingestGrant = grant;
    next();
  };
}

export function ingestRouter(
  /** This node's ingest; in cluster mode a ClusterIngest, which sends sites held elsewhere to their holders. */
  ingest: Pick<IngestService, 'handleHttpItems'>,
  registry: Registry,
  rejections: RejectionLog,
  keys: IngestKeyVerifier,
  access: AccessControl,
  limiter?: RateLimiter,
): Router {
  const router = Router();
  router.post('/api/ingest', requireApiKey(keys, limiter), jsonBody(INGEST_BODY_LIMIT), async (req, res) => {
    const body = parseOr400(ingestBodySchema, req.body, 'body must be {"observations": [...]}');
    const grant = (res.locals as { ingestGrant?: IngestGrant }).ingestGrant;
    const result = await ingest.handleHttpItems(body.observations, (id) => registry.sensor(id)?.siteId, grant);
    res.status(202).json(result);
  });
  // Rejections name devices, topics and payload faults: for signed-in viewers only.
  router.get('/api/ingest/rejections', access.requirePermission('alarm.view'), (req, res) => {
    const limit = Math.min(Number(req.query.limit ?? 200) || 200, 10_000);
    const body: RejectionsResponse = { total: rejections.total(), recent: rejections.recent(limit) };
    res.json(body);
  });
  return router;
}
