import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENSOR_KINDS, type Sensor } from '../../../contract/index.ts';
import { FacilityError, loadFacility, type LoadedFacility } from './facility.loader.ts';

const DEMO = fileURLToPath(new URL('../../../config/facility.yaml', import.meta.url));

describe('the demo facility (config/facility.yaml)', () => {
  let loaded: LoadedFacility;
  const sensor = (id: string): Sensor => {
    const found = loaded.facility.sensors.find((s) => s.id === id);
    if (!found) throw new Error(`demo sensor ${id} is gone: update this test`);
    return found;
  };
  beforeAll(() => {
    loaded = loadFacility(DEMO);
  });

  it('has at least 40 sensors, every kind present', () => {
    // At least 40 sensors across the kinds.
    expect(loaded.facility.sensors.length).toBeGreaterThanOrEqual(40);
    for (const kind of SENSOR_KINDS)
      expect(
        loaded.facility.sensors.some((s) => s.kind === kind),
        kind,
      ).toBe(true);
  });

  it('serves a plan for every floor, and each sensor sits inside its zone on that plan', () => {
    for (const site of loaded.facility.sites) {
      for (const floor of site.floors) {
        const file = loaded.planFiles.get(floor.planUrl);
        expect(file, floor.planUrl).toBeDefined();
        expect(existsSync(file!)).toBe(true);
        const svg = readFileSync(file!, 'utf8');
        expect(svg.length).toBeLessThan(15_000);
        for (const zone of floor.zones) {
          const room = zoneRect(svg, zone.id);
          expect(room, `${floor.planUrl} has no <rect data-zone="${zone.id}">`).not.toBeNull();
          for (const id of zone.sensorIds) {
            const s = sensor(id);
            const inRoom = s.x > room!.x && s.x < room!.x + room!.w && s.y > room!.y && s.y < room!.y + room!.h;
            expect(inRoom, `${id} at (${s.x}, ${s.y}) outside zone ${zone.id}`).toBe(true);
          }
        }
      }
    }
  });

  it('resolves a Zigbee2MQTT binding; other sensors default to the native topics', () => {
    expect(sensor('GH-2F-SMK-201').source).toEqual({ adapter: 'zigbee2mqtt', gateway: 'LDG-Z2M', topic: 'zigbee2mqtt/Guesthouse 201 smoke' });
    expect(sensor('GH-2F-SMK-203').source).toEqual({ adapter: 'native' });
  });

  it('has the lodging Zigbee bridge as a gateway with its four Zigbee sensors behind it', () => {
    expect(loaded.facility.gateways).toEqual([
      {
        id: 'LDG-Z2M',
        name: 'Lodging Zigbee bridge',
        nameZh: '住宿区紫蜂网关',
        adapter: 'zigbee2mqtt',
        baseTopic: 'zigbee2mqtt',
        discoveryPrefix: 'homeassistant',
        siteId: 'lodging',
        zoneId: 'gh-reception',
        floorId: 'guesthouse-1f',
        heartbeatS: 3600,
        sensorIds: ['GH-2F-SMK-201', 'GH-2F-SMK-202', 'DRM-DR-SIDE', 'DRM-LEAK-LAUNDRY'],
      },
    ]);
  });

  it('applies settings nearest-wins: sensor beats zone beats kind default, field by field', () => {
    // defaults.gas lowOnDelayS 2; hot-kitchen zone 5; CAN-GAS-05 (valve manifold) 0 and low 8.
    const manifold = sensor('CAN-GAS-05');
    const wok = sensor('CAN-GAS-01');
    expect(manifold.thresholds).toMatchObject({ lowOnDelayS: 0, low: 8, high: 20, deadband: 2 });
    expect(wok.thresholds).toMatchObject({ lowOnDelayS: 5, low: 10, high: 20 });
    expect(sensor('CAN-CO-01').thresholds).toEqual({ low: 35, high: 200, deadband: 5, lowOnDelayS: 5, highOnDelayS: 0, riseRate: 20, riseWindowS: 60 });
    expect(sensor('CAN-GAS-MTR').thresholds).toMatchObject({ lowOnDelayS: 2, low: 5 });
    // doors: defaults 60 s; loading-dock zone 120 s; the dock shutter itself 300 s
    expect(sensor('TWR-1F-DR-MAIN').heldOpenS).toBe(60);
    expect(sensor('TWR-1F-DR-DOCK-LOBBY').heldOpenS).toBe(120);
    expect(sensor('TWR-1F-DR-DOCK').heldOpenS).toBe(300);
  });

  it('resolves units, kind-only settings, secure zones and schedules', () => {
    expect(sensor('CAN-GAS-01').unit).toBe('%LEL');
    expect(sensor('CAN-CO-01').unit).toBe('ppm');
    const vesda = sensor('TWR-3F-SMK-SRV');
    expect(vesda).toMatchObject({ unit: null, thresholds: null, heldOpenS: null, heartbeatS: 60, secureZone: true });
    expect(sensor('TWR-3F-DR-SRV')).toMatchObject({ secureZone: true, schedule: 'server-room', heldOpenS: 30 });
    expect(sensor('TWR-1F-DR-MAIN')).toMatchObject({ secureZone: false, schedule: null, batteryLowPct: 20 });
    expect(loaded.facility.schedules['server-room']?.holidays).toContain('2026-10-01');
    const nightWindow = loaded.facility.schedules['loading-dock']?.windows.find((w) => w.to < w.from);
    expect(nightWindow, 'a window crossing midnight').toBeDefined();
  });

  it('carries an SOP for every alarm type the engine raises', () => {
    const types = [
      'gas_leak',
      'gas_high',
      'co_high',
      'fire',
      'smoke_pre_alarm',
      'forced_door',
      'held_door',
      'access_denied_burst',
      'after_hours_access',
      'offline',
      'tamper',
      'fault',
      'low_battery',
      'unknown_device',
      'gateway_offline',
    ];
    for (const t of types) expect(loaded.facility.sops[t]?.length, t).toBeGreaterThan(0);
  });
});

