/**
 * Device credentials (permission `admin.devices`). Secrets are in the creation answer only.
 * - `GET /api/apikeys` → ApiKeyView[]; `POST /api/apikeys` (apiKeyCreateBodySchema) → 201 ApiKeyCreatedResponse;
 *   `DELETE /api/apikeys/:id` → ApiKeyView (revoked)
 * - `GET /api/devices` → DeviceView[]; `POST /api/devices` (deviceCreateBodySchema) → 201 DeviceCreatedResponse;
 *   `DELETE /api/devices/:sensorId` → DeviceView (revoked)
 */
import { Router } from 'express';
import {
  apiKeyCreateBodySchema,
  deviceCreateBodySchema,
  type ApiKeyCreatedResponse,
  type ApiKeyView,
  type DeviceCreatedResponse,
  type DeviceView,
} from '../../../contract/index.ts';
import type { ApiKeyService, DeviceCredentialService } from '../services/device-credentials.service.ts';
import type { AccessControl } from './access.ts';
import { jsonBody } from './auth.router.ts';
import { parseBody } from './parse.ts';

export function devicesRouter(apiKeys: ApiKeyService, devices: DeviceCredentialService, access: AccessControl): Router {
  const router = Router();
  const admin = access.requirePermission('admin.devices');

  router.get('/api/apikeys', admin, (_req, res) => {
    const body: ApiKeyView[] = apiKeys.list();
    res.json(body);
  });

  router.post('/api/apikeys', admin, jsonBody, (req, res) => {
    const body = parseBody(apiKeyCreateBodySchema, req.body);
    const scope = body.sites ? { sites: body.sites } : { sensors: body.sensors ?? [] };
    const created: ApiKeyCreatedResponse = apiKeys.create(access.actorOf(req, res).username, body.name, scope);
    res.status(201).set('cache-control', 'no-store').json(created);
  });

  router.delete('/api/apikeys/:id', admin, (req, res) => {
    const body: ApiKeyView = apiKeys.revoke(access.actorOf(req, res).username, String(req.params.id));
    res.json(body);
  });

  router.get('/api/devices', admin, (_req, res) => {
    const body: DeviceView[] = devices.list();
    res.json(body);
  });

  router.post('/api/devices', admin, jsonBody, async (req, res) => {
    const body = parseBody(deviceCreateBodySchema, req.body);
    const created: DeviceCreatedResponse = await devices.add(access.actorOf(req, res).username, body.sensorId);
    res.status(201).set('cache-control', 'no-store').json(created);
  });

  router.delete('/api/devices/:sensorId', admin, async (req, res) => {
    const body: DeviceView = (await devices.revoke(access.actorOf(req, res).username, String(req.params.sensorId))).device;
    res.json(body);
  });
  return router;
}
