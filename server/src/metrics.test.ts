import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

describe('metrics', () => {
  it('counts ingested observations by source and channel, cumulatively across scrapes', async () => {
    const m = createMetrics();
    for (let i = 0; i < 3; i++) m.countIngested('mqtt', 'reading');
    m.countIngested('http', 'event');
    const first = await m.registry.getSingleMetricAsString('vigil_observations_ingested_total');
    expect(first).toContain('vigil_observations_ingested_total{source="mqtt",channel="reading"} 3');
    expect(first).toContain('vigil_observations_ingested_total{source="http",channel="event"} 1');
    m.countIngested('mqtt', 'reading');
    m.countIngested('mqtt', 'reading');
    const second = await m.registry.getSingleMetricAsString('vigil_observations_ingested_total');
    expect(second).toContain('vigil_observations_ingested_total{source="mqtt",channel="reading"} 5');
    expect(second).toContain('vigil_observations_ingested_total{source="http",channel="event"} 1');
  });
});
