import { describe, expect, it, vi } from 'vitest';
import type { AlarmEvent } from '../../../contract/alarm.ts';
import { alarmEvent, makeAlarm, makeDrill, makeIncident, makeSensorState, snapshot, T0 } from '../../../test/support/client.fixtures.ts';
import { LiveStore } from './live.store.ts';

function setup() {
  const requestResync = vi.fn<(lastSeq: number) => void>();
  const store = new LiveStore({ requestResync });
  return { store, requestResync };
}

function synced(seq = 10) {
  const s = setup();
  s.store.handleConnect(false);
  s.store.handleSnapshot(snapshot(seq, [makeAlarm({ id: 'a1' })]));
  return s;
}

describe('live store: snapshot and ordered events (docs/architecture.md#realtime)', () => {
  it('starts connecting and unsynced, with no sequence number', () => {
    const { store } = setup();
    expect(store.getSnapshot()).toMatchObject({ status: 'connecting', synced: false, seq: null, lostSince: null });
  });

  it('takes alarms, incidents and sensors from the snapshot', () => {
    const { store } = setup();
    store.handleConnect(false);
    store.handleSnapshot(snapshot(7, [makeAlarm({ id: 'a1' })], [makeSensorState({ sensorId: 's1' })], [makeIncident({ id: 'i1' })]));
    const s = store.getSnapshot();
    expect(s).toMatchObject({ status: 'connected', synced: true, seq: 7 });
    expect([...s.alarms.keys()]).toEqual(['a1']);
    expect([...s.incidents.keys()]).toEqual(['i1']);
    expect([...s.sensors.keys()]).toEqual(['s1']);
  });

  it('applies the next event in sequence', () => {
    const { store, requestResync } = synced(10);
    const acked = makeAlarm({ id: 'a1', state: 'active_acked' });
    expect(store.handleAlarmEvent(alarmEvent(11, acked, 'acked'))).toBe('applied');
    expect(store.getSnapshot().seq).toBe(11);
    expect(store.getSnapshot().alarms.get('a1')?.state).toBe('active_acked');
    expect(requestResync).not.toHaveBeenCalled();
  });

  it('ignores an event it already has (a redelivery), without a resync', () => {
    const { store, requestResync } = synced(10);
    expect(store.handleAlarmEvent(alarmEvent(10, makeAlarm({ id: 'a1', state: 'cleared' })))).toBe('duplicate');
    expect(store.getSnapshot().alarms.has('a1')).toBe(true);
    expect(requestResync).not.toHaveBeenCalled();
  });

  it('on a sequence gap asks for a resync once, marks the state unsynced, and does not apply out of order', () => {
    const { store, requestResync } = synced(10);
    expect(store.handleAlarmEvent(alarmEvent(13, makeAlarm({ id: 'a2' })))).toBe('gap');
    expect(requestResync).toHaveBeenCalledExactlyOnceWith(10);
    expect(store.getSnapshot()).toMatchObject({ synced: false, seq: 10 });
    expect(store.getSnapshot().alarms.has('a2')).toBe(false);
    // More events while the snapshot is on its way are kept, not answered with more resyncs.
    expect(store.handleAlarmEvent(alarmEvent(14, makeAlarm({ id: 'a3' })))).toBe('buffered');
    expect(requestResync).toHaveBeenCalledTimes(1);
  });

  it('after the resync snapshot, applies the buffered events that follow it in order', () => {
    const { store } = synced(10);
    store.handleAlarmEvent(alarmEvent(14, makeAlarm({ id: 'a4' })));
    store.handleAlarmEvent(alarmEvent(13, makeAlarm({ id: 'a3' })));
    store.handleAlarmEvent(alarmEvent(12, makeAlarm({ id: 'old' }))); // covered by the snapshot
    store.handleSnapshot(snapshot(12, [makeAlarm({ id: 'a1' }), makeAlarm({ id: 'old' })]));
    const s = store.getSnapshot();
    expect(s).toMatchObject({ synced: true, seq: 14, resyncCount: 1 });
    expect([...s.alarms.keys()].sort()).toEqual(['a1', 'a3', 'a4', 'old']);
  });

  it('stops at a hole left after the snapshot; the next event triggers a new resync', () => {
    const { store, requestResync } = synced(10);
    store.handleAlarmEvent(alarmEvent(15, makeAlarm({ id: 'a5' })));
    store.handleSnapshot(snapshot(12));
    expect(store.getSnapshot().seq).toBe(12);
    expect(store.getSnapshot().alarms.has('a5')).toBe(false);
    store.handleAlarmEvent(alarmEvent(16, makeAlarm({ id: 'a6' })));
    expect(requestResync).toHaveBeenLastCalledWith(12);
  });

  it('drops an alarm that reaches cleared, and an incident that closes', () => {
    const { store } = setup();
    store.handleConnect(false);
    store.handleSnapshot(snapshot(1, [makeAlarm({ id: 'a1' })], [], [makeIncident({ id: 'i1' })]));
    store.handleAlarmEvent(alarmEvent(2, makeAlarm({ id: 'a1', state: 'cleared' }), 'reset'));
    const closed: AlarmEvent = {
      seq: 3,
      subject: 'incident',
      kind: 'incident_updated',
      incidentId: 'i1',
      incident: makeIncident({ id: 'i1', state: 'closed' }),
      at: T0,
      actor: 'system',
      note: null,
      drill: null,
    };
    store.handleAlarmEvent(closed);
    expect(store.getSnapshot().alarms.size).toBe(0);
    expect(store.getSnapshot().incidents.size).toBe(0);
  });

  it('marks a sensor out of service from a sensor event', () => {
    const { store } = setup();
    store.handleConnect(false);
    store.handleSnapshot(snapshot(1, [], [makeSensorState({ sensorId: 's1' })]));
    const oos = { since: T0, by: 'tech', reason: 'recalibration' };
    store.handleAlarmEvent({
      seq: 2,
      subject: 'sensor',
      kind: 'sensor_out_of_service',
      sensorId: 's1',
      siteId: 'hq',
      outOfService: oos,
      at: T0,
      actor: 'tech',
      note: null,
      drill: null,
    });
    expect(store.getSnapshot().sensors.get('s1')?.outOfService).toEqual(oos);
  });

  it('does not replace a state object that an event did not touch (cheap re-renders)', () => {
    const { store } = synced(10);
    const before = store.getSnapshot();
    store.handleAlarmEvent(alarmEvent(11, makeAlarm({ id: 'a2' })));
    const after = store.getSnapshot();
    expect(after.alarms).not.toBe(before.alarms);
    expect(after.incidents).toBe(before.incidents);
    expect(after.sensors).toBe(before.sensors);
  });
});