/** The zone's outline on a plan: `<rect … data-zone="id" x= y= width= height=>`. */
function zoneRect(svg: string, zoneId: string): { x: number; y: number; w: number; h: number } | null {
  const tag = new RegExp(`<rect\\b[^>]*\\bdata-zone="${zoneId}"[^>]*>`).exec(svg)?.[0];
  if (!tag) return null;
  const num = (attr: string): number => Number(new RegExp(`\\b${attr}="([-\\d.]+)"`).exec(tag)?.[1]);
  return { x: num('x'), y: num('y'), w: num('width'), h: num('height') };
}

const VALID = `facility:
  name: Test centre
defaults:
  gas:
    thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 }
    heartbeatS: 60
  co:
    thresholds: { low: 35, high: 200, deadband: 5, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 20, riseWindowS: 60 }
    heartbeatS: 60
  smoke: { heartbeatS: 300 }
  door: { heartbeatS: 300, heldOpenS: 60 }
schedules:
  office-hours:
    windows:
      - { days: [mon, tue, wed, thu, fri], from: "07:30", to: "19:30" }
sites:
  - id: hq
    name: HQ
    timezone: Asia/Shanghai
    floors:
      - id: f1
        name: Ground floor
        plan: plans/f1.svg
        zones:
          - id: kitchen
            name: Kitchen
            sensors:
              - id: GAS-01
                name: Kitchen gas
                kind: gas
                x: 100
                y: 100
              - id: DOOR-01
                name: Back door
                kind: door
                schedule: office-hours
                x: 200
                y: 100
`;

