import { describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../../contract/index.ts';
import { FIXTURE_T0, makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { AlarmHistory } from './history.alarms.ts';
import type { HistoryPoint, HistoryQueue } from './history.ports.ts';

class RecordingQueue implements HistoryQueue {
  added: { points: HistoryPoint | readonly HistoryPoint[]; minTs: number; maxTs: number }[] = [];
  add(points: HistoryPoint | readonly HistoryPoint[], minTs: number, maxTs: number): void {
    this.added.push({ points, minTs, maxTs });
  }
}

describe('AlarmHistory', () => {
  it('records an alarm event as an alarm_event point with what charts of alarm periods need', () => {
    const queue = new RecordingQueue();
    const alarm = makeAlarm({ id: 'al_1', state: 'active_acked', drill: 'drill-1' });
    const event: AlarmEvent = {
      subject: 'alarm',
      kind: 'acked',
      alarmId: 'al_1',
      alarm,
      actor: 'officer.li',
      note: 'on my way',
      drill: 'drill-1',
      at: FIXTURE_T0 + 5,
      seq: 17,
    };
    new AlarmHistory(queue).record(event);
    expect(queue.added).toEqual([
      {
        points: {
          type: 'alarm_event',
          at: FIXTURE_T0 + 5,
          seq: 17,
          kind: 'acked',
          actor: 'officer.li',
          alarm: {
            id: 'al_1',
            state: 'active_acked',
            condition: 'gas',
            priority: 'critical',
            sensorKind: 'gas',
            sensorId: 'KIT-GAS-01',
            siteId: 'hq',
            zoneId: 'kitchen',
            drill: 'drill-1',
          },
        },
        minTs: FIXTURE_T0 + 5,
        maxTs: FIXTURE_T0 + 5,
      },
    ]);
  });

  it('records nothing for incident and sensor events', () => {
    const queue = new RecordingQueue();
    const history = new AlarmHistory(queue);
    history.record({
      subject: 'sensor',
      kind: 'sensor_test',
      sensorId: 'S-1',
      siteId: 'hq',
      outOfService: null,
      actor: 'tech',
      note: null,
      drill: null,
      at: FIXTURE_T0,
      seq: 1,
    });
    // (the incident itself does not matter here)
    history.record({
      subject: 'incident',
      kind: 'incident_acked',
      incidentId: 'in_1',
      actor: 'tech',
      note: null,
      drill: null,
      at: FIXTURE_T0,
      seq: 2,
    } as AlarmEvent);
    expect(queue.added).toEqual([]);
  });
});
