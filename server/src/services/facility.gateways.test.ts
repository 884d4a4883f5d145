// Gateways in the registry are checked at start like everything else — with file, line and path
// (docs/contracts.md#device-adapters): a sensor naming a gateway that does not exist, a sensor
// topic outside its gateway's tree, two gateways whose trees overlap. A sensor whose topics lie in
// one gateway's tree is bound to it without naming it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FacilityError, loadFacility, type LoadedFacility } from './facility.loader.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-gateways-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  path.join(dir, 'plan.svg'),
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect data-zone="z" x="0" y="0" width="100" height="100"/></svg>',
);

interface Site {
  id?: string;
  gateways: string[];
  sensors: string[];
  zones?: string[];
}

/** A facility with these sites (zone `z`, or `z2` etc. given by `zones`, each with the site's sensors in the first). */
function write(sites: Site[]): string {
  const file = path.join(dir, `facility-${Math.random().toString(36).slice(2)}.yaml`);
  const lines = [
    'facility: { name: Gateways }',
    'defaults:',
    '  gas: { heartbeatS: 60, thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 } }',
    '  smoke: { heartbeatS: 300 }',
    '  door: { heartbeatS: 300, heldOpenS: 60 }',
    'sites:',
  ];
  sites.forEach((site, i) => {
    const id = site.id ?? `s${i}`;
    lines.push(`  - id: ${id}`, '    name: Site', '    timezone: Asia/Shanghai');
    if (site.gateways.length > 0) lines.push('    gateways:', ...site.gateways.map((g) => `      - ${g}`));
    lines.push('    floors:', `      - id: f${i}`, '        name: Floor', '        plan: plan.svg', '        zones:');
    (site.zones ?? [`z${i}`]).forEach((zone, zi) => {
      const sensors = zi === 0 ? site.sensors : [];
      lines.push(`          - id: ${zone}`, '            name: Zone', `            sensors:${sensors.length === 0 ? ' []' : ''}`);
      lines.push(...sensors.map((s) => `              - ${s}`));
    });
  });
  lines.push('');
  writeFileSync(file, lines.join('\n'));
  return file;
}

function load(sites: Site[]): LoadedFacility {
  return loadFacility(write(sites));
}

/**
 * `line path: message` of every problem, paths shortened below the site; `@text` in an expected
 * line stands for the number of the file's line holding that text.
 */
function problems(sites: Site[]): { found: string[]; at: (text: string) => number } {
  const file = write(sites);
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = (text: string): number => {
    const i = lines.findIndex((l) => l.includes(text));
    if (i < 0) throw new Error(`no line holds ${text}`);
    return i + 1;
  };
  try {
    loadFacility(file);
    return { found: [], at };
  } catch (err) {
    if (!(err instanceof FacilityError)) throw err;
    return { found: err.problems.map((p) => `${p.line} ${p.path.replace(/floors\[0\]\.zones\[0\]\./, '')}: ${p.message}`), at };
  }
}

const Z2M = '{ id: GW-Z2M, name: Zigbee bridge, adapter: zigbee2mqtt }';
const SMOKE = (id: string, topic: string, extra = '') =>
  `{ id: ${id}, name: ${id}, kind: smoke, x: 10, y: 10, source: { adapter: zigbee2mqtt, topic: "${topic}"${extra} } }`;

