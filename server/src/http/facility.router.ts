import { Router } from 'express';
import { readingsQuerySchema, type FacilityResponse, type SensorsResponse } from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import { badRequest, notFound } from '../errors.ts';
import type { ReadingsService } from '../services/readings.service.ts';
import { MAX_RANGE_MS } from '../services/readings.service.ts';

const toMillis = (v: number | string | undefined, fallback: number): number => (v === undefined ? fallback : typeof v === 'number' ? v : Date.parse(v));

export function facilityRouter(registry: Registry, sensorStates: () => SensorsResponse, sensorState: (id: string) => SensorsResponse[number], readings: ReadingsService): Router {
  const router = Router();

  router.get('/api/facility', (_req, res) => {
    const body: FacilityResponse = registry.facility;
    res.json(body);
  });

  router.get('/api/sensors', (_req, res) => {
    const body: SensorsResponse = sensorStates();
    res.json(body);
  });

  router.get('/api/sensors/:id', (req, res) => {
    const sensor = registry.sensor(req.params.id);
    if (!sensor) throw notFound(`no sensor ${req.params.id} in the registry`);
    res.json({ sensor, state: sensorState(sensor.id) });
  });

  router.get('/api/sensors/:id/readings', async (req, res) => {
    const sensor = registry.sensor(req.params.id);
    if (!sensor) throw notFound(`no sensor ${req.params.id} in the registry`);
    const q = readingsQuerySchema.safeParse(req.query);
    if (!q.success) throw badRequest('invalid query', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    const now = Date.now();
    const to = toMillis(q.data.to, now);
    const from = toMillis(q.data.from, to - 3_600_000);
    if (!(from < to)) throw badRequest('from must be before to');
    if (to - from > MAX_RANGE_MS) throw badRequest('range must be at most 400 days');
    res.json(await readings.readings(sensor, from, to, q.data.step));
  });
  return router;
}
