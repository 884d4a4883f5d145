/** Alarm, incident, maintenance and audit routes. The engine's refusals (AlarmActionError) reach the client through errors.middleware.ts. */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  ACTION_BODY_SCHEMAS,
  ACTION_PERMISSION,
  ALARM_ACTION_TYPES,
  ALARM_SORT_COLUMNS,
  outOfServiceBodySchema,
  resolveWithFollowUpBodySchema,
  type AlarmAction,
  type AlarmActionType,
  type AlarmDetailResponse,
  type AlarmListResponse,
  type ResolveWithFollowUpResponse,
} from '../../../contract/index.ts';
import { badRequest, notFound } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ActionService } from '../services/action.service.ts';
import type { AlarmOperations } from '../services/alarm.operations.ts';
import type { AuditTrail } from '../services/audit.port.ts';
import type { AccessControl } from './access.ts';
import { parseOr400, parseQuery, timeParam } from './parse.ts';

const listQuerySchema = z
  .object({
    state: z.enum(['open', 'closed', 'active_unacked', 'active_acked', 'cleared_unacked', 'cleared']).optional(),
    site: z.string().max(64).optional(),
    zone: z.string().max(64).optional(),
    sensor: z.string().max(64).optional(),
    kind: z.string().max(32).optional(),
    priority: z.enum(['critical', 'high', 'medium', 'low']).optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    drill: z.enum(['only', 'exclude', 'include']).default('include'),
    // A whitelist: the column name never reaches SQL as text the client wrote.
    sort: z.enum(ALARM_SORT_COLUMNS).default('raised'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

function parseAction(type: string, body: unknown): AlarmAction {
  if (!(ALARM_ACTION_TYPES as string[]).includes(type)) throw notFound(`no action ${type}`);
  const parsed = parseOr400<object>(ACTION_BODY_SCHEMAS[type as AlarmActionType], body ?? {}, `invalid body for ${type}`);
  return { type, ...parsed } as AlarmAction;
}

/** Checks the permission of the action named in the URL before parsing anything else. */
function actionGuard(access: AccessControl): RequestHandler {
  return (req, res, next) => {
    const type = String(req.params.action);
    const permission = ACTION_PERMISSION[type as AlarmActionType];
    if (!permission) return next(notFound(`no action ${type}`));
    return access.requirePermission(permission)(req, res, next);
  };
}

export function alarmsRouter(
  alarms: AlarmOperations,
  actions: Pick<ActionService, 'check' | 'open'>,
  audit: AuditTrail,
  access: AccessControl,
  jsonBody: RequestHandler,
  logger: Logger,
): Router {
  const router = Router();

  /**
   * Resolve, and open the corrective action `followUp` asks for in the same request. The alarm
   * engine and the action store are separate stores, so the two cannot share a database
   * transaction: instead everything that could refuse the action (the body, the owner, the due date)
   * is checked before the alarm changes, so a bad request changes nothing. What is left to fail after
   * the resolve is the store itself: answered 500 saying the alarm is resolved and the action is not.
   */
  const resolve: RequestHandler = async (req, res) => {
    const { followUp, ...body } = parseOr400(resolveWithFollowUpBodySchema, req.body ?? {}, 'invalid body for resolve');
    const id = String(req.params.id);
    const who = access.actorOf(req, res);
    const toOpen = followUp && { ...followUp, alarmId: id };
    if (toOpen) {
      if (!(await alarms.get(id))) throw notFound(`no alarm ${id}`);
      await actions.check(toOpen);
    }
    const alarm = await alarms.act(id, { type: 'resolve', ...body }, who);
    if (!toOpen) {
      res.json({ alarm } satisfies ResolveWithFollowUpResponse);
      return;
    }
    try {
      res.json({ alarm, action: await actions.open(toOpen, who) } satisfies ResolveWithFollowUpResponse);
    } catch (err) {
      logger.error({ err, alarmId: id }, 'alarm resolved but its corrective action could not be opened');
      res.status(500).json({
        error: {
          code: 'INTERNAL',
          message: `alarm ${id} was resolved, but its corrective action could not be opened: open it from the corrective actions page`,
        },
      });
    }
  };

  router.get('/api/alarms', access.requirePermission('alarm.view'), async (req, res) => {
    const body: AlarmListResponse = await alarms.list(parseQuery(listQuerySchema, req.query));
    res.json(body);
  });

  router.get('/api/alarms/:id', access.requirePermission('alarm.view'), async (req, res) => {
    const alarm = await alarms.get(req.params.id as string);
    if (!alarm) throw notFound(`no alarm ${req.params.id}`);
    const body: AlarmDetailResponse = { alarm, history: await alarms.history(alarm.id) };
    res.json(body);
  });

  router.post('/api/alarms/:id/:action', actionGuard(access), jsonBody, async (req, res, next) => {
    if (req.params.action === 'resolve') return resolve(req, res, next);
    const action = parseAction(String(req.params.action), req.body);
    res.json({ alarm: await alarms.act(String(req.params.id), action, access.actorOf(req, res)) });
  });

  router.post('/api/incidents/:id/:action', actionGuard(access), jsonBody, async (req, res) => {
    const action = parseAction(String(req.params.action), req.body);
    res.json({ incident: await alarms.actOnIncident(String(req.params.id), action, access.actorOf(req, res)) });
  });

  router.post('/api/sensors/:id/out-of-service', access.requirePermission('sensor.out_of_service'), jsonBody, async (req, res) => {
    const body = outOfServiceBodySchema.safeParse(req.body ?? {});
    if (!body.success)
      throw badRequest(
        'a reason and an end (until) are required',
        body.error.issues.map((i) => i.message),
      );
    res.json({ sensor: await alarms.setOutOfService(String(req.params.id), access.actorOf(req, res), body.data.reason, body.data.until) });
  });
  router.delete('/api/sensors/:id/out-of-service', access.requirePermission('sensor.out_of_service'), async (req, res) => {
    res.json({ sensor: await alarms.returnToService(String(req.params.id), access.actorOf(req, res)) });
  });

  const auditQuery = z
    .object({
      from: timeParam.optional(),
      to: timeParam.optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(500),
      before: z.coerce.number().int().min(1).optional(),
      user: z.string().min(1).max(64).optional(),
      action: z.string().min(1).max(100).optional(),
      alarm: z.string().min(1).max(200).optional(),
      target: z.string().max(200).optional(),
    })
    .strict()
    .refine((q) => q.alarm === undefined || q.target === undefined, { message: 'give alarm or target, not both' });
  router.get('/api/audit', access.requirePermission('audit.view'), async (req, res) => {
    const q = parseQuery(auditQuery, req.query);
    const target = q.alarm === undefined ? q.target : `alarm:${q.alarm}`;
    res.json(
      await audit.list({ from: q.from ?? 0, to: q.to ?? Date.now() + 60_000, limit: q.limit, before: q.before, actor: q.user, action: q.action, target }),
    );
  });
  router.get('/api/audit/verify', access.requirePermission('audit.view'), async (_req, res) => {
    res.json(await audit.verify());
  });
  return router;
}
