/**
 * What the facility is and how it is now: the registry, sensor states, readings and floor plans.
 * They map a site's rooms, detectors and doors, so only a signed-in user who may watch alarms
 * (`alarm.view`) gets them; the session check comes before any lookup, so unknown ids
 * tell a stranger nothing either.
 */
import { Router } from 'express';
import { SENSOR_EVENTS_MAX_RANGE_MS, readingsQuerySchema, type FacilityResponse, type SensorsResponse } from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import { badRequest, notFound } from '../errors.ts';
import type { ReadingsService } from '../services/readings.service.ts';
import { MAX_RANGE_MS } from '../services/readings.service.ts';
import type { SensorEventsService } from '../services/sensor-events.service.ts';
import type { AccessControl } from './access.ts';
import { parseQuery } from './parse.ts';

const toMillis = (v: number | string | undefined, fallback: number): number => (v === undefined ? fallback : typeof v === 'number' ? v : Date.parse(v));

export function facilityRouter(
  registry: Registry,
  sensorStates: () => SensorsResponse | Promise<SensorsResponse>,
  sensorState: (id: string) => SensorsResponse[number] | Promise<SensorsResponse[number]>,
  readings: ReadingsService,
  /** Floor plan URL (`/plans/<file>`) → file on disk (facility.loader.ts). */
  planFiles: Map<string, string>,
  access: AccessControl,
  /** The door timeline's source; absent where no history store is wired (router unit tests). */
  sensorEvents?: SensorEventsService,
): Router {
  const router = Router();
  const view = access.requirePermission('alarm.view');

  router.get('/api/facility', view, (_req, res) => {
    const body: FacilityResponse = registry.facility;
    res.json(body);
  });

  router.get('/api/sensors', view, async (_req, res) => {
    const body: SensorsResponse = await sensorStates();
    res.json(body);
  });

  router.get('/api/sensors/:id', view, async (req, res) => {
    const id = String(req.params.id);
    const sensor = registry.sensor(id);
    if (!sensor) throw notFound(`no sensor ${id} in the registry`);
    res.json({ sensor, state: await sensorState(sensor.id) });
  });

  router.get('/api/sensors/:id/readings', view, async (req, res) => {
    const id = String(req.params.id);
    const sensor = registry.sensor(id);
    if (!sensor) throw notFound(`no sensor ${id} in the registry`);
    const q = parseQuery(readingsQuerySchema, req.query);
    const now = Date.now();
    const to = toMillis(q.to, now);
    const from = toMillis(q.from, to - 3_600_000);
    if (!(from < to)) throw badRequest('from must be before to');
    if (to - from > MAX_RANGE_MS) throw badRequest('range must be at most 400 days');
    res.json(await readings.readings(sensor, from, to, q.step));
  });

  router.get('/api/sensors/:id/events', view, async (req, res) => {
    const id = String(req.params.id);
    const sensor = registry.sensor(id);
    if (!sensor || !sensorEvents) throw notFound(`no sensor ${id} in the registry`);
    const q = parseQuery(readingsQuerySchema.omit({ step: true }), req.query);
    const now = Date.now();
    const to = toMillis(q.to, now);
    const from = toMillis(q.from, to - 86_400_000);
    if (!(from < to)) throw badRequest('from must be before to');
    if (to - from > SENSOR_EVENTS_MAX_RANGE_MS) throw badRequest('range must be at most 31 days');
    res.json(await sensorEvents.events(sensor.id, from, to));
  });

  // The dashboard shows plans with <img> and fetch, same-origin: the session cookie goes along.
  router.get('/plans/:file', view, (req, res) => {
    const file = planFiles.get(`/plans/${String(req.params.file)}`);
    if (!file) throw notFound('no such floor plan');
    // Floor plans come from config: serve as images only, never as active content.
    res.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('image/svg+xml').sendFile(file);
  });
  return router;
}
