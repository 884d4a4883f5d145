// Sprinkler supervision through the ingest gate: a riser's pressure outside its limits and a fire
// pump that starts are supervisory signals like a closed valve, so a device over its rate limit
// still gets them through (the alarm-bearing exemption, docs/contracts.md#ingest-limits); an
// in-limits pressure reading is limited like any other reading.
import { describe, expect, it } from 'vitest';
import type { Facility, Sensor } from '../../../contract/index.ts';
import { testSensors, testSites } from '../../../test/support/registry.fixtures.ts';
import { Registry } from '../domain/registry.ts';
import { BURST_S, IngestLimits } from './ingest.limits.ts';

const NOW = 1_800_000_000_000;
const base = testSensors.find((s) => s.id === 'GH-SMK-101')!;
const riser: Sensor = { ...base, id: 'GH-RISER-PRS', name: 'Riser pressure', kind: 'pressure', unit: 'bar', pressureLimits: { low: 4, high: 12 } };
const pump: Sensor = { ...base, id: 'GH-FIRE-PUMP', name: 'Fire pump', kind: 'pump' };

function limits() {
  const facility: Facility = { name: 'Test', sites: testSites, sensors: [...testSensors, riser, pump], schedules: {}, sops: {} };
  return new IngestLimits(
    new Registry(facility),
    { perKeyPerS: 1000, perDevicePerS: 1, deviceBurst: BURST_S, unregisteredPerSitePerS: 1, maxTracked: 100 },
    { now: () => NOW },
  );
}
const pressure = (value: number) => ({ sensorId: riser.id, kind: 'pressure', siteId: 'lodging', channel: 'reading', unit: 'bar', value, ts: NOW }) as never;
const pumpEvent = (type: string) => ({ sensorId: pump.id, kind: 'pump', siteId: 'lodging', channel: 'event', type, ts: NOW }) as never;

describe('sprinkler signals and the rate limits', () => {
  it.each([
    ['pressure below its low limit', pressure(8), pressure(1.5)],
    ['pressure above its high limit', pressure(8), pressure(14)],
    ['a fire pump that starts', pumpEvent('pump_running_clear'), pumpEvent('pump_running')],
  ])('%s passes a device that used up its allowance', (_what, normal, signal) => {
    const gate = limits();
    for (let i = 0; i < BURST_S * 2; i++) gate.admit(normal, 'key-1');
    expect(gate.admit(normal, 'key-1')).not.toBeNull();
    expect(gate.admit(signal, 'key-1')).toBeNull();
  });
});