describe('a bad facility file stops the load with file, line, path and reason', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-facility-'));
    mkdirSync(path.join(dir, 'plans'));
    writeFileSync(path.join(dir, 'plans', 'f1.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 600"></svg>\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes VALID with `from` replaced by `to`; returns the file and the 1-based line where `to` starts. */
  const variant = (from: string, to: string): { file: string; line: number } => {
    expect(VALID.split(from).length, `"${from}" must occur once in VALID`).toBe(2);
    const text = VALID.replace(from, to);
    const file = path.join(dir, `facility-${++n}.yaml`);
    writeFileSync(file, text);
    return { file, line: VALID.slice(0, VALID.indexOf(from)).split('\n').length };
  };
  const failure = (file: string): FacilityError => {
    try {
      loadFacility(file);
    } catch (err) {
      expect(err).toBeInstanceOf(FacilityError);
      return err as FacilityError;
    }
    throw new Error(`${file} loaded although it is invalid`);
  };
  const sensor0 = 'sites[0].floors[0].zones[0].sensors[0]';
  const sensor1 = 'sites[0].floors[0].zones[0].sensors[1]';

  it('loads the valid baseline', () => {
    const { file } = variant('Test centre', 'Test centre');
    const { facility, planFiles } = loadFacility(file);
    expect(facility.sensors.map((s) => s.id)).toEqual(['GAS-01', 'DOOR-01']);
    expect(planFiles.get('/plans/f1.svg')).toBe(path.join(dir, 'plans', 'f1.svg'));
  });

  it('reports a YAML syntax error with its line', () => {
    const { file, line } = variant('                kind: gas', '\tkind: gas');
    const err = failure(file);
    expect(err.code).toBe('FACILITY_INVALID');
    expect(err.file).toBe(file);
    expect(err.problems).toHaveLength(1);
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:${line}: \\(yaml syntax\\): Tabs are not allowed as indentation`, 'm'));
  });

  it('reports a duplicate key as a syntax error at the second', () => {
    const { file, line } = variant('                y: 100\n              - id: DOOR-01', '                x: 150\n              - id: DOOR-01');
    expect(failure(file).message).toContain(`${file}:${line}: (yaml syntax): Map keys must be unique`);
  });

  it('reports a wrong type with its path and line', () => {
    const { file, line } = variant('x: 100', 'x: left');
    expect(failure(file).message).toContain(`${file}:${line}: ${sensor0}.x: Invalid input: expected number, received string`);
  });

  it('reports an unknown kind', () => {
    const { file, line } = variant('kind: gas', 'kind: flame');
    expect(failure(file).message).toMatch(new RegExp(`${escape(file)}:${line}: ${escape(sensor0)}\\.kind: .*expected one of "gas"\\|"co"\\|"smoke"\\|"door"`));
  });

  it('reports an unknown key at the key, not at its parent', () => {
    const { file, line } = variant('kind: door', 'kind: door\n                colour: red');
    expect(failure(file).message).toContain(`${file}:${line + 1}: ${sensor1}.colour: unknown key "colour"`);
  });

  it('reports a duplicate sensor id at the second, naming the first', () => {
    const { file, line } = variant('id: DOOR-01', 'id: GAS-01');
    const err = failure(file);
    expect(err.problems).toEqual([{ path: `${sensor1}.id`, line, message: `duplicate sensor id "GAS-01": already used at ${sensor0}.id` }]);
    expect(err.message).toContain(`${file}:${line}: ${sensor1}.id: duplicate sensor id "GAS-01": already used at ${sensor0}.id`);
  });

  it('reports a schedule that does not exist', () => {
    const { file, line } = variant('schedule: office-hours', 'schedule: night-shift');
    expect(failure(file).message).toContain(`${file}:${line}: ${sensor1}.schedule: unknown schedule "night-shift" (schedules: office-hours)`);
  });

  it('reports a site time zone that is not an IANA zone', () => {
    const { file, line } = variant('timezone: Asia/Shanghai', 'timezone: UTC+8');
    expect(failure(file).message).toContain(`${file}:${line}: sites[0].timezone: unknown IANA time zone "UTC+8" (e.g. Asia/Shanghai)`);
  });

  it('reports a missing plan file', () => {
    const { file, line } = variant('plan: plans/f1.svg', 'plan: plans/f9.svg');
    expect(failure(file).message).toContain(
      `${file}:${line}: sites[0].floors[0].plan: cannot read plan file ${path.join(dir, 'plans', 'f9.svg')}: no such file`,
    );
  });

  it('reports low ≥ high where the offending value is set, naming where the other comes from', () => {
    const { file, line } = variant('kind: gas', 'kind: gas\n                thresholds: { low: 25 }');
    expect(failure(file).message).toContain(
      `${file}:${line + 1}: ${sensor0}.thresholds.low: thresholds.low (25) must be below thresholds.high (20) (high comes from defaults.gas.thresholds.high)`,
    );
  });

  it('reports incomplete thresholds for a measuring kind once, at its defaults', () => {
    const { file, line } = variant(', riseRate: 5, riseWindowS: 30 }', ', riseWindowS: 30 }');
    expect(failure(file).problems).toEqual([
      {
        path: 'defaults.gas',
        line: line - 1,
        message:
          'thresholds.riseRate is required for gas sensors: set defaults.gas.thresholds.riseRate, or set it on their zone or sensor (missing for GAS-01)',
      },
    ]);
  });

  it('reports a kind used without the defaults it needs', () => {
    const { file } = variant('  door: { heartbeatS: 300, heldOpenS: 60 }\n', '');
    const defaultsLine = VALID.split('\n').indexOf('defaults:') + 1;
    expect(failure(file).message).toMatch(new RegExp(`^${escape(file)}:${defaultsLine}: defaults\\.door: `, 'm'));
  });

  it('reports a position outside the plan', () => {
    const { file, line } = variant('x: 200', 'x: 1200');
    expect(failure(file).message).toContain(`${file}:${line}: ${sensor1}.x: position (1200, 100) is outside the plan's viewBox 0 0 1000 600`);
  });

  it('lists every problem, one per line, in file order', () => {
    const text = VALID.replace('x: 100', 'x: left').replace('kind: door', 'kind: flame');
    const file = path.join(dir, 'facility-many.yaml');
    writeFileSync(file, text);
    const lines = failure(file).message.split('\n');
    expect(lines[0]).toBe(`invalid facility file ${file} (2 problems):`);
    expect(lines.slice(1).map((l) => l.split(': ')[1])).toEqual([`${sensor0}.x`, `${sensor1}.kind`]);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
