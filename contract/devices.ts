/**
 * Device credentials: HTTP ingest API keys scoped to sites or sensors, and
 * per-device MQTT credentials. Secrets are answered once, at creation, and stored hashed.
 *
 * @example Create a key for one gateway that may write the `hq` site only:
 * ```ts
 * await postJson<ApiKeyCreatedResponse>('/api/apikeys', { name: 'hq gateway', sites: ['hq'] });
 * ```
 */
import { z } from 'zod';
import { idSchema } from './observation.ts';

/** `POST /api/apikeys` (admin.devices): exactly one of `sites` or `sensors`. */
export const apiKeyCreateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    sites: z.array(idSchema).min(1).max(1000).optional(),
    sensors: z.array(idSchema).min(1).max(10_000).optional(),
  })
  .strict()
  .refine((b) => (b.sites === undefined) !== (b.sensors === undefined), { message: 'give exactly one of sites or sensors' });
export type ApiKeyCreateBody = z.infer<typeof apiKeyCreateBodySchema>;

/** What a key may write: every sensor of the listed sites, or the listed sensors. */
export type ApiKeyScope = { sites: string[] } | { sensors: string[] };

export interface ApiKeyView {
  /** Public id (`vk_...`), also the key's prefix. */
  id: string;
  name: string;
  scope: ApiKeyScope;
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
export interface ApiKeyCreatedResponse {
  apiKey: ApiKeyView;
  /** The secret: shown this once, never again. Send it as `Authorization: Bearer <key>`. */
  key: string;
}

/** `POST /api/devices` (admin.devices). */
export const deviceCreateBodySchema = z.object({ sensorId: idSchema }).strict();

export interface DeviceView {
  sensorId: string;
  /** MQTT username (the sensor id). */
  username: string;
  /** Topic filters the device may publish to. */
  publish: string[];
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}
export interface DeviceCreatedResponse {
  device: DeviceView;
  /** MQTT password: shown this once, never again. */
  password: string;
}

/** `POST /api/gateway-credentials` (admin.devices): MQTT credentials for a registered gateway. */
export const gatewayCredentialCreateBodySchema = z.object({ gatewayId: idSchema }).strict();

export interface GatewayCredentialView {
  gatewayId: string;
  /** MQTT username and client id (the gateway id). */
  username: string;
  /** Topic filters the gateway may publish to: its topic tree and discovery topics. */
  publish: string[];
  /** Topic filters it may subscribe to: its own tree (what real gateways subscribe to at start). */
  subscribe: string[];
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}
export interface GatewayCredentialCreatedResponse {
  gateway: GatewayCredentialView;
  /** MQTT password: shown this once, never again. */
  password: string;
}
