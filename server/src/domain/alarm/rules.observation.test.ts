// Implausible readings and wrong device clocks: docs/contracts.md#device-time-and-plausibility.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../../contract/index.ts';
import { Harness, MIN, S, T0, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const GAS = 'GAS-01';
const SMK = 'SMK-01';
const harness = () => new Harness({ sensors: [makeSensor('gas', { id: GAS }), makeSensor('smoke', { id: SMK })] });

function observe(h: Harness, obs: Partial<Observation> & Pick<Observation, 'channel' | 'sensorId'>): string[] {
  const sensor = h.ctx.registry.sensor(obs.sensorId);
  const base = { siteId: 'hq', zoneId: sensor?.zoneId ?? 'kitchen', kind: sensor?.kind ?? 'gas', ts: h.now, receivedAt: h.now, source: 'mqtt' as const };
  return kinds(h.observe({ ...base, ...obs } as Observation));
}
const implausible = (h: Harness, value: number) => observe(h, { channel: 'reading', sensorId: GAS, value, unit: '%LEL', implausible: true });

describe('implausible readings', () => {
  it('raise implausible_value and never a gas alarm, however high the value', () => {
    const h = harness();
    expect(implausible(h.at(0), 1e300)).toEqual(['raised:implausible_value']);
    expect(h.only(GAS, 'implausible_value')).toMatchObject({ class: 'trouble', lastValue: 1e300 });
    // Past every on-delay: still nothing but the trouble.
    implausible(h.at(10 * S), 1e300);
    h.at(20 * S).tick();
    expect(h.alarmsOf(GAS, 'gas')).toEqual([]);
    expect(h.alarmsOf(GAS, 'gas_rise')).toEqual([]);
  });

  it('do not enter the rate-of-rise window: a plausible reading after -5 is compared with plausible ones only', () => {
    const h = harness();
    h.at(0).reading(GAS, 3);
    implausible(h.at(1 * S), -5);
    // 3 → 7 is +4, under the rise rate of 5; from -5 it would be +12.
    expect(kinds(h.at(2 * S).reading(GAS, 7))).toEqual([]);
    expect(h.alarmsOf(GAS, 'gas_rise')).toEqual([]);
  });

  it('leave a level alarm already raised by plausible readings alone', () => {
    const h = harness();
    h.at(0).reading(GAS, 25);
    expect(h.only(GAS, 'gas')).toMatchObject({ priority: 'critical' });
    implausible(h.at(1 * S), -5);
    expect(h.only(GAS, 'gas')).toMatchObject({ conditionActive: true });
  });

  it('return to normal at the first plausible reading 5 minutes after the last implausible one', () => {
    const h = harness();
    implausible(h.at(0), 1e300);
    expect(kinds(h.at(1 * MIN).reading(GAS, 2))).toEqual([]);
    implausible(h.at(2 * MIN), -5);
    expect(kinds(h.at(6 * MIN).reading(GAS, 2))).toEqual([]);
    expect(kinds(h.at(7 * MIN).reading(GAS, 2))).toEqual(['cleared:implausible_value']);
  });

  it('plausible readings still drive alarms while the trouble stands', () => {
    const h = harness();
    implausible(h.at(0), 1e300);
    h.at(1 * S).reading(GAS, 30);
    expect(h.only(GAS, 'gas')).toMatchObject({ priority: 'critical', conditionActive: true });
  });
});

describe('wrong device clocks', () => {
  const wrongClock = (h: Harness, type: 'smoke' | 'smoke_clear', deviceTs: number) => observe(h, { channel: 'event', sensorId: SMK, type, deviceTs });

  it('an alarm with a device time hours ahead is raised at the receive time, with clock_wrong beside it', () => {
    const h = harness();
    expect(wrongClock(h.at(0), 'smoke', T0 + 8 * 3_600_000)).toEqual(['raised:clock_wrong', 'raised:smoke']);
    expect(h.only(SMK, 'smoke')).toMatchObject({ raisedAt: T0, priority: 'critical' });
    expect(h.only(SMK, 'clock_wrong')).toMatchObject({ class: 'trouble', priority: 'low' });
  });

  it('clears once the device has sent believable times for 15 minutes', () => {
    const h = harness();
    wrongClock(h.at(0), 'smoke', 0);
    expect(kinds(h.at(10 * MIN).status(SMK, { battery: 90 }))).toEqual([]);
    wrongClock(h.at(11 * MIN), 'smoke_clear', 0);
    expect(kinds(h.at(25 * MIN).status(SMK, { battery: 90 }))).toEqual([]);
    expect(kinds(h.at(26 * MIN).status(SMK, { battery: 90 }))).toEqual(['cleared:clock_wrong']);
  });

  it('a clock running 8 hours behind (UTC local time read at a UTC+8 site) raises clock_wrong after 15 minutes of it', () => {
    const h = harness();
    const behind = 8 * 3_600_000;
    for (let m = 0; m < 15; m++) expect(kinds(h.at(m * MIN).reading(GAS, 1, { ts: h.now - behind }))).toEqual([]);
    expect(kinds(h.at(15 * MIN).reading(GAS, 1, { ts: h.now - behind }))).toEqual(['raised:clock_wrong']);
    expect(h.only(GAS, 'clock_wrong').message).toContain('8 h behind');
    // Set right: 15 minutes of believable times clear it.
    h.at(16 * MIN).reading(GAS, 1, { ts: h.now - 1000 });
    expect(kinds(h.at(29 * MIN).reading(GAS, 1, { ts: h.now - 1000 }))).toEqual([]);
    expect(kinds(h.at(30 * MIN).reading(GAS, 1, { ts: h.now - 1000 }))).toEqual(['cleared:clock_wrong']);
  });

  it('a backlog delivered after Vigil was away is not a wrong clock', () => {
    const h = harness();
    // Two hours of one-a-minute readings queued by the broker, delivered within 4 s, then live traffic.
    for (let i = 0; i < 120; i++) h.at(Math.floor(i / 30) * S).reading(GAS, 1, { ts: T0 - (120 - i) * MIN });
    for (let m = 1; m <= 30; m++) h.at(m * MIN).reading(GAS, 1, { ts: h.now - 200 });
    expect(h.alarmsOf(GAS, 'clock_wrong')).toEqual([]);
  });

  it('a lag that keeps changing (a slow pipeline, not a clock) is not a wrong clock', () => {
    const h = harness();
    for (let m = 0; m <= 30; m++) h.at(m * MIN).reading(GAS, 1, { ts: h.now - (6 + (m % 2) * 10) * MIN });
    expect(h.alarmsOf(GAS, 'clock_wrong')).toEqual([]);
  });
});
