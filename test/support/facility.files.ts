/**
 * Facility files for loader tests: one site `s` with one floor and one zone `z`, the given sensors
 * (and gateways), written to a temporary directory removed after the file's tests. With no extra
 * defaults or gateways the first sensor is on line 19, so a test can name the line a problem is on.
 *
 * @example
 *   const files = facilityFiles('vigil-bindings-');
 *   expect(files.problems(['{ id: G1, name: G, kind: gas, x: 1, y: 1 }'])).toEqual([]);
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { FacilityError, loadFacility } from '../../server/src/services/facility.loader.ts';

export interface FacilityFileOptions {
  /** Gateway entries under the site's `gateways:` (flow mappings). */
  gateways?: string[];
  /** More lines under `defaults:` (e.g. `  leak: { heartbeatS: 3600 }`). */
  defaults?: string[];
  /** Camera entries under the site's `cameras:` (flow mappings). */
  cameras?: string[];
}

export interface FacilityFiles {
  /**
   * Writes a facility file and returns its path. Each sensor is a flow mapping (`{ id: … }`) or
   * block text: a `- ` entry as pasted (several lines, several entries) is written as it is.
   */
  write(sensors: string[], opts?: FacilityFileOptions): string;
  /** `line path: message` of every problem loading it (paths shortened below the zone); [] when it loads. */
  problems(sensors: string[], opts?: FacilityFileOptions): string[];
}

const PLAN = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect data-zone="z" x="0" y="0" width="100" height="100"/></svg>';

function sensorLines(sensor: string): string[] {
  const lines = sensor.split('\n').filter((l) => l.length > 0);
  const entry = lines[0]?.startsWith('- ') ? lines : lines.map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`));
  return entry.map((l) => `              ${l}`);
}

export function facilityFiles(prefix: string): FacilityFiles {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'plan.svg'), PLAN);

  const write = (sensors: string[], opts: FacilityFileOptions = {}): string => {
    const file = path.join(dir, `facility-${Math.random().toString(36).slice(2)}.yaml`);
    const gateways = opts.gateways ?? [];
    const lines = [
      'facility: { name: Bindings }',
      'defaults:',
      '  gas: { heartbeatS: 60, thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 } }',
      '  co: { heartbeatS: 60, thresholds: { low: 35, high: 200, deadband: 5, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 20, riseWindowS: 60 } }',
      '  smoke: { heartbeatS: 300 }',
      '  door: { heartbeatS: 300, heldOpenS: 60 }',
      ...(opts.defaults ?? []),
      'sites:',
      '  - id: s',
      '    name: Site',
      '    timezone: Asia/Shanghai',
      ...(gateways.length > 0 ? ['    gateways:', ...gateways.map((g) => `      - ${g}`)] : []),
      ...(opts.cameras !== undefined ? ['    cameras:', ...opts.cameras.map((c) => `      - ${c}`)] : []),
      '    floors:',
      '      - id: f',
      '        name: Floor',
      '        plan: plan.svg',
      '        zones:',
      '          - id: z',
      '            name: Zone',
      `            sensors:${sensors.length === 0 ? ' []' : ''}`,
      ...sensors.flatMap(sensorLines),
      '',
    ];
    writeFileSync(file, lines.join('\n'));
    return file;
  };

  return {
    write,
    problems(sensors, opts) {
      try {
        loadFacility(write(sensors, opts));
        return [];
      } catch (err) {
        if (!(err instanceof FacilityError)) throw err;
        return err.problems.map((p) => `${p.line} ${p.path.replace('sites[0].floors[0].zones[0].', '')}: ${p.message}`);
      }
    },
  };
}
