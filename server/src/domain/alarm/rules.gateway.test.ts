// A gateway offline is one alarm for one cause. ISA-18.2 counts a flood of alarms that share a
// cause as a failure of the alarm system (the operator sees fourteen rows and must work out they
// are one); NFPA 72 makes the loss of the path to devices a trouble signal. So: one trouble alarm
// naming the gateway and how many sensors it leaves unsupervised, those sensors shown offline
// without alarms of their own, and back to normal (acknowledgement still required) when it returns.
import { describe, expect, it } from 'vitest';
import type { Gateway, Sensor } from '../../../../contract/index.ts';
import { sensorLiveState } from './engine.state.ts';
import { sensorsShownOffline } from './rules.gateway.ts';
import { Harness, MIN, S, kinds, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const GW = 'GW-Z2M';
const behind = (id: string, kind: Sensor['kind'] = 'smoke'): Sensor =>
  makeSensor(kind, { id, heartbeatS: 60, source: { adapter: 'zigbee2mqtt', gateway: GW, topic: `zigbee2mqtt/${id}` } });

function gateway(overrides: Partial<Gateway> = {}): Gateway {
  return {
    id: GW,
    name: 'Zigbee bridge',
    adapter: 'zigbee2mqtt',
    baseTopic: 'zigbee2mqtt',
    discoveryPrefix: 'homeassistant',
    siteId: 'hq',
    zoneId: 'kitchen',
    floorId: 'canteen-1f',
    heartbeatS: null,
    sensorIds: [],
    ...overrides,
  } as Gateway;
}

/** 14 detectors behind the bridge, and one native gas detector that is not. */
const DETECTORS = Array.from({ length: 14 }, (_, i) => behind(`SMK-${String(i + 1).padStart(2, '0')}`));
const NATIVE = makeSensor('gas', { id: 'GAS-NATIVE', heartbeatS: 60 });

function harness(g: Partial<Gateway> = {}, sensors: Sensor[] = [...DETECTORS, NATIVE]): Harness {
  return new Harness({ sensors, gateways: [gateway({ ...g, sensorIds: sensors.filter((s) => s.source.adapter !== 'native').map((s) => s.id) })] });
}

/** What the Zigbee2MQTT decoder hands on when the bridge says offline: the gateway first, then each device. */
function bridgeOffline(h: Harness, sensors: readonly Sensor[] = DETECTORS): string[] {
  const events = h.status(GW, { online: false });
  for (const s of sensors) events.push(...h.status(s.id, { online: false }));
  return kinds(events);
}

describe('gateway offline', () => {
  it('is one trouble alarm naming the gateway and the sensors it leaves unsupervised, not one per sensor', () => {
    const h = harness();
    h.at(0).tick();
    expect(bridgeOffline(h.at(10 * S))).toEqual(['raised:gateway_offline']);
    expect(h.only(GW, 'gateway_offline')).toMatchObject({
      class: 'trouble',
      priority: 'medium',
      state: 'active_unacked',
      sensorName: 'Zigbee bridge',
      sensorKind: 'gateway',
      gatewayId: GW,
      zoneId: 'kitchen',
      floorId: 'canteen-1f',
      lastValue: 14,
      message: 'Zigbee bridge offline: 14 detectors unsupervised (reported offline)',
    });
    expect([...h.state.alarms.values()]).toHaveLength(1);
  });

  it('shows the sensors behind it offline, and raises none of their offline alarms however long it lasts', () => {
    const h = harness();
    h.at(0).tick();
    h.at(10 * S).status(GW, { online: false });
    for (const s of DETECTORS) expect(sensorLiveState(h.state, s.id).online, s.id).toBe(false);
    // Their watchdogs (60 s × 3) long past: still only the gateway's alarm, and the native detector's own.
    const later = kinds([...h.at(10 * MIN).tick(), ...h.at(60 * MIN).tick()]).filter((k) => k.startsWith('raised'));
    expect(later).toEqual(['raised:offline']);
    expect(h.only(NATIVE.id, 'offline').sensorId).toBe(NATIVE.id);
    expect(DETECTORS.flatMap((s) => h.alarmsOf(s.id, 'offline'))).toEqual([]);
  });

  it('also takes the sensors offline when it falls silent (no availability message at all)', () => {
    const h = harness({ heartbeatS: 60 }, DETECTORS);
    h.at(0).status(GW, { online: true });
    for (const s of DETECTORS) h.status(s.id, { battery: 90 });
    expect(h.at(179 * S).tick()).toEqual([]);
    // The gateway's silence is checked before the sensors', whose heartbeat is the same.
    expect(kinds(h.at(180 * S).tick())).toEqual(['raised:gateway_offline']);
    expect(h.only(GW, 'gateway_offline').message).toBe('Zigbee bridge offline: 14 detectors unsupervised (nothing heard for 3 min)');
    expect(sensorLiveState(h.state, 'SMK-01').online).toBe(false);
    expect(h.at(30 * MIN).tick()).toEqual([]);
  });

  it('a gateway never heard from since the engine started goes offline after its silence too', () => {
    const h = harness({ heartbeatS: 60 }, DETECTORS.slice(0, 1));
    h.at(0).tick();
    expect(h.at(179 * S).tick()).toEqual([]);
    expect(kinds(h.at(180 * S).tick())).toEqual(['raised:gateway_offline']);
    expect(h.only(GW, 'gateway_offline').message).toBe('Zigbee bridge offline: 1 detector unsupervised (nothing heard for 3 min)');
  });

  it('without a heartbeat only its availability topic takes it offline', () => {
    const h = harness({ heartbeatS: null });
    h.at(0).status(GW, { online: true });
    expect(kinds(h.at(5 * 60 * MIN).tick()).filter((k) => k.endsWith('gateway_offline'))).toEqual([]);
  });

  it('stays one alarm when it says offline again, or goes silent while offline', () => {
    const h = harness({ heartbeatS: 60 });
    h.at(0).status(GW, { online: true });
    bridgeOffline(h.at(10 * S));
    expect(bridgeOffline(h.at(20 * S))).toEqual([]);
    expect(
      h
        .at(10 * MIN)
        .tick()
        .filter((e) => e.subject === 'alarm' && e.alarm.sensorId === GW),
    ).toEqual([]);
    expect(h.alarmsOf(GW, 'gateway_offline')).toHaveLength(1);
  });

  it('names sensors, not detectors, when doors are behind it', () => {
    const h = harness({}, [behind('DOOR-1', 'door'), behind('SMK-1')]);
    h.at(0).status(GW, { online: false });
    expect(h.only(GW, 'gateway_offline').message).toBe('Zigbee bridge offline: 2 sensors unsupervised (reported offline)');
  });
});

describe('gateway back online', () => {
  it('returns the alarm to normal, unacknowledged until an officer acknowledges it (ISA-18.2 rtn_unacked)', () => {
    const h = harness();
    h.at(0).tick();
    bridgeOffline(h.at(10 * S));
    expect(kinds(h.at(5 * MIN).status(GW, { online: true }))).toEqual(['cleared:gateway_offline']);
    const alarm = h.only(GW, 'gateway_offline');
    expect(alarm.state).toBe('cleared_unacked');
    expect(kinds(h.act(alarm.id, { type: 'ack' }))).toEqual(['acked:gateway_offline']);
    expect(h.only(GW, 'gateway_offline').state).toBe('cleared');
  });

  it('shows its sensors as unknown again and restarts their watchdogs from its return', () => {
    const h = harness({}, DETECTORS.slice(0, 2));
    const [a, b] = DETECTORS as [Sensor, Sensor];
    h.at(0).status(a.id, { battery: 90 });
    h.status(b.id, { battery: 90 });
    bridgeOffline(h.at(10 * S), [a, b]);
    h.at(30 * MIN).status(GW, { online: true });
    expect(sensorLiveState(h.state, a.id).online).toBeNull();
    // A speaks after the return; B does not. B's silence counts from the return, not from 0.
    h.at(31 * MIN).status(a.id, { battery: 89 });
    const raised = (events: ReturnType<Harness['tick']>): string[] => kinds(events).filter((k) => k.startsWith('raised'));
    expect(raised(h.at(30 * MIN + 179 * S).tick())).toEqual([]);
    expect(raised(h.at(30 * MIN + 180 * S).tick())).toEqual(['raised:offline']);
    expect(h.only(b.id, 'offline').message).toBe(`Sensor offline: ${b.name} (nothing heard for 3 min)`);
    expect(h.alarmsOf(a.id, 'offline')).toEqual([]);
  });

  it('a sensor’s own last will while its gateway is online is its own alarm, as before', () => {
    const h = harness();
    h.at(0).status(GW, { online: true });
    expect(kinds(h.at(10 * S).status('SMK-03', { online: false }))).toEqual(['raised:offline']);
  });

  it('traffic after silence brings it back', () => {
    const h = harness({ heartbeatS: 60 });
    h.at(0).status(GW, { online: true });
    h.at(180 * S).tick();
    expect(kinds(h.at(200 * S).status(GW, { online: true }))).toEqual(['cleared:gateway_offline']);
  });
});

describe('flood', () => {
  it('fourteen sensors behind one gateway going offline count as one new alarm, not a flood of fourteen', () => {
    const h = harness();
    h.at(0).tick();
    bridgeOffline(h.at(10 * S));
    expect(h.state.incidents.size).toBe(0);
    expect(h.state.floods.get('hq')).toHaveLength(1);
  });
});

describe('live state', () => {
  it('a change of the gateway alarm names every sensor behind it, whose shown state it changed (the service pushes them)', () => {
    const h = harness();
    h.at(0).tick();
    h.at(10 * S).status(GW, { online: false });
    const alarm = h.only(GW, 'gateway_offline');
    expect(sensorsShownOffline(alarm, h.ctx.registry).map((s) => s.id)).toEqual(DETECTORS.map((s) => s.id));
    h.at(20 * S).status(NATIVE.id, { online: false });
    expect(sensorsShownOffline(h.only(NATIVE.id, 'offline'), h.ctx.registry)).toEqual([]);
  });
});