describe('live store: connection state', () => {
  it('remembers when the feed was first lost and keeps that time across failed reconnects', () => {
    const { store } = synced();
    store.handleDisconnect(T0 + 1_000);
    store.handleConnectError(T0 + 5_000);
    expect(store.getSnapshot()).toMatchObject({ status: 'disconnected', synced: false, lostSince: T0 + 1_000 });
  });

  it('stays "lost" after reconnecting until the resync snapshot arrives, then clears', () => {
    const { store } = synced(10);
    store.handleDisconnect(T0 + 1_000);
    store.handleConnect(false);
    expect(store.getSnapshot()).toMatchObject({ status: 'connected', synced: false, lostSince: T0 + 1_000 });
    // Events before the snapshot are held back, not applied on stale state.
    expect(store.handleAlarmEvent(alarmEvent(11, makeAlarm({ id: 'a2' })))).toBe('buffered');
    store.handleSnapshot(snapshot(11, [makeAlarm({ id: 'a2' })]));
    expect(store.getSnapshot()).toMatchObject({ synced: true, lostSince: null, seq: 11 });
  });

  it('trusts a recovered Socket.IO session at once: missed packets are replayed in order', () => {
    const { store } = synced(10);
    store.handleDisconnect(T0);
    store.handleConnect(true);
    expect(store.getSnapshot()).toMatchObject({ synced: true, lostSince: null });
    expect(store.handleAlarmEvent(alarmEvent(11, makeAlarm({ id: 'a2' })))).toBe('applied');
  });

  it('counts a first connection that never succeeds as lost', () => {
    const { store } = setup();
    store.handleConnectError(T0);
    expect(store.getSnapshot()).toMatchObject({ status: 'disconnected', lostSince: T0 });
  });
});