describe('gateways in the registry', () => {
  it('binds sensors to the gateway they name, and infers it from the topic tree when they do not', () => {
    const { facility } = load([
      { gateways: [Z2M], sensors: [SMOKE('SMK-1', 'zigbee2mqtt/Room 1', ', gateway: GW-Z2M'), SMOKE('SMK-2', 'zigbee2mqtt/Room 2')] },
    ]);
    expect(facility.sensors.map((s) => s.source)).toEqual([
      { adapter: 'zigbee2mqtt', gateway: 'GW-Z2M', topic: 'zigbee2mqtt/Room 1' },
      { adapter: 'zigbee2mqtt', gateway: 'GW-Z2M', topic: 'zigbee2mqtt/Room 2' },
    ]);
    expect(facility.gateways).toEqual([
      {
        id: 'GW-Z2M',
        name: 'Zigbee bridge',
        adapter: 'zigbee2mqtt',
        baseTopic: 'zigbee2mqtt',
        discoveryPrefix: 'homeassistant',
        siteId: 's0',
        // No zone of its own: the one its sensors share.
        zoneId: 'z0',
        floorId: 'f0',
        heartbeatS: null,
        sensorIds: ['SMK-1', 'SMK-2'],
      },
    ]);
  });

  it('gives a Zigbee2MQTT sensor its gateway’s base topic when that has a "/" (the bridge topic is read from it)', () => {
    const { facility } = load([
      { gateways: ['{ id: GW-B, name: B, adapter: zigbee2mqtt, baseTopic: site-b/z2m }'], sensors: [SMOKE('SMK-1', 'site-b/z2m/Room 301')] },
    ]);
    expect(facility.sensors[0]!.source).toEqual({ adapter: 'zigbee2mqtt', gateway: 'GW-B', topic: 'site-b/z2m/Room 301', baseTopic: 'site-b/z2m' });
  });

  it('leaves a sensor outside every gateway’s tree as it was (no gateway)', () => {
    const { facility } = load([{ gateways: [Z2M], sensors: [SMOKE('SMK-1', 'other-z2m/Room 1')] }]);
    expect(facility.sensors[0]!.source).toEqual({ adapter: 'zigbee2mqtt', topic: 'other-z2m/Room 1' });
    expect(facility.gateways?.[0]?.sensorIds).toEqual([]);
  });

  it('binds each adapter through its own kind of tree', () => {
    const { facility } = load([
      {
        gateways: [
          '{ id: GW-TAS, name: T, adapter: tasmota, topic: SonoffZB }',
          '{ id: GW-ESP, name: E, adapter: esphome, node: office-node }',
          '{ id: GW-RFID, name: R, adapter: esp_rfid, topic: /rfid/server-room }',
        ],
        sensors: [
          '{ id: D-1, name: D1, kind: door, x: 1, y: 1, source: { adapter: tasmota, topic: SonoffZB, sensorKey: "0x662E" } }',
          '{ id: D-2, name: D2, kind: door, x: 1, y: 1, source: { adapter: esphome, node: office-node, entity: door, entityType: binary_sensor } }',
          '{ id: D-3, name: D3, kind: door, x: 1, y: 1, source: { adapter: esp_rfid, topic: /rfid/server-room } }',
        ],
      },
    ]);
    expect(facility.gateways?.map((g) => [g.id, g.sensorIds])).toEqual([
      ['GW-TAS', ['D-1']],
      ['GW-ESP', ['D-2']],
      ['GW-RFID', ['D-3']],
    ]);
  });

  it('reports a sensor naming a gateway that does not exist, at its line', () => {
    const r = problems([{ gateways: [Z2M], sensors: [SMOKE('SMK-1', 'zigbee2mqtt/Room 1', ', gateway: GW-NONE')] }]);
    expect(r.found).toEqual([`${r.at('GW-NONE')} sites[0].sensors[0].source.gateway: unknown gateway "GW-NONE" (gateways: GW-Z2M)`]);
  });

  it('reports a sensor topic outside the tree of the gateway it names', () => {
    const r = problems([{ gateways: [Z2M], sensors: [SMOKE('SMK-1', 'elsewhere/Room 1', ', gateway: GW-Z2M')] }]);
    expect(r.found).toEqual([
      `${r.at('elsewhere/Room 1')} sites[0].sensors[0].source.topic: elsewhere/Room 1 is outside gateway "GW-Z2M"'s topic tree (zigbee2mqtt/#)`,
    ]);
  });

  it('reports a gateway of another adapter, or of another site', () => {
    const tasmota = '{ id: GW-TAS, name: T, adapter: tasmota, topic: SonoffZB }';
    const r = problems([{ gateways: [tasmota], sensors: [SMOKE('SMK-1', 'zigbee2mqtt/Room 1', ', gateway: GW-TAS')] }]);
    expect(r.found).toEqual([
      `${r.at('SMK-1')} sites[0].sensors[0].source.gateway: gateway "GW-TAS" is a tasmota gateway; this sensor's adapter is zigbee2mqtt`,
    ]);
    const o = problems([
      { gateways: [Z2M], sensors: [] },
      { id: 'other', gateways: [], sensors: [SMOKE('SMK-1', 'zigbee2mqtt/Room 1')] },
    ]);
    expect(o.found).toEqual([
      `${o.at('SMK-1')} sites[1].sensors[0].source: its gateway "GW-Z2M" is at site "s0", the sensor at site "other": a gateway serves its own site`,
    ]);
  });

  it('reports two gateways whose topic trees overlap, at the second', () => {
    const r = problems([{ gateways: [Z2M, '{ id: GW-Z2M-B, name: B, adapter: zigbee2mqtt, baseTopic: zigbee2mqtt/site-b }'], sensors: [] }]);
    expect(r.found).toEqual([
      `${r.at('GW-Z2M-B')} sites[0].gateways[1]: its topic tree (zigbee2mqtt/site-b/#) overlaps gateway "GW-Z2M"'s (zigbee2mqtt/#, at sites[0].gateways[0]): a message there could be either's`,
    ]);
    // An ESPHome node named like a Zigbee2MQTT base topic: one tree inside the other.
    expect(problems([{ gateways: [Z2M, '{ id: GW-ESP, name: E, adapter: esphome, node: zigbee2mqtt }'], sensors: [] }]).found).toHaveLength(1);
    // The same Home Assistant discovery prefix is no overlap: those messages are told apart by payload.
    expect(problems([{ gateways: [Z2M, '{ id: GW-Z2M-B, name: B, adapter: zigbee2mqtt, baseTopic: z2m-b }'], sensors: [] }]).found).toEqual([]);
  });

  it('reports duplicate ids, an id shared with a sensor, an unknown zone and topic fields that are not topic names', () => {
    const r = problems([
      {
        gateways: [
          '{ id: GW-1, name: A, adapter: tasmota, topic: "tele/x", zone: nowhere }',
          '{ id: GW-1, name: B, adapter: esphome, node: "node+" }',
          '{ id: SMK-1, name: C, adapter: zigbee2mqtt, baseTopic: vigil }',
        ],
        sensors: [SMOKE('SMK-1', 'elsewhere/Room 1')],
      },
    ]);
    const [a, b, c] = [r.at('name: A'), r.at('name: B'), r.at('name: C')];
    expect(r.found).toEqual([
      `${a} sites[0].gateways[0].topic: one topic level: no "/" (it is one level of the gateway's topics)`,
      `${a} sites[0].gateways[0].zone: unknown zone "nowhere" in site "s0"`,
      `${b} sites[0].gateways[1].id: duplicate gateway id "GW-1": already used at sites[0].gateways[0]`,
      `${b} sites[0].gateways[1].node: an MQTT topic name: no wildcards (+, #)`,
      `${c} sites[0].gateways[2].baseTopic: vigil/… is Vigil's native topic tree, not a gateway's`,
      `${c} sites[0].gateways[2].id: "SMK-1" is also a sensor id (at sites[0].floors[0].zones[0].sensors[0].id): gateway and sensor ids must differ`,
    ]);
  });
});

