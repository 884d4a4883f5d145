// The offline watchdog these tests hold the engine to: docs/contracts.md#conditions-and-rules.
import { describe, expect, it } from 'vitest';
import { persistEngineState, restoreEngineState } from './engine.state.ts';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const GAS = 'GAS-01'; // heartbeat 60 s → offline after 180 s of silence
const harness = () => new Harness({ sensors: [makeSensor('gas')] });

describe('offline watchdog', () => {
  it('raises offline (trouble, medium) after heartbeat × 3 of silence, not before', () => {
    // Offline when nothing is heard for its heartbeat interval × 3.
    const h = harness();
    h.at(0).reading(GAS, 1);
    expect(h.at(179 * S).tick()).toEqual([]);
    expect(kinds(h.at(180 * S).tick())).toEqual(['raised:offline']);
    expect(h.only(GAS, 'offline')).toMatchObject({ class: 'trouble', priority: 'medium', sopKey: 'offline_sensor' });
  });

  it('watches a sensor never heard from since the engine started', () => {
    // Never a silent failure: a sensor that never reports is offline too.
    const h = harness();
    h.at(0).tick();
    expect(h.at(179 * S).tick()).toEqual([]);
    expect(kinds(h.at(180 * S).tick())).toEqual(['raised:offline']);
  });

  it('raises offline at once on the MQTT last will {"online": false}', () => {
    // ... or at once on an MQTT last will {"online": false}.
    const h = harness();
    h.at(0).reading(GAS, 1);
    expect(kinds(h.at(5 * S).status(GAS, { online: false }))).toEqual(['raised:offline']);
    expect(h.only(GAS, 'offline').message).toContain('reported offline');
  });

  it('clears offline when the device is heard again', () => {
    // Back online clears it.
    const h = harness();
    h.at(0).status(GAS, { online: false });
    expect(kinds(h.at(30 * S).status(GAS, { online: true }))).toEqual(['cleared:offline']);
    expect(h.only(GAS, 'offline').state).toBe('cleared_unacked');
    h.at(10 * MIN).tick(); // silent again → a reactivation of the unacknowledged alarm
    expect(kinds(h.at(11 * MIN).reading(GAS, 1))).toEqual(['cleared:offline']);
    expect(h.alarmsOf(GAS, 'offline')).toHaveLength(1);
  });

  it('does not count the server’s own downtime as the sensor’s silence after a restart', () => {
    // After a restart timers resume; the broker redelivers what the server missed.
    const h = harness();
    h.at(0).reading(GAS, 1);
    h.at(60 * S).tick();
    const saved = JSON.parse(JSON.stringify(persistEngineState(h.state)));
    h.state = restoreEngineState(saved, { restartedAt: h.at(30 * MIN).now });
    expect(h.at(30 * MIN + 179 * S).tick()).toEqual([]);
    expect(kinds(h.at(30 * MIN + 180 * S).tick())).toEqual(['raised:offline']);
  });
});
