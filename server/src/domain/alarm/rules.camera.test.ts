// A verification camera that does not answer its probe is trouble on itself (NFPA 72: an impaired
// monitoring path is a trouble signal), low priority, non-latching; it returns to normal when the
// camera answers again and, like every trouble alarm, stays until acknowledged.
import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../../contract/index.ts';
import { T0, S, alarmEvents, kinds, makeContext } from '../../../../test/support/alarm.fixtures.ts';
import { cameraStatus, createEngineState, tick } from './index.ts';

const CAM: Camera = { id: 'CAM-1', name: 'Lobby camera', siteId: 'hq', zoneId: 'lobby', doorIds: [], stream: false, simulated: false };
const base = makeContext();
const ctx = { ...base, registry: { ...base.registry, camera: (id: string) => (id === CAM.id ? CAM : undefined), cameras: () => [CAM] } };

describe('camera_offline', () => {
  it('is raised as low trouble on the camera when it does not answer, and returns to normal when it does', () => {
    const state = createEngineState();
    expect(kinds(cameraStatus(state, ctx, 'CAM-1', true, null, T0).events)).toEqual([]);
    const down = alarmEvents(cameraStatus(state, ctx, 'CAM-1', false, 'no answer within 5 s', T0 + S).events);
    expect(down.map((e) => e.kind)).toEqual(['raised']);
    expect(down[0]!.alarm).toMatchObject({
      sensorId: 'CAM-1',
      sensorKind: 'camera',
      sensorName: 'Lobby camera',
      zoneId: 'lobby',
      condition: 'camera_offline',
      class: 'trouble',
      priority: 'low',
      latching: false,
    });
    // Still down: no second alarm.
    expect(kinds(cameraStatus(state, ctx, 'CAM-1', false, 'no answer within 5 s', T0 + 31 * S).events)).toEqual([]);
    expect(kinds(tick(state, ctx, T0 + 32 * S).events)).toEqual([]);
    const back = alarmEvents(cameraStatus(state, ctx, 'CAM-1', true, null, T0 + 61 * S).events);
    expect(back.map((e) => [e.kind, e.alarm.state, e.alarm.conditionActive])).toEqual([['cleared', 'cleared_unacked', false]]);
  });

  it('ignores a camera the registry does not have', () => {
    expect(cameraStatus(createEngineState(), ctx, 'CAM-X', false, 'gone', T0).events).toEqual([]);
  });
});