describe('live store: sensors and notification', () => {
  it('uses REST sensor states until the first snapshot, never after it', () => {
    const { store } = setup();
    store.seedSensors([{ sensorId: 's1', lastSeen: T0, lastValue: 3, lastEvent: null, online: true, battery: null, rssi: null }]);
    expect(store.getSnapshot().sensors.get('s1')?.lastValue).toBe(3);
    store.handleConnect(false);
    store.handleSnapshot(snapshot(1, [], [makeSensorState({ sensorId: 's1', lastValue: 5 })]));
    store.seedSensors([{ sensorId: 's1', lastSeen: T0, lastValue: 3, lastEvent: null, online: true, battery: null, rssi: null }]);
    expect(store.getSnapshot().sensors.get('s1')?.lastValue).toBe(5);
  });

  it('passes live sensor states to the listeners of that sensor only', () => {
    const { store } = synced();
    const s1 = vi.fn();
    const s2 = vi.fn();
    const unsubscribe = store.subscribeSensor('s1', s1);
    store.subscribeSensor('s2', s2);
    store.handleSensorUpdates([makeSensorState({ sensorId: 's1', lastValue: 9 })]);
    expect(s1).toHaveBeenCalledWith(expect.objectContaining({ lastValue: 9 }));
    expect(s2).not.toHaveBeenCalled();
    unsubscribe();
    store.handleSensorUpdates([makeSensorState({ sensorId: 's1', lastValue: 10 })]);
    expect(s1).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().sensors.get('s1')?.lastValue).toBe(10);
  });

  it('notifies subscribers once per scheduled flush, however many messages arrived', () => {
    const flushes: (() => void)[] = [];
    const store = new LiveStore({ requestResync: vi.fn(), schedule: (f) => flushes.push(f) });
    const listener = vi.fn();
    store.subscribe(listener);
    store.handleConnect(false);
    store.handleSnapshot(snapshot(1));
    store.handleSensorUpdates([makeSensorState({ sensorId: 's1' })]);
    expect(flushes).toHaveLength(1);
    flushes[0]?.();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('live store: drills (every client labels a running drill)', () => {
  const started = { drillId: 'd1', scenario: 'canteen-gas-leak', siteId: 'hq', state: 'started', by: 'manager', at: T0 } as const;

  it('keeps a drill from its started notice to its ended notice', () => {
    const { store } = synced();
    store.handleDrill(started);
    expect([...store.getSnapshot().drills.keys()]).toEqual(['d1']);
    store.handleDrill({ ...started, state: 'ended' });
    expect(store.getSnapshot().drills.size).toBe(0);
  });

  it('learns a drill that was running before this console connected from the drill list', () => {
    const { store } = synced();
    store.syncDrills([makeDrill({ id: 'd1', state: 'running', endedAt: null }), makeDrill({ id: 'old' })]);
    expect(store.getSnapshot().drills.get('d1')).toEqual(started);
    expect(store.getSnapshot().drills.has('old')).toBe(false);
  });

  it('drops a drill the list says has ended', () => {
    const { store } = synced();
    store.handleDrill(started);
    store.syncDrills([makeDrill({ id: 'd1' })]);
    expect(store.getSnapshot().drills.size).toBe(0);
  });

  it('does not revive a drill seen ending when an older list still calls it running', () => {
    const { store } = synced();
    store.handleDrill(started);
    store.handleDrill({ ...started, state: 'ended' });
    store.syncDrills([makeDrill({ id: 'd1', state: 'running', endedAt: null })]);
    expect(store.getSnapshot().drills.size).toBe(0);
  });
});

describe('live store: the reorder window (events from two server nodes, docs/architecture.md#several-nodes)', () => {
  function windowed(seq = 10) {
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    const requestResync = vi.fn<(lastSeq: number) => void>();
    const store = new LiveStore({
      requestResync,
      reorderWindowMs: 500,
      timers: {
        setTimeout: (fn, ms) => {
          const t = { fn, ms, cleared: false };
          timers.push(t);
          return t;
        },
        clearTimeout: (t) => ((t as (typeof timers)[number]).cleared = true),
      },
    });
    store.handleConnect(false);
    store.handleSnapshot(snapshot(seq, [makeAlarm({ id: 'a1' })]));
    const fire = () => timers.filter((t) => !t.cleared).forEach((t) => t.fn());
    return { store, requestResync, timers, fire };
  }

  it('holds an event that arrives before the one ahead of it, then applies both in order, without a resync', () => {
    const { store, requestResync, timers } = windowed(10);
    expect(store.handleAlarmEvent(alarmEvent(12, makeAlarm({ id: 'a3' })))).toBe('held');
    expect(store.getSnapshot()).toMatchObject({ synced: true, seq: 10 });
    expect(store.getSnapshot().alarms.has('a3')).toBe(false);
    expect(store.handleAlarmEvent(alarmEvent(11, makeAlarm({ id: 'a2' })))).toBe('applied');
    expect(store.getSnapshot().seq).toBe(12);
    expect([...store.getSnapshot().alarms.keys()].sort()).toEqual(['a1', 'a2', 'a3']);
    expect(timers.every((t) => t.cleared)).toBe(true);
    expect(requestResync).not.toHaveBeenCalled();
  });

  it('asks for a snapshot once the window passes with the hole still open, and keeps what it held for after it', () => {
    const { store, requestResync, fire } = windowed(10);
    store.handleAlarmEvent(alarmEvent(12, makeAlarm({ id: 'a3' })));
    store.handleAlarmEvent(alarmEvent(13, makeAlarm({ id: 'a4' })));
    expect(requestResync).not.toHaveBeenCalled();
    fire();
    expect(requestResync).toHaveBeenCalledExactlyOnceWith(10);
    expect(store.getSnapshot().synced).toBe(false);
    // The snapshot covers 11; what was held follows it.
    store.handleSnapshot(snapshot(11, [makeAlarm({ id: 'a1' }), makeAlarm({ id: 'a2' })]));
    expect(store.getSnapshot()).toMatchObject({ synced: true, seq: 13 });
    expect([...store.getSnapshot().alarms.keys()].sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });
});

describe('live store: cluster notices (README "Several nodes (high availability)")', () => {
  it('counts each notice and tells the listeners, so the health hook asks again at once; the alarm state stays as it was', () => {
    const { store } = synced(10);
    const before = store.getSnapshot();
    const listener = vi.fn();
    store.subscribe(listener);
    store.handleClusterNotice();
    store.handleClusterNotice();
    expect(store.getSnapshot().clusterNotices).toBe(2);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(store.getSnapshot()).toMatchObject({ seq: before.seq, synced: true, alarms: before.alarms });
  });
});
