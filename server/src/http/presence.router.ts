/** Who is presumed in a zone (docs/contracts.md#presence-in-hazard-zones), the list an alarm took, and a fire's muster. */
import { Router, type RequestHandler } from 'express';
import {
  musterTickSchema,
  presenceQuerySchema,
  type Alarm,
  type AlarmPresenceResponse,
  type MusterResponse,
  type PresenceResponse,
} from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import { badRequest, notFound } from '../errors.ts';
import type { PresenceService } from '../services/presence.service.ts';
import type { AccessControl } from './access.ts';
import { parseBody, parseQuery } from './parse.ts';

export function presenceRouter(
  presence: PresenceService,
  registry: Registry,
  alarmOf: (id: string) => Promise<Alarm | undefined>,
  access: AccessControl,
  jsonBody: RequestHandler,
): Router {
  const router = Router();
  const alarm = async (id: string): Promise<Alarm> => {
    const a = await alarmOf(id);
    if (!a) throw notFound(`no alarm ${id}`);
    return a;
  };

  router.get('/api/presence', access.requirePermission('alarm.view'), (req, res) => {
    const q = parseQuery(presenceQuerySchema, req.query);
    const site = registry.site(q.site);
    if (!site) throw notFound(`no site ${q.site}`);
    if (q.zone !== undefined && !site.floors.some((f) => f.zones.some((z) => z.id === q.zone))) throw notFound(`no zone ${q.zone} in site ${q.site}`);
    const body: PresenceResponse = presence.present(q.site, q.zone);
    res.json(body);
  });

  router.get('/api/presence/alarms/:id', access.requirePermission('alarm.view'), async (req, res) => {
    const a = await alarm(String(req.params.id));
    const body: AlarmPresenceResponse = { presence: (await presence.alarmPresence(a.id)) ?? null };
    res.json(body);
  });

  router.get('/api/muster/:alarmId', access.requirePermission('alarm.view'), async (req, res) => {
    const a = await alarm(String(req.params.alarmId));
    const body: MusterResponse | undefined = await presence.muster(a);
    if (!body) throw notFound(`alarm ${a.id} has no muster (only a fire alarm's raise lists the building)`);
    res.json(body);
  });

  // Ticking someone off is handling the alarm, like ticking a procedure step.
  router.post('/api/muster/:alarmId/accounted', access.requirePermission('alarm.comment'), jsonBody, async (req, res) => {
    const a = await alarm(String(req.params.alarmId));
    const { key } = parseBody(musterTickSchema, req.body);
    const result = await presence.account(a, key, access.actorOf(req, res).username);
    if (!result.ok && result.reason === 'no_muster') throw notFound(`alarm ${a.id} has no muster`);
    if (!result.ok) throw badRequest(`${key} is not on the muster of alarm ${a.id}`);
    res.json(result.muster);
  });

  return router;
}
