/**
 * A raw number is never an engineering unit. Every source field an adapter can turn into a
 * reading is listed in its adapter's table with what the device publishes there: a value in a
 * unit (`ppm`, `%LEL`, `dB/m` …), a `raw` device number (an ADC count, Zigbee2MQTT's
 * `gas_density` and `smoke_density`: no unit at all), or `declared` — a value whose unit only the
 * binding can tell (an ESPHome `sensor`, a Tasmota JSON key other than `ANALOG`).
 *
 * A binding reading a raw field needs `scale`; one reading a declared field needs `unit` (or
 * `scale`); a unit that is not the sensor's must be one Vigil converts. The registry check refuses
 * any other binding at start, with file and line and what to write instead, and the decoders read
 * values through the same `readingConversion`, so the check and the decoding cannot disagree.
 *
 * To declare a raw field: give its table entry `unit: 'raw'` (or `'declared'`), call
 * `readingProblems()` from the adapter's check in binding.check.ts and `readingConversion()` from
 * its decoder (README "Device adapters").
 */
import type { Scale, SensorKind, SourceUnit, Unit } from '../../../../contract/index.ts';
import { applyScale, dbPerMetreToObscuration } from './coerce.ts';

/** What a device publishes in a field: a unit, a raw number, or a unit only the binding can state. */
export type FieldUnit = SourceUnit | 'raw' | 'declared';

/** One row of an adapter's table. */
export interface SourceField {
  /** The field as the device names it (`gas_density`, `ANALOG.A0`, `sensor`). */
  name: string;
  unit: FieldUnit;
}

/** The part of a binding that says how to read a value: a calibration, or the unit it is published in. */
export interface ValueBinding {
  scale?: Scale | undefined;
  unit?: SourceUnit | undefined;
}

export type Conversion = (value: number) => number;

/** Units Vigil converts into a sensor's unit, by formula (never by guess). */
const CONVERSIONS: Partial<Record<SourceUnit, Partial<Record<Unit, Conversion>>>> = {
  // Optical density in dB/m (Aqara's smoke_density_dbm) to obscuration per metre.
  'dB/m': { '%obs/m': dbPerMetreToObscuration },
};

const identity: Conversion = (v) => v;

/** The units a binding may declare for a sensor storing `unit`: its own and those converted into it. */
export function unitsFor(unit: Unit): SourceUnit[] {
  return [unit, ...(Object.keys(CONVERSIONS) as SourceUnit[]).filter((u) => CONVERSIONS[u]?.[unit] !== undefined)];
}

/** A scale example in the sensor's unit, for messages: full scale 100 %LEL, 1000 ppm, 20 %obs/m. */
function scaleExample(unit: Unit): string {
  const top = unit === 'ppm' ? 1000 : unit === '%obs/m' ? 20 : 100;
  return `scale: { from: [<raw at 0 ${unit}>, <raw at ${top} ${unit}>], to: [0, ${top}] }`;
}

/** A refusal: which binding field to fix, and a message that says what to write. */
export interface ValueProblem {
  at: 'scale' | 'unit';
  message: string;
}

/**
 * How `field`'s value becomes a reading in `sensorUnit` under `binding`: a conversion, or the
 * problem that keeps it from being read. `sensorUnit` null: the kind takes no readings, and a
 * scale or unit on it is a mistake.
 */
export function readingConversion(field: SourceField, binding: ValueBinding, sensorUnit: Unit | null, kind: SensorKind): Conversion | ValueProblem {
  const { scale, unit } = binding;
  if (sensorUnit === null) {
    const at = scale ? 'scale' : 'unit';
    return { at, message: `${kind} sensors store no readings: remove ${at}` };
  }
  if (scale && unit !== undefined)
    return {
      at: 'unit',
      message: `give either scale (a raw value mapped to ${sensorUnit}) or unit (the unit ${field.name} is published in), not both`,
    };
  if (scale) return (v) => applyScale(v, scale);
  const published = unit ?? (field.unit === 'raw' || field.unit === 'declared' ? undefined : field.unit);
  if (published === undefined) {
    if (field.unit === 'raw')
      return {
        at: 'scale',
        message: `${field.name} is a raw device value with no unit: set ${scaleExample(sensorUnit)} from the detector's calibration, or unit: ${sensorUnit} if its documentation gives it in ${sensorUnit}`,
      };
    return {
      at: 'unit',
      message: `Vigil cannot tell which unit ${field.name} is published in: set unit: ${sensorUnit} if it is ${sensorUnit}, or ${scaleExample(sensorUnit)} for a raw value`,
    };
  }
  if (published === sensorUnit) return identity;
  const convert = CONVERSIONS[published]?.[sensorUnit];
  if (convert) return convert;
  return {
    at: 'unit',
    message: `${field.name} in ${published} cannot become ${sensorUnit} (what ${kind} sensors store): set unit to one of ${unitsFor(sensorUnit).join(', ')}, or ${scaleExample(sensorUnit)}`,
  };
}

/** The load-time check: a problem (at `scale` or `unit`) when `field` cannot be read under `binding`. */
export function readingProblems(field: SourceField, binding: ValueBinding, sensorUnit: Unit | null, kind: SensorKind): ValueProblem[] {
  const r = readingConversion(field, binding, sensorUnit, kind);
  return typeof r === 'function' ? [] : [r];
}
