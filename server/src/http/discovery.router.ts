/**
 * Devices found on the gateways that no sensor is bound to (`GET /api/discovery`): for admins
 * (`admin.devices`), who bind devices in the facility file. Read-only: nothing is bound from here.
 */
import { Router } from 'express';
import type { DiscoveryResponse } from '../../../contract/index.ts';
import type { AccessControl } from './access.ts';

export interface DiscoveryQueries {
  list(): DiscoveryResponse;
}

export function discoveryRouter(discovery: DiscoveryQueries, access: AccessControl): Router {
  const router = Router();
  router.get('/api/discovery', access.requirePermission('admin.devices'), (_req, res) => {
    const body: DiscoveryResponse = discovery.list();
    res.json(body);
  });
  return router;
}
