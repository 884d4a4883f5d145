import { describe, expect, it } from 'vitest';
import { applyScale, dbPerMetreToObscuration, toBool, toNumber } from './coerce.ts';
import { deviceTime, localTimeToEpoch } from './local-time.ts';

describe('booleans as devices spell them', () => {
  // True/false, "ON"/"OFF", 0/1, "true"/"false" and enum strings
  it.each([
    [true, true],
    [false, false],
    ['ON', true],
    ['OFF', false],
    ['on', true],
    [1, true],
    [0, false],
    ['true', true],
    ['false', false],
    ['1', true],
    ['alarm', true],
    ['normal', false],
    // Tuya detectors through Zigbee2MQTT: `smoke: "alarm" | "none"`.
    ['none', false],
  ] as const)('%j is %j', (value, expected) => {
    expect(toBool(value, 'f')).toBe(expected);
  });

  it('keeps null and the word unknown as unknown, never false', () => {
    expect(toBool(null, 'f')).toBeNull();
    expect(toBool('unknown', 'f')).toBeNull();
    expect(toBool('Unknown', 'f')).toBeNull();
  });

  it.each([2, -1, 'maybe', '', {}, []])('rejects %j with a reason', (value) => {
    expect(() => toBool(value, 'smoke')).toThrow(/smoke: cannot read .* as on\/off/);
  });
});

describe('numbers as devices send them', () => {
  it('reads numbers and numeric strings (a battery of "85"), null and nan as unknown', () => {
    expect(toNumber(85, 'battery')).toBe(85);
    expect(toNumber('85', 'battery')).toBe(85);
    expect(toNumber(' 12.5 ', 'v')).toBe(12.5);
    expect(toNumber('-3e2', 'v')).toBe(-300);
    expect(toNumber(null, 'v')).toBeNull();
    expect(toNumber('nan', 'v')).toBeNull();
  });

  it.each(['85%', 'high', '', true, Number.NaN, Infinity, {}])('rejects %j with a reason', (value) => {
    expect(() => toNumber(value, 'battery')).toThrow(/battery: .* is not a number/);
  });
});

describe('scales', () => {
  it('maps raw analog counts linearly (0–1024 ADC, 0–255 Zigbee raw densities)', () => {
    expect(applyScale(512, { from: [0, 1024], to: [0, 100] })).toBe(50);
    expect(applyScale(51, { from: [0, 255], to: [0, 20] })).toBe(4);
    // An MQ-2 with a baseline: 200 counts in clean air, 1000 at 100 %LEL.
    expect(applyScale(600, { from: [200, 1000], to: [0, 100] })).toBe(50);
  });

  it('converts optical density (dB/m) to obscuration (%obs/m)', () => {
    expect(dbPerMetreToObscuration(0)).toBe(0);
    expect(dbPerMetreToObscuration(0.1)).toBe(2.276);
    expect(dbPerMetreToObscuration(1)).toBe(20.567);
  });
});

describe('device time without a zone', () => {
  it("reads Tasmota's local Time in the site time zone", () => {
    expect(localTimeToEpoch('2026-11-27T10:00:00', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 27, 2, 0, 0));
    expect(localTimeToEpoch('2026-11-27T10:00:00', 'UTC')).toBe(Date.UTC(2026, 10, 27, 10, 0, 0));
    // Across daylight saving: Berlin is UTC+1 in winter, UTC+2 in summer.
    expect(localTimeToEpoch('2026-01-15T12:00:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 15, 11, 0, 0));
    expect(localTimeToEpoch('2026-07-15T12:00:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 15, 10, 0, 0));
    expect(localTimeToEpoch('2026-07-15T12:00:00.250', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 15, 10, 0, 0, 250));
  });

  it('honours an explicit offset and refuses what is not a date-time', () => {
    expect(localTimeToEpoch('2026-11-27T10:00:00+01:00', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 27, 9, 0, 0));
    expect(localTimeToEpoch('2026-11-27T10:00:00Z', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 27, 10, 0, 0));
    expect(localTimeToEpoch('yesterday', 'UTC')).toBeNull();
  });

  it('treats a clock that was never set (1970) as no device time', () => {
    expect(deviceTime(312_000)).toBeUndefined();
    expect(deviceTime(null)).toBeUndefined();
    expect(deviceTime(Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 0, 1));
  });
});
