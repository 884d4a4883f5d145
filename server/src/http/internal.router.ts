/**
 * Requests from the other nodes of a cluster (docs/architecture.md "Several nodes"), never from a
 * browser or a device: each must be signed with NODE_SECRET (services/node-signature.ts), else
 * 401 before its body is even parsed.
 *
 * - `POST /api/internal/sites/:site/act` `{ request, actor }`: an action on an alarm, incident,
 *   sensor or drill of a site this node holds, which a person sent to another node. It is
 *   validated with the same schemas as the public routes and applied in the acting user's name,
 *   so its audit entry and its answer are those the public route gives. → `{ result }`
 * - `POST /api/internal/sites/:site/ingest` `{ items, keyId }`: HTTP-ingest observations of a
 *   site this node holds, already admitted by the receiving node's API-key check; processed as
 *   `POST /api/ingest` processes them, limited to that site. → 202 IngestResult
 *
 * A site this node does not hold (any more) is refused 409 NOT_HELD, and the sender looks for
 * its holder again: a request is never forwarded a second time.
 */
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { ACTION_BODY_SCHEMAS, ALARM_ACTION_TYPES, ROLES, outOfServiceBodySchema, type AlarmAction, type AlarmActionType } from '../../../contract/index.ts';
import { HttpError, badRequest } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Actor } from '../services/alarm.operations.ts';
import type { Clock } from '../services/clock.ts';
import type { HttpGrant } from '../services/ingest.service.ts';
import { SeenNonces, verifyRequest } from '../services/node-signature.ts';
import { SiteUnavailableError, type HolderAnswer, type HolderRequest } from '../services/site-alarms.ports.ts';
import { INGEST_BODY_LIMIT } from './ingest.router.ts';
import { MAX_JSON_DEPTH, jsonDepthOver, parseOr400 } from './parse.ts';

export interface InternalRouterDeps {
  /** NODE_SECRET, the same on every node. */
  secret: string;
  clock: Clock;
  /** The alarm side of this node (SiteAlarms): applies a request to a site held here, or refuses NOT_HELD. */
  alarms: { applyHeld<R extends HolderRequest>(site: string, request: R, actor: Actor): Promise<HolderAnswer<R>> };
  /** Whether this node runs `site`'s engine now. */
  holds(site: string): boolean;
  /** This node's own HTTP ingest (IngestService), not the cluster's: the items are for a site held here. */
  ingest: { handleHttpItems(items: unknown[], siteOf: (sensorId: string) => string | undefined, grant?: HttpGrant): Promise<unknown> };
  siteOf(sensorId: string): string | undefined;
  logger: Logger;
}

const idParam = z.string().min(1).max(200);

const actorSchema = z.object({ username: z.string().min(1).max(64), role: z.enum(ROLES) }).strict();

const actionEnvelope = z.looseObject({ type: z.enum(ALARM_ACTION_TYPES as [AlarmActionType, ...AlarmActionType[]]) });

const requestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('act'), alarmId: idParam, action: actionEnvelope }).strict(),
  z.object({ op: z.literal('actOnIncident'), incidentId: idParam, action: actionEnvelope }).strict(),
  z.object({ op: z.literal('setOutOfService'), sensorId: idParam, reason: z.unknown(), until: z.unknown() }).strict(),
  z.object({ op: z.literal('returnToService'), sensorId: idParam }).strict(),
  z.object({ op: z.literal('endDrill'), drillId: idParam }).strict(),
]);

const actBodySchema = z.object({ request: z.unknown(), actor: actorSchema }).strict();
const ingestBodySchema = z.object({ items: z.array(z.unknown()).min(1).max(10_000), keyId: z.string().min(1).max(200).optional() }).strict();

/** The action as the public route parses it (alarms.router.ts `parseAction`): the same body schema per type. */
function parseAction(action: { type: AlarmActionType } & Record<string, unknown>): AlarmAction {
  const { type, ...body } = action;
  const parsed = parseOr400<object>(ACTION_BODY_SCHEMAS[type], body, `invalid body for ${type}`);
  return { type, ...parsed } as AlarmAction;
}

/** A forwarded request, validated as the public routes validate theirs. */
export function parseHolderRequest(value: unknown): HolderRequest {
  const r = parseOr400(requestSchema, value, 'invalid forwarded request');
  switch (r.op) {
    case 'act':
      return { op: 'act', alarmId: r.alarmId, action: parseAction(r.action) };
    case 'actOnIncident':
      return { op: 'actOnIncident', incidentId: r.incidentId, action: parseAction(r.action) };
    case 'setOutOfService': {
      const body = parseOr400(outOfServiceBodySchema, { reason: r.reason, until: r.until }, 'a reason and an end (until) are required');
      return { op: 'setOutOfService', sensorId: r.sensorId, reason: body.reason, until: body.until };
    }
    case 'returnToService':
    case 'endDrill':
      return r;
  }
}

/** Verifies the signature over the raw body, then parses it as JSON into `req.body`. */
function signedJson(deps: InternalRouterDeps, seen: SeenNonces): RequestHandler[] {
  return [
    express.raw({ type: () => true, limit: INGEST_BODY_LIMIT }),
    (req, _res, next) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const verdict = verifyRequest(deps.secret, { method: req.method, path: req.originalUrl, body, headers }, deps.clock, seen);
      if (!verdict.ok) {
        deps.logger.warn({ url: req.originalUrl, from: req.socket.remoteAddress, reason: verdict.reason }, 'internal request refused');
        return next(new HttpError('UNAUTHENTICATED', `node request refused: ${verdict.reason}`));
      }
      if (jsonDepthOver(body, MAX_JSON_DEPTH) >= 0) return next(badRequest(`body nested deeper than ${MAX_JSON_DEPTH} levels`));
      try {
        req.body = JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        return next(badRequest('body is not valid JSON'));
      }
      next();
    },
  ];
}

export function internalRouter(deps: InternalRouterDeps): Router {
  const router = Router();
  const seen = new SeenNonces();
  const signed = signedJson(deps, seen);

  router.post('/api/internal/sites/:site/act', ...signed, async (req, res) => {
    const site = String(req.params.site);
    const body = parseOr400(actBodySchema, req.body, 'invalid forwarded action');
    const result = await deps.alarms.applyHeld(site, parseHolderRequest(body.request), body.actor);
    res.json({ result });
  });

  router.post('/api/internal/sites/:site/ingest', ...signed, async (req, res) => {
    const site = String(req.params.site);
    const body = parseOr400(ingestBodySchema, req.body, 'invalid forwarded observations');
    if (!deps.holds(site)) throw new SiteUnavailableError('NOT_HELD', site);
    // The receiving node checked the key's scope; what arrives here is limited to the one site
    // this node holds, so an item that resolves to another site is refused, not accepted here.
    const grant: HttpGrant = { ...(body.keyId !== undefined && { keyId: body.keyId }), allows: (s) => s === site };
    res.status(202).json(await deps.ingest.handleHttpItems(body.items, (id) => deps.siteOf(id), grant));
  });

  return router;
}
