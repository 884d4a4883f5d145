// NFPA 72 signal classes are shown as such: every alarm row names its class in the viewer's
// language, so a closed sprinkler valve (supervisory) never reads like a fire (alarm).
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../contract/alarm.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import { makeAlarm, makeFacility } from '../../../test/support/client.fixtures.ts';
import { AlarmRow } from './AlarmRow.tsx';

const index = indexFacility(makeFacility());

function row(alarm: Alarm, locale: 'en' | 'zh' = 'en'): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'UTC')}>
      <AlarmRow alarm={alarm} index={index} ack={undefined} canAck selected={false} onAcknowledge={() => {}} onLocate={() => {}} onOpen={() => {}} />
    </I18nContext.Provider>,
  );
}

const chip = (html: string): string | undefined =>
  /<span class="tag tag--class tag--class-(\w+)" data-class="\w+">([^<]*)<\/span>/.exec(html)?.slice(1).join(' ');

describe('the signal class on an alarm row', () => {
  const valve = makeAlarm({ id: 'v', sensorId: 'KIT-GAS-01', condition: 'valve_closed', class: 'supervisory', priority: 'high' });
  const flow = makeAlarm({ id: 'w', sensorId: 'KIT-GAS-01', condition: 'waterflow', class: 'alarm', priority: 'critical' });

  it('names the class in English and Chinese, with its own style', () => {
    expect(chip(row(valve))).toBe('supervisory Supervisory');
    expect(chip(row(valve, 'zh'))).toBe('supervisory 监管');
    expect(chip(row(flow))).toBe('alarm Alarm');
    expect(chip(row({ ...valve, class: 'trouble' }, 'zh'))).toBe('trouble 故障');
  });

  it('names the sprinkler conditions in both languages', () => {
    expect(row(valve)).toContain('Sprinkler valve not open');
    expect(row(flow, 'zh')).toContain('喷淋水流动作');
  });
});
