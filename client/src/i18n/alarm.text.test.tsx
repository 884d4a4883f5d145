// In Chinese the console shows an alarm's message, subject and history notes in Chinese: rendered
// from the key the server sends (docs/contracts.md#alarm-text), never the English line it keeps for
// notifications and logs. An alarm stored before keys existed still shows its message.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmChangeEvent, AlarmEvent } from '../../../contract/alarm.ts';
import { AlarmRow } from '../components/AlarmRow.tsx';
import { indexFacility } from '../domain/facility.index.ts';
import { alarmEvent, makeAlarm, makeFacility } from '../../../test/support/client.fixtures.ts';
import { alarmSubject, historyNote } from './alarm.labels.ts';
import { I18nContext, makeI18n } from './I18nContext.ts';

const index = indexFacility(makeFacility());

const gas = makeAlarm({
  id: 'a',
  sensorId: 'KIT-GAS-01',
  sensorName: 'Kitchen gas detector',
  message: 'Gas 25 %LEL at Kitchen gas detector (≥ high 20)',
  text: {
    key: 'gas',
    params: { label: 'Kitchen gas detector', labelZh: '厨房燃气探测器', value: 25, unit: '%LEL', detail: { key: 'level_high', params: { threshold: 20 } } },
  },
});

function row(alarm: Alarm, locale: 'en' | 'zh'): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'UTC')}>
      <AlarmRow alarm={alarm} index={index} ack={undefined} canAck selected={false} onAcknowledge={() => {}} onLocate={() => {}} onOpen={() => {}} />
    </I18nContext.Provider>,
  );
}

describe('alarm text in the viewer language', () => {
  it('shows the row in Chinese: the message and the subject from the key, not the English line', () => {
    const html = row(gas, 'zh');
    expect(html).toContain('title="厨房燃气探测器：燃气浓度 25 %LEL（≥ 高限 20）"');
    expect(html).toContain('<span class="alarm__sensor">厨房燃气探测器</span>');
    expect(html).not.toContain('Kitchen gas detector');
    expect(row(gas, 'en')).toContain('title="Gas 25 %LEL at Kitchen gas detector (≥ high 20)"');
  });

  it('shows an alarm stored before keys existed by its message, named as the facility names its sensor', () => {
    const { text: _text, ...old } = gas;
    expect(row(old, 'zh')).toContain('title="Gas 25 %LEL at Kitchen gas detector (≥ high 20)"');
    expect(alarmSubject(old, index, 'zh')).toBe(index.sensorsById.get('KIT-GAS-01')?.name);
    expect(alarmSubject(old, index, 'en')).toBe('Kitchen gas detector');
  });

  it('renders a note the server wrote in the viewer language, and keeps what a person typed', () => {
    const written: AlarmEvent = {
      ...alarmEvent(2, gas, 'escalated'),
      note: '3 levels at once: escalation was overdue',
      noteText: { key: 'escalated_overdue', params: { levels: 3 } },
    };
    expect(historyNote(written, 'zh')).toBe('一次升级 3 级：升级已逾期');
    expect(historyNote(written, 'en')).toBe('3 levels at once: escalation was overdue');
    const typed: AlarmEvent = { ...alarmEvent(3, gas, 'acked'), note: 'on my way' };
    expect(historyNote(typed, 'zh')).toBe('on my way');
  });

  it('shows a ticked step as the procedure the viewer reads', () => {
    const ticked: AlarmEvent = { ...(alarmEvent(4, gas, 'sop_step') as AlarmChangeEvent & { seq: number }), step: 1, done: true, note: '2. Shut the valve' };
    expect(historyNote(ticked, 'zh', ['疏散', '关闭阀门'])).toBe('2. 关闭阀门');
    expect(historyNote(ticked, 'en')).toBe('2. Shut the valve');
  });
});
