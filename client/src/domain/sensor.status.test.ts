import { describe, expect, it } from 'vitest';
import { CONDITIONS } from '../../../contract/alarm.ts';
import { DICTIONARIES, LOCALES } from '../i18n/dictionary.ts';
import { makeAlarm, makeSensorState, T0 } from '../../../test/support/client.fixtures.ts';
import { PRIORITY_STYLES } from './priority.style.ts';
import { SENSOR_DISPLAY_STATES, STATE_STYLES, alarmDisplayState, drillOnlySensors, sensorDisplayState } from './sensor.status.ts';

const online = makeSensorState({ sensorId: 'KIT-GAS-01' });

describe('sensor display state', () => {
  it('is normal for a sensor that reports and has no alarm', () => {
    expect(sensorDisplayState(online, [])).toBe('normal');
  });

  it('is "no data yet" for a sensor never heard from, not a reassuring normal', () => {
    expect(sensorDisplayState(makeSensorState({ sensorId: 'x', lastSeen: null }), [])).toBe('unknown');
    expect(sensorDisplayState(undefined, [])).toBe('unknown');
  });

  it.each([
    [{ class: 'alarm', condition: 'gas' }, 'alarm'],
    [{ class: 'alarm', condition: 'smoke' }, 'alarm'],
    [{ class: 'alarm', condition: 'door_forced' }, 'alarm'],
    [{ class: 'alarm', condition: 'smoke_pre_alarm' }, 'pre_alarm'],
    [{ class: 'alarm', condition: 'gas_rise' }, 'pre_alarm'],
    // A gas level at low, a forced door on a non-secure door and a denied-badge burst are
    // supervisory signals of high priority, but they are alarms to the officer, not warnings.
    [{ class: 'supervisory', condition: 'gas' }, 'alarm'],
    [{ class: 'supervisory', condition: 'co' }, 'alarm'],
    [{ class: 'supervisory', condition: 'door_forced' }, 'alarm'],
    [{ class: 'supervisory', condition: 'access_denied_burst' }, 'alarm'],
    [{ class: 'alarm', condition: 'leak' }, 'alarm'],
    [{ class: 'supervisory', condition: 'door_held' }, 'pre_alarm'],
    [{ class: 'trouble', condition: 'implausible_value' }, 'trouble'],
    [{ class: 'trouble', condition: 'clock_wrong' }, 'trouble'],
    [{ class: 'trouble', condition: 'self_test_stuck' }, 'trouble'],
    [{ class: 'trouble', condition: 'unbound_signal' }, 'trouble'],
    [{ class: 'trouble', condition: 'tamper' }, 'trouble'],
    [{ class: 'trouble', condition: 'offline' }, 'offline'],
  ] as const)('maps %o to %s', (fields, expected) => {
    expect(alarmDisplayState(makeAlarm({ id: 'a', ...fields }))).toBe(expected);
  });

  it('draws every condition as a state the legend lists, never as normal or "no data"', () => {
    for (const condition of CONDITIONS) {
      const state = alarmDisplayState(makeAlarm({ id: 'a', condition }));
      expect(SENSOR_DISPLAY_STATES, condition).toContain(state);
      expect(['normal', 'unknown'], condition).not.toContain(state);
    }
  });

  it('keeps an unacknowledged return-to-normal visible, drops a cleared alarm', () => {
    expect(alarmDisplayState(makeAlarm({ id: 'a', state: 'cleared_unacked', conditionActive: false }))).toBe('alarm');
    expect(alarmDisplayState(makeAlarm({ id: 'a', state: 'cleared' }))).toBeNull();
  });

  it('shows the worst condition when a sensor has several', () => {
    const alarms = [
      makeAlarm({ id: 't', class: 'trouble', condition: 'battery_low', priority: 'low' }),
      makeAlarm({ id: 'g', class: 'alarm', condition: 'gas' }),
      makeAlarm({ id: 's', class: 'supervisory', condition: 'gas' }),
    ];
    expect(sensorDisplayState(online, alarms)).toBe('alarm');
  });

  it('shows shelved only when nothing unshelved is wrong', () => {
    const shelf = { at: T0, until: T0 + 60_000, by: 'li.na', reason: 'maintenance' };
    expect(sensorDisplayState(online, [makeAlarm({ id: 'a', shelved: shelf })])).toBe('shelved');
    expect(sensorDisplayState(online, [makeAlarm({ id: 'a', shelved: shelf }), makeAlarm({ id: 'b', class: 'trouble', condition: 'tamper' })])).toBe('trouble');
  });

  it('is offline when the sensor says so even before the watchdog alarm arrives', () => {
    expect(sensorDisplayState(makeSensorState({ sensorId: 'x', online: false }), [])).toBe('offline');
  });

  it('is out of service when the sensor is under maintenance, whatever else is open', () => {
    const oos = makeSensorState({ sensorId: 'x', outOfService: { since: T0, by: 'tech', reason: 'recalibration' } });
    expect(sensorDisplayState(oos, [makeAlarm({ id: 'a' })])).toBe('out_of_service');
  });
});

describe('state and priority styles: never colour alone (WCAG 1.4.1)', () => {
  it('gives every sensor state its own shape, its own colour and its own label in every language', () => {
    const styles = SENSOR_DISPLAY_STATES.map((s) => STATE_STYLES[s]);
    expect(new Set(styles.map((s) => s.shape)).size).toBe(styles.length);
    expect(new Set(styles.map((s) => s.colorVar)).size).toBe(styles.length);
    for (const locale of LOCALES) {
      const labels = styles.map((s) => DICTIONARIES[locale][s.labelKey]);
      expect(new Set(labels).size).toBe(labels.length);
      for (const label of labels) expect(label.length).toBeGreaterThan(0);
    }
  });

  it('maps the alarm-relevant states to the conventional colours', () => {
    expect(STATE_STYLES.alarm).toMatchObject({ colorVar: '--state-alarm', shape: 'octagon' });
    expect(STATE_STYLES.pre_alarm).toMatchObject({ colorVar: '--state-pre-alarm', shape: 'triangle' });
    expect(STATE_STYLES.normal).toMatchObject({ colorVar: '--state-normal', shape: 'circle' });
  });

  it('gives every priority its own icon, glyph, colour and label', () => {
    const styles = Object.values(PRIORITY_STYLES);
    for (const key of ['icon', 'glyph', 'colorVar', 'labelKey'] as const) {
      expect(new Set(styles.map((s) => s[key])).size).toBe(styles.length);
    }
  });
});

describe('drill labels on the plan', () => {
  it('labels a sensor DRILL only when all its open alarms are drill alarms', () => {
    const alarms = [
      makeAlarm({ id: 'd1', sensorId: 'S1', drill: 'd-1' }),
      makeAlarm({ id: 'd2', sensorId: 'S2', drill: 'd-1' }),
      makeAlarm({ id: 'r2', sensorId: 'S2', condition: 'offline', class: 'trouble' }),
      makeAlarm({ id: 'd3', sensorId: 'S3', drill: 'd-1', state: 'cleared' }),
    ];
    expect([...drillOnlySensors(alarms)]).toEqual(['S1']);
  });
});
