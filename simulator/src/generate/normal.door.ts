/**
 * Door traffic following office hours in the site's time zone: people badge in
 * (`access_granted` → `open` → `closed`), leave (`open` → `closed`), and now and then present a
 * badge that is refused (`access_denied`), sometimes trying again. Built so that normal traffic
 * raises no alarm: badges are granted only when the door's schedule expects access, a door is
 * never open for long (well under heldOpenS) and a door sees at most one refusal in two minutes
 * (the server raises a burst at 3 within 60 s).
 *
 * The facility file's named staff (`people`) badge in at reader doors half the time, so the
 * presence lists show names; at a door with a reader on the way out too (`readers.out`), someone
 * who badged in there badges out when leaving (docs/contracts.md#presence-in-hazard-zones).
 */
import { isAccessExpected, localTime, type Schedule, type Sensor } from '../../../contract/index.ts';
import { emission, type Emission } from './emission.ts';
import type { Rng } from './prng.ts';

const HOUR_MS = 3_600_000;
/** Passages per hour when the door is busy / quiet (no schedule: night-time, patrols, residents). */
const READER_RATES = { busy: 20, quiet: 1.5 };
const CONTACT_RATES = { busy: 6, quiet: 0.5 };
const DENIAL_PROBABILITY = 0.04;
/** At most one refusal per door in this window: far from the server's 3-in-60-s burst rule. */
const DENIAL_SPACING_MS = 120_000;
/** Longest normal open time: a fraction of the held-open limit, and never long anyway. */
const MAX_OPEN_S = 12;

/** A door with a badge reader (access events); otherwise a plain contact (open/closed only). */
export function hasReader(sensor: Sensor): boolean {
  return sensor.model === undefined || /reader|terminal|keypad/i.test(sensor.model);
}

/** Daytime (07:00–20:00 local) for doors without a schedule: lobbies and dormitories are busy then. */
function isDaytime(timeZone: string, t: number): boolean {
  const { minutes } = localTime(timeZone, t);
  return minutes >= 7 * 60 && minutes < 20 * 60;
}

export interface DoorContext {
  timezone: string;
  schedule: Schedule | null;
  /** One badge of each named person in the facility file. */
  staffBadges?: readonly string[];
  /** The door has a reader on the way out: leaving is a badge read too. */
  outReader?: boolean;
}

export function* doorTraffic(sensor: Sensor, ctx: DoorContext, rng: Rng, start: number): Generator<Emission> {
  const reader = hasReader(sensor);
  const rates = reader ? READER_RATES : CONTACT_RATES;
  // A scheduled door is used only within its schedule: no badge, no passage outside it.
  const rateAt = (t: number): number => {
    if (ctx.schedule !== null) return isAccessExpected(ctx.schedule, ctx.timezone, t) ? rates.busy : 0;
    return isDaytime(ctx.timezone, t) ? rates.busy : rates.quiet;
  };
  const maxOpenMs = Math.min(MAX_OPEN_S, (sensor.heldOpenS ?? 60) * 0.4) * 1000;
  const badges = Array.from({ length: 40 }, () => `badge-${rng.int(1000, 9999)}`);
  const staff = ctx.staffBadges ?? [];
  const badge = (): string => (staff.length > 0 && rng.chance(0.5) ? staff[rng.int(0, staff.length - 1)]! : badges[rng.int(0, badges.length - 1)]!);
  /** Who badged in here and has not badged out (doors with an out reader only). */
  const inside: string[] = [];
  let lastDenial = -Infinity;
  let t = start;
  for (;;) {
    // A Poisson process with a time-varying rate, by thinning: candidates at the busy rate, each
    // kept with probability rate(t) / busy rate.
    t += rng.exponential(HOUR_MS / rates.busy);
    if (!rng.chance(rateAt(t) / rates.busy)) continue;
    let at = t;
    const exiting = rng.chance(0.4);
    if (reader && !exiting) {
      if (rng.chance(DENIAL_PROBABILITY) && at - lastDenial > DENIAL_SPACING_MS) {
        lastDenial = at;
        yield emission(Math.round(at), sensor, 'event', { type: 'access_denied', credential: `badge-${rng.int(1000, 9999)}` });
        if (!rng.chance(0.5)) continue; // walks away
        at += rng.between(3000, 10_000);
        // The retry is granted only if the schedule still expects access.
        if (ctx.schedule !== null && !isAccessExpected(ctx.schedule, ctx.timezone, at)) continue;
      }
      const credential = badge();
      if (ctx.outReader === true && !inside.includes(credential)) inside.push(credential);
      yield emission(Math.round(at), sensor, 'event', { type: 'access_granted', credential });
      at += rng.between(800, 3000);
    } else if (reader && exiting && ctx.outReader === true && inside.length > 0) {
      const [credential] = inside.splice(rng.int(0, inside.length - 1), 1);
      yield emission(Math.round(at), sensor, 'event', { type: 'access_granted', credential: credential!, reader: 'out' });
      at += rng.between(800, 3000);
    }
    yield emission(Math.round(at), sensor, 'event', { type: 'open' });
    at += rng.between(Math.min(2000, maxOpenMs / 2), maxOpenMs);
    yield emission(Math.round(at), sensor, 'event', { type: 'closed' });
    // The next passage starts after this one is over.
    t = at + 1000;
  }
}
