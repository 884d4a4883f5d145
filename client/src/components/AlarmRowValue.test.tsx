// The alarm row shows the value now and the peak it reached: an officer back at the screen sees
// how bad it got.
import { describe, expect, it } from 'vitest';
import { alarmValueText } from '../domain/alarm.value.ts';
import { makeAlarm } from '../../../test/support/client.fixtures.ts';
import { alarmRowHtml as row } from '../../../test/support/alarm-row.render.tsx';

const value = (html: string): string => (/<span class="alarm__value">(.*?)<\/span><span class="alarm__sensor"/.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '|');

describe('the value in an alarm row', () => {
  it('shows the current value and the peak when the gas has been higher', () => {
    const html = row(makeAlarm({ id: 'a', sensorId: 'KIT-GAS-01', lastValue: 12.46, peakValue: 31.04, unit: '%LEL' }));
    expect(value(html)).toBe('12.5 %LEL|peak 31 %LEL|');
    expect(row(makeAlarm({ id: 'a', sensorId: 'KIT-GAS-01', lastValue: 12, peakValue: 31, unit: '%LEL' }), 'zh')).toContain('峰值 31 %LEL');
  });

  it('shows no peak while the value is at its peak, and nothing for a detector without a value', () => {
    expect(value(row(makeAlarm({ id: 'a', sensorId: 'KIT-GAS-01', lastValue: 25, peakValue: 25, unit: '%LEL' })))).toBe('25 %LEL');
    expect(alarmValueText({ lastValue: null, peakValue: null, unit: null })).toBeNull();
    expect(row(makeAlarm({ id: 'a', sensorId: 'KIT-GAS-01', lastValue: null, peakValue: null, unit: null }))).not.toContain('alarm__value');
  });
});
