/** The facility file's presence settings are cross-checked (docs/contracts.md#presence-in-hazard-zones), and all of them are optional. */
import { describe, expect, it } from 'vitest';
import { facilityFileSchema } from '../../../contract/index.ts';
import { presenceSettings } from './presence.settings.ts';

const file = (extra: { sensors?: object[]; people?: object[]; presenceWindowHours?: number; building?: string }) =>
  facilityFileSchema.parse({
    facility: { name: 'T' },
    defaults: {},
    ...(extra.people && { people: extra.people }),
    ...(extra.presenceWindowHours !== undefined && { presenceWindowHours: extra.presenceWindowHours }),
    sites: [
      {
        id: 's',
        name: 'Site',
        timezone: 'Asia/Shanghai',
        floors: [
          {
            id: 'f',
            name: 'F',
            plan: 'p.svg',
            ...(extra.building !== undefined && { building: extra.building }),
            zones: [
              { id: 'kitchen', name: 'Kitchen', sensors: extra.sensors ?? [] },
              { id: 'hall', name: 'Hall' },
            ],
          },
        ],
      },
    ],
  });

const door = (readers: object, kind = 'door') => ({ id: 'D1', name: 'Door', kind, x: 0, y: 0, readers });

describe('presence settings', () => {
  it('a file without any of them is valid: a 12-hour window, nobody named, every door into its own zone', () => {
    const { settings, problems } = presenceSettings(file({}));
    expect(problems).toEqual([]);
    expect(settings).toEqual({ windowHours: 12, people: [], readers: new Map(), buildings: new Map() });
  });

  it('takes readers into zones of the site or outside, people, the window and buildings', () => {
    const { settings, problems } = presenceSettings(
      file({
        sensors: [door({ in: 'kitchen', out: 'outside' })],
        people: [{ id: 'p1', name: 'Li Na', credentials: ['B1'] }],
        presenceWindowHours: 4,
        building: 'Canteen',
      }),
    );
    expect(problems).toEqual([]);
    expect(settings.readers.get('D1')).toEqual({ in: 'kitchen', out: 'outside' });
    expect(settings.windowHours).toBe(4);
    expect(settings.buildings.get('f')).toBe('Canteen');
  });

  it('refuses a reader into an unknown zone, readers on a detector, and one badge held by two people (without naming the badge)', () => {
    expect(presenceSettings(file({ sensors: [door({ in: 'nowhere' })] })).problems.map((p) => p.message)).toEqual([
      'no zone "nowhere" in site "s" (a zone id, or "outside")',
    ]);
    expect(presenceSettings(file({ sensors: [door({ in: 'kitchen' }, 'smoke')] })).problems.map((p) => p.message)).toEqual([
      'only doors have badge readers (D1 is smoke)',
    ]);
    const twice = presenceSettings(
      file({
        people: [
          { id: 'p1', name: 'A', credentials: ['SECRET-1'] },
          { id: 'p2', name: 'B', credentials: ['SECRET-1'] },
        ],
      }),
    ).problems;
    expect(twice).toEqual([{ path: ['people', 1, 'credentials', 0], message: "this badge is also p1's" }]);
  });

  it('the schema refuses readers with neither side', () => {
    expect(() => file({ sensors: [door({})] })).toThrow(/readers needs in, out or both/);
  });
});