// A sensor's or gateway's id is its MQTT user name and client id; Vigil's own clients are all
// `vigil-...`, and a site's ingest session is `vigil-<site>` (README "Several nodes"): a device by
// such a name would take that client's credential and session.
describe('ids Vigil reserves for its own MQTT clients', () => {
  it('refuses a sensor or gateway named vigil-<anything>, and sites whose session would be the administrator or the ingest', () => {
    const { found, at } = problems([
      { id: 'hq', gateways: ['{ id: vigil-hq, name: Zigbee bridge, adapter: zigbee2mqtt }'], sensors: [SMOKE('vigil-ingest', 'zigbee2mqtt/Room 1')] },
      { id: 'admin', gateways: [], sensors: [] },
      { id: 'ingest', gateways: [], sensors: ['{ id: vigil-admin, name: Door, kind: door, x: 10, y: 10 }'] },
    ]);
    const why = `ids starting with "vigil-" are reserved for Vigil's own MQTT clients (vigil-ingest, vigil-admin, vigil-<site> of each site's ingest session)`;
    expect(found).toEqual([
      `${at('id: vigil-hq')} sites[0].gateways[0].id: gateway id "vigil-hq" is reserved: ${why}`,
      `${at('id: vigil-ingest')} sites[0].sensors[0].id: sensor id "vigil-ingest" is reserved: ${why}`,
      `${at('id: admin')} sites[1].id: site id "admin" is reserved: the site's ingest session would be the MQTT client vigil-admin, which is Vigil's broker administrator`,
      `${at('id: ingest')} sites[2].id: site id "ingest" is reserved: the site's ingest session would be the MQTT client vigil-ingest, which is Vigil's single-node ingest`,
      `${at('id: vigil-admin')} sites[2].sensors[0].id: sensor id "vigil-admin" is reserved: ${why}`,
    ]);
  });

  it('accepts ids that merely contain vigil', () => {
    expect(
      problems([{ id: 'vigilance', gateways: [], sensors: [SMOKE('my-vigil-1', 'zigbee2mqtt/Room 1'), '{ id: Vigil-2, name: D, kind: door, x: 10, y: 10 }'] }])
        .found,
    ).toEqual([]);
  });
});
