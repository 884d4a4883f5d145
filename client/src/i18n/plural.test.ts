// Counts in messages read right in each language: "1 alarm", "2 alarms" in English (CLDR plural
// categories one/other, through Intl.PluralRules); Chinese has a single form.
import { describe, expect, it } from 'vitest';
import { DICTIONARIES, translator } from './dictionary.ts';

describe('plural forms picked by count', () => {
  const en = translator('en');
  const zh = translator('zh');

  it('gives the singular for one and the plural otherwise, in English', () => {
    expect(en('queue.group.count', { n: 1 })).toBe('1 alarm');
    expect(en('queue.group.count', { n: 2 })).toBe('2 alarms');
    expect(en('queue.group.count', { n: 0 })).toBe('0 alarms');
    expect(en('zone.eventSensors', { n: 1 })).toBe('1 more sensor here reports events only and is not charted.');
    expect(en('zone.eventSensors', { n: 3 })).toBe('3 more sensors here report events only and are not charted.');
    expect(en('trouble.outbox', { n: 1 })).toBe('1 reading waiting in the outbox');
    expect(en('trouble.outbox', { n: 12 })).toBe('12 readings waiting in the outbox');
  });

  it('reads a count passed already formatted ("1,024") as the number it shows', () => {
    expect(en('trouble.outbox', { n: '1' })).toBe('1 reading waiting in the outbox');
    expect(en('trouble.outbox', { n: '1,024' })).toBe('1,024 readings waiting in the outbox');
    expect(en('audit.shown', { n: '1.5' })).toBe('1.5 entries shown');
  });

  it('has one form in Chinese', () => {
    expect(zh('queue.group.count', { n: 1 })).toBe('1 条报警');
    expect(zh('queue.group.count', { n: 2 })).toBe('2 条报警');
  });

  it('still answers an explicit form key as it is', () => {
    expect(en('plan.sensorCount.one', { n: 1 })).toBe('1 sensor');
  });
});

describe('the dictionary', () => {
  const keys = Object.keys(DICTIONARIES.en);

  it('has an `.other` form for every `.one`, and no plain message under the same name', () => {
    for (const key of keys.filter((k) => k.endsWith('.one'))) {
      const base = key.slice(0, -'.one'.length);
      expect(keys, key).toContain(`${base}.other`);
      expect(keys, base).not.toContain(base);
    }
  });

  it('puts every English message whose words change with the count {n} in plural forms', () => {
    // "{n} sensors", "{n} more sensors", "{n} extreme values", "Broker dropped {n} messages":
    // a plural noun right after the count. Units ("{n} s", "{n} min") and participles do not change.
    const inflected = /\{n\} (?:[a-z]+ )?[a-z]+s\b/i;
    const offenders = keys.filter((k) => !/\.(?:one|other|two|few|many|zero)$/.test(k) && inflected.test(DICTIONARIES.en[k as keyof typeof DICTIONARIES.en]));
    expect(offenders).toEqual([]);
  });
});
