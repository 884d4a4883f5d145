// Normal door traffic feeds the presence lists (docs/contracts.md#presence-in-hazard-zones): the demo facility's
// named staff badge in, and at a door with a reader on the way out they badge out, never out
// before in.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFacility } from '../facility/facility.read.ts';
import { doorTraffic } from './normal.door.ts';
import { createRng } from './prng.ts';
import { takeUntil } from './stream.merge.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const facility = readFacility(path.join(ROOT, 'config/facility.yaml'));
const START = Date.parse('2026-11-27T06:00:00+08:00');

describe('door traffic of named staff', () => {
  it('the kitchen back door sees staff badge in and out, each badge-out after a badge-in of the same badge', () => {
    const door = facility.sensors.find((s) => s.id === 'CAN-DR-BACK')!;
    const ctx = {
      timezone: 'Asia/Shanghai',
      schedule: facility.schedules['kitchen-shifts']!,
      staffBadges: facility.staffBadges,
      outReader: facility.outReaders.has(door.id),
    };
    const reads = [...takeUntil(doorTraffic(door, ctx, createRng(7, 'door'), START), START + 12 * 3_600_000)].filter(
      (e) => e.payload.type === 'access_granted',
    );
    const staff = new Set(facility.staffBadges);
    const ins = reads.filter((e) => e.payload.reader === undefined);
    const outs = reads.filter((e) => e.payload.reader === 'out');
    expect(ins.filter((e) => staff.has(String(e.payload.credential))).length).toBeGreaterThan(10);
    expect(outs.length).toBeGreaterThan(10);
    const inside = new Set<string>();
    for (const e of reads) {
      const badge = String(e.payload.credential);
      if (e.payload.reader === 'out') {
        expect(inside.has(badge), `${badge} badged out at ${e.at} without badging in`).toBe(true);
        inside.delete(badge);
      } else inside.add(badge);
    }
  });

  it('a door without an out reader never sends a badge-out', () => {
    const door = facility.sensors.find((s) => s.id === 'TWR-2F-DR-LIFT')!;
    expect(facility.outReaders.has(door.id)).toBe(false);
    const ctx = { timezone: 'Asia/Shanghai', schedule: facility.schedules['office-hours']!, staffBadges: facility.staffBadges, outReader: false };
    const reads = [...takeUntil(doorTraffic(door, ctx, createRng(7, 'door'), START), START + 12 * 3_600_000)];
    expect(reads.some((e) => e.payload.type === 'access_granted')).toBe(true);
    expect(reads.filter((e) => e.payload.reader !== undefined)).toEqual([]);
  });
});
