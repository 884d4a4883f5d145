import { describe, expect, it } from 'vitest';
import { FIXTURE_T0, makeAlarm } from '../../test/support/contract.fixtures.ts';
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

  it('reads the outbox, queue and InfluxDB gauges from the history writer when scraped', async () => {
    const m = createMetrics();
    const writer = { batches: 2, points: 700, queuedPoints: 40, isSinkUp: false, outboxDepth: () => ({ batches: writer.batches, points: writer.points }) };
    m.watchHistory(writer);
    const text = async () => m.registry.metrics();
    expect(await text()).toMatch(/^vigil_outbox_points 700$/m);
    expect(await text()).toMatch(/^vigil_outbox_batches 2$/m);
    expect(await text()).toMatch(/^vigil_ingest_queue_points 40$/m);
    expect(await text()).toMatch(/^vigil_influx_up 0$/m);
    Object.assign(writer, { batches: 0, points: 0, isSinkUp: true });
    expect(await text()).toMatch(/^vigil_outbox_points 0$/m);
    expect(await text()).toMatch(/^vigil_influx_up 1$/m);
  });

  it('counts raised alarms by priority and drill, and nothing else', async () => {
    const m = createMetrics();
    const base = { subject: 'alarm' as const, alarmId: 'al_1', actor: 'system', note: null, at: FIXTURE_T0, seq: 1 };
    m.countAlarmEvent({ ...base, kind: 'raised', alarm: makeAlarm({ id: 'al_1' }), drill: null });
    m.countAlarmEvent({ ...base, kind: 'raised', alarm: makeAlarm({ id: 'al_2', priority: 'high', drill: 'd1' }), drill: 'd1' });
    m.countAlarmEvent({ ...base, kind: 'acked', alarm: makeAlarm({ id: 'al_1' }), drill: null });
    const text = await m.registry.getSingleMetricAsString('vigil_alarms_raised_total');
    expect(text).toContain('vigil_alarms_raised_total{priority="critical",drill="no"} 1');
    expect(text).toContain('vigil_alarms_raised_total{priority="high",drill="yes"} 1');
  });
});
