/**
 * The gateways (`GET /api/gateways`, `GET /api/gateways/:id`): each one's state, its sensors and
 * what it publishes that no sensor is bound to — payload excerpts included, which name devices
 * and rooms, so for managers and admins (`report.view`), the roles that review the installation.
 */
import { Router } from 'express';
import type { GatewayView, GatewaysResponse } from '../../../contract/index.ts';
import { notFound } from '../errors.ts';
import type { AccessControl } from './access.ts';

export interface GatewayQueries {
  list(): Promise<GatewaysResponse>;
  viewOf(id: string): Promise<GatewayView | undefined>;
}

export function gatewaysRouter(gateways: GatewayQueries, access: AccessControl): Router {
  const router = Router();
  const view = access.requirePermission('report.view');

  router.get('/api/gateways', view, async (_req, res) => {
    const body: GatewaysResponse = await gateways.list();
    res.json(body);
  });

  router.get('/api/gateways/:id', view, async (req, res) => {
    const id = String(req.params.id);
    const body = await gateways.viewOf(id);
    if (body === undefined) throw notFound(`no gateway ${id} in the registry`);
    res.json(body);
  });
  return router;
}
