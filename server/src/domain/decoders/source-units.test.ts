// A raw number is never an engineering unit (README "Device adapters"): the one rule every
// adapter's table goes through, at load (readingProblems) and when decoding (readingConversion).
import { describe, expect, it } from 'vitest';
import { readingConversion, readingProblems, unitsFor, type SourceField } from './source-units.ts';

const raw: SourceField = { name: 'ANALOG.A0', unit: 'raw' };
const declared: SourceField = { name: 'sensor', unit: 'declared' };
const ppm: SourceField = { name: 'co', unit: 'ppm' };
const dbm: SourceField = { name: 'smoke_density_dbm', unit: 'dB/m' };

const read = (field: SourceField, binding: Parameters<typeof readingConversion>[1], unit: '%LEL' | 'ppm' | '%obs/m', v: number): number | string => {
  const c = readingConversion(field, binding, unit, unit === 'ppm' ? 'co' : unit === '%LEL' ? 'gas' : 'smoke');
  return typeof c === 'function' ? c(v) : `${c.at}: ${c.message}`;
};

describe('reading a source field in the sensor unit', () => {
  it('refuses a raw field without scale, and reads it through one', () => {
    expect(readingProblems(raw, {}, '%LEL', 'gas')).toEqual([
      {
        at: 'scale',
        message:
          "ANALOG.A0 is a raw device value with no unit: set scale: { from: [<raw at 0 %LEL>, <raw at 100 %LEL>], to: [0, 100] } from the detector's calibration, or unit: %LEL if its documentation gives it in %LEL",
      },
    ]);
    expect(read(raw, { scale: { from: [0, 1024], to: [0, 100] } }, '%LEL', 512)).toBe(50);
    // A unit the binding states for a raw field: the device's documentation gives it.
    expect(read(raw, { unit: '%LEL' }, '%LEL', 35)).toBe(35);
  });

  it('asks for the unit of a field only the binding can tell', () => {
    expect(read(declared, {}, 'ppm', 1)).toBe(
      'unit: Vigil cannot tell which unit sensor is published in: set unit: ppm if it is ppm, or scale: { from: [<raw at 0 ppm>, <raw at 1000 ppm>], to: [0, 1000] } for a raw value',
    );
    expect(read(declared, { unit: 'ppm' }, 'ppm', 42)).toBe(42);
  });

  it('reads documented units as they are, converts by formula, and refuses a unit it cannot convert', () => {
    expect(read(ppm, {}, 'ppm', 42)).toBe(42);
    // Optical density 0.1 dB/m: obscuration 1 − 10^(−0.01) = 2.276 %/m.
    expect(read(dbm, {}, '%obs/m', 0.1)).toBe(2.276);
    expect(read(ppm, {}, '%LEL', 42)).toMatch(/^unit: co in ppm cannot become %LEL \(what gas sensors store\): set unit to one of %LEL, or scale/);
    expect(unitsFor('%obs/m')).toEqual(['%obs/m', 'dB/m']);
  });

  it('refuses a scale or unit on a kind that stores no readings, and both at once', () => {
    expect(readingProblems(raw, { scale: { from: [0, 1], to: [0, 1] } }, null, 'door')).toEqual([
      { at: 'scale', message: 'door sensors store no readings: remove scale' },
    ]);
    expect(readingProblems(raw, { scale: { from: [0, 1], to: [0, 1] }, unit: '%LEL' }, '%LEL', 'gas')[0]?.at).toBe('unit');
  });
});
