// Every alarm the engine raises carries its message as a key with parameters (contract/alarm-text.ts),
// and `message` rendered in the facility's language (docs/contracts.md#alarm-text); the notes the
// server writes in the history likewise.
import { describe, expect, it } from 'vitest';
import { renderAlarmText, renderNote, type Alarm, type AlarmChangeEvent } from '../../../../contract/index.ts';
import { Harness, MIN, S, makeSensor } from '../../../../test/support/alarm.fixtures.ts';

const sensors = [
  makeSensor('gas', { id: 'GAS-01', nameZh: '厨房燃气' }),
  makeSensor('co', { id: 'CO-01', nameZh: '厨房一氧化碳' }),
  makeSensor('smoke', { id: 'SMK-01', nameZh: '大堂烟感' }),
  makeSensor('smoke', { id: 'SMK-02', nameZh: '客房烟感' }),
  makeSensor('door', { id: 'DOOR-01', nameZh: '机房门', secureZone: true, schedule: 'office' }),
  makeSensor('leak', { id: 'LEAK-01', nameZh: '机房漏水' }),
];

/** Latin words of a Chinese text once the ids and units are taken out. */
const latin = (text: string): string[] => text.replace(/%LEL|ppm|[A-Z]+-\d+|\d+(\.\d+)?/g, ' ').match(/[A-Za-z]+/g) ?? [];

/** Raise one alarm of most conditions, in a facility that writes Chinese. */
function raiseMany(): Harness {
  const sites = [{ id: 'hq', name: 'Admin Services Centre', nameZh: '行政服务中心', timezone: 'Asia/Shanghai', floors: [] }];
  const h = new Harness({ sensors, sites, language: 'zh' });
  h.at(0).reading('GAS-01', 25);
  h.at(0).reading('CO-01', 40);
  h.at(2 * S).reading('CO-01', 50);
  h.at(0).event('SMK-01', 'smoke');
  h.at(0).event('SMK-02', 'dirty_chamber');
  h.at(0).status('SMK-02', { battery: 5 });
  h.at(0).event('DOOR-01', 'forced_open');
  h.at(0).event('DOOR-01', 'tamper');
  h.at(0).event('LEAK-01', 'leak');
  h.at(0).event('NEW-99', 'smoke');
  h.at(3 * MIN).tick();
  return h;
}

describe('alarm messages as a key with parameters', () => {
  it('gives every raised alarm a key, its complete parameters, and a message in the facility language', () => {
    const alarms: Alarm[] = [...raiseMany().state.alarms.values()];
    expect(new Set(alarms.map((a) => a.condition)).size).toBeGreaterThanOrEqual(8);
    for (const a of alarms) {
      const text = a.text!;
      expect(text.key, a.id).toBe(a.condition);
      expect(text.params.label, a.condition).toBe(a.sensorName);
      if (a.unit !== null) expect(text.params, a.condition).toMatchObject({ unit: a.unit, value: expect.any(Number) });
      expect(a.message, a.condition).toBe(renderAlarmText(text, 'zh'));
      expect(latin(a.message), `${a.condition}: ${a.message}`).toEqual([]);
      expect(renderAlarmText(text, 'en')).toMatch(/[a-z]/);
    }
  });

  it('words a gas alarm by its priority in Chinese too: a latched critical alarm never reads "≥ 低限"', () => {
    const h = new Harness({ sensors, language: 'zh' });
    h.at(0).reading('GAS-01', 25);
    expect(h.only('GAS-01', 'gas').message).toBe('厨房燃气：燃气浓度 25 %LEL（≥ 高限 20）');
    const { id } = h.only('GAS-01', 'gas');
    h.at(1 * S).act(id, { type: 'ack' });
    h.at(10 * MIN).reading('GAS-01', 2);
    h.at(20 * MIN).reading('GAS-01', 12);
    h.at(20 * MIN + 2 * S).reading('GAS-01', 12.5);
    const alarm = h.only('GAS-01', 'gas');
    expect(alarm.priority).toBe('critical');
    expect(alarm.message).toBe('厨房燃气：燃气浓度 12.5 %LEL（曾达高限 20，已锁存）');
    expect(renderAlarmText(alarm.text!, 'en')).toBe('Gas 12.5 %LEL at gas sensor GAS-01 (reached high 20, latched)');
  });

  it('keeps English messages where the facility sets no language', () => {
    const h = new Harness({ sensors });
    h.at(0).reading('GAS-01', 25);
    expect(h.only('GAS-01', 'gas').message).toBe('Gas 25 %LEL at gas sensor GAS-01 (≥ high 20)');
  });

  it('writes its own history notes as a key, rendered in the facility language beside it', () => {
    const h = new Harness({
      sensors,
      language: 'zh',
      sopsZh: { fire: ['呼叫消防队', '疏散楼层'] },
      sops: { fire: ['Call the fire brigade', 'Evacuate the floor'] },
    });
    h.at(0).event('SMK-01', 'smoke');
    const { id } = h.only('SMK-01', 'smoke');
    const [tick] = h.at(1 * S).act(id, { type: 'sop_step', step: 1, done: true }) as AlarmChangeEvent[];
    expect(tick!.noteText).toEqual({ key: 'sop_step', params: { step: 2, text: 'Evacuate the floor', textZh: '疏散楼层' } });
    expect(tick!.note).toBe('2. 疏散楼层');
    const escalated = h
      .at(10 * MIN)
      .tick()
      .find((e) => e.kind === 'escalated')!;
    expect(escalated.noteText).toEqual({ key: 'escalated_overdue', params: { levels: 10 } });
    expect(escalated.note).toBe(renderNote(escalated.noteText!, 'zh'));
    // What a person typed stays as typed, with no key.
    const [acked] = h.at(11 * MIN).act(id, { type: 'ack', note: 'on my way' });
    expect(acked).toMatchObject({ note: 'on my way' });
    expect(acked).not.toHaveProperty('noteText');
  });
});
