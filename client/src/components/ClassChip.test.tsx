// NFPA 72 signal classes are shown as such: every alarm row names its class in the viewer's
// language, so a closed sprinkler valve (supervisory) never reads like a fire (alarm).
import { describe, expect, it } from 'vitest';
import { makeAlarm } from '../../../test/support/client.fixtures.ts';
import { alarmRowHtml as row } from '../../../test/support/alarm-row.render.tsx';

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
