/**
 * Device credentials (permission `admin.devices`). Secrets are in the creation answer only.
 * - `GET /api/apikeys` → ApiKeyView[]; `POST /api/apikeys` (apiKeyCreateBodySchema) → 201 ApiKeyCreatedResponse;
 *   `DELETE /api/apikeys/:id` → ApiKeyView (revoked)
 * - `GET /api/devices` → DeviceView[]; `POST /api/devices` (deviceCreateBodySchema) → 201 DeviceCreatedResponse;
 *   `DELETE /api/devices/:sensorId` → DeviceView (revoked)
 * - `GET /api/gateway-credentials` → GatewayCredentialView[]; `POST /api/gateway-credentials`
 *   (gatewayCredentialCreateBodySchema) → 201 GatewayCredentialCreatedResponse;
 *   `DELETE /api/gateway-credentials/:gatewayId` → GatewayCredentialView (revoked)
 */
import { Router } from 'express';
import {
  apiKeyCreateBodySchema,
  deviceCreateBodySchema,
  gatewayCredentialCreateBodySchema,
  type ApiKeyCreatedResponse,
  type ApiKeyView,
  type DeviceCreatedResponse,
  type DeviceView,
  type GatewayCredentialCreatedResponse,
  type GatewayCredentialView,
} from '../../../contract/index.ts';
import type { ApiKeyService, DeviceCredentialService } from '../services/device-credentials.service.ts';
import type { AccessControl } from './access.ts';
import { jsonBody } from './auth.router.ts';
import { parseBody } from './parse.ts';

export function devicesRouter(apiKeys: ApiKeyService, devices: DeviceCredentialService, access: AccessControl): Router {
  const router = Router();
  const admin = access.requirePermission('admin.devices');

  router.get('/api/apikeys', admin, async (_req, res) => {
    const body: ApiKeyView[] = await apiKeys.list();
    res.json(body);
  });

  router.post('/api/apikeys', admin, jsonBody, async (req, res) => {
    const body = parseBody(apiKeyCreateBodySchema, req.body);
    const scope = body.sites ? { sites: body.sites } : { sensors: body.sensors ?? [] };
    const created: ApiKeyCreatedResponse = await apiKeys.create(access.actorOf(req, res).username, body.name, scope);
    res.status(201).set('cache-control', 'no-store').json(created);
  });

  router.delete('/api/apikeys/:id', admin, async (req, res) => {
    const body: ApiKeyView = await apiKeys.revoke(access.actorOf(req, res).username, String(req.params.id));
    res.json(body);
  });

  router.get('/api/devices', admin, async (_req, res) => {
    const body: DeviceView[] = await devices.list();
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

  router.get('/api/gateway-credentials', admin, async (_req, res) => {
    const body: GatewayCredentialView[] = await devices.gatewayList();
    res.json(body);
  });

  router.post('/api/gateway-credentials', admin, jsonBody, async (req, res) => {
    const body = parseBody(gatewayCredentialCreateBodySchema, req.body);
    const created: GatewayCredentialCreatedResponse = await devices.addGateway(access.actorOf(req, res).username, body.gatewayId);
    res.status(201).set('cache-control', 'no-store').json(created);
  });

  router.delete('/api/gateway-credentials/:gatewayId', admin, async (req, res) => {
    const body: GatewayCredentialView = (await devices.revokeGateway(access.actorOf(req, res).username, String(req.params.gatewayId))).gateway;
    res.json(body);
  });
  return router;
}
