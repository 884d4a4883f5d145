/**
 * Device timestamps without a zone. Tasmota writes `"Time":"2026-11-27T10:00:00"` in the device's
 * local time (its own `Timezone` setting), which is read in the binding's `timezone` when it has
 * one (a Tasmota left on UTC at a UTC+8 site) and in the sensor's site time zone otherwise.
 * esp-rfid writes epoch seconds. A device whose clock was never set (no NTP yet: 1970) gets the
 * receive time instead of being rejected as too old.
 */
import { zonedParts } from '../../../../contract/index.ts';

/** Before this (2001-09-09) a device clock is taken as unset. */
const CLOCK_SET_AFTER_MS = 1_000_000_000_000;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?$/;
const WITH_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/;

/** The zone's offset from UTC at instant `t`, in ms (positive east of Greenwich). */
function offsetAt(t: number, timeZone: string): number {
  const p = zonedParts(timeZone, t);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (t - (t % 1000));
}

/**
 * `2026-11-27T10:00:00` read in `timeZone` → epoch ms; a string with a zone or offset is read as
 * such. `null` when the text is not a date-time. In a DST gap or overlap the earlier offset wins.
 */
export function localTimeToEpoch(text: string, timeZone: string): number | null {
  if (WITH_ZONE.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : t;
  }
  const m = LOCAL.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number((ms ?? '0').padEnd(3, '0')));
  if (Number.isNaN(asUtc)) return null;
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  return Math.min(first, second);
}

/** A device time in ms, or undefined (use the receive time) when the device clock is unset. */
export function deviceTime(ms: number | null): number | undefined {
  return ms !== null && ms >= CLOCK_SET_AFTER_MS ? Math.round(ms) : undefined;
}
