import { describe, expect, it } from 'vitest';
import { isAboutAlarm } from './AuditEntries.tsx';

const entry = (target: string) => ({ id: 1, at: 0, actor: 'li', action: 'alarm.acked', target, detail: null, hash: 'h' });

describe('audit entries of one alarm', () => {
  it('keeps the entries whose target names the alarm, and only those', () => {
    expect(isAboutAlarm(entry('alarm:al_1'), 'al_1')).toBe(true);
    expect(isAboutAlarm(entry('al_1'), 'al_1')).toBe(true);
    expect(isAboutAlarm(entry('hq/al_1'), 'al_1')).toBe(true);
    expect(isAboutAlarm(entry('hq/al_10'), 'al_1')).toBe(false);
    expect(isAboutAlarm(entry('alarm:al_10'), 'al_1')).toBe(false);
    expect(isAboutAlarm(entry('sensor:al_1x'), 'al_1')).toBe(false);
  });
});
