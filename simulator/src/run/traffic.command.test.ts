// A seeded scenario produces the same observation stream twice — compared as the
// `--dry-run` output the CLI prints — and a drill tags every observation it sends.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { observationPayloadOk } from './traffic.test.support.ts';
import { parseCommandLine } from '../cli/program.ts';
import type { CliContext } from './cli.context.ts';
import { runTraffic } from './traffic.command.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FACILITY = path.join(ROOT, 'config/facility.yaml');
const START = '2026-11-27T14:30:00+08:00';

async function dryRun(...argv: string[]): Promise<{ lines: string[]; err: string }> {
  const spec = parseCommandLine([...argv, '--dry-run', '--facility', FACILITY], { out: () => {}, err: () => {} });
  if (spec.command !== 'run' && spec.command !== 'scenario' && spec.command !== 'drill') throw new Error('not a traffic command');
  let out = '';
  let err = '';
  const ctx: CliContext = {
    out: (t) => void (out += t),
    err: { write: (t) => void (err += t), isTTY: false },
    clock: { now: () => Date.parse('2030-01-01T00:00:00Z'), sleep: async () => {} },
    signal: new AbortController().signal,
    randomSeed: () => 99,
  };
  expect(await runTraffic(spec, ctx)).toBe(0);
  return { lines: out.split('\n').filter(Boolean), err };
}

describe('dry runs', () => {
  it('a seeded scenario prints the same observation stream twice; another seed prints another', async () => {
    const a = await dryRun('scenario', 'canteen-gas-leak', '--seed', '7', '--start', START);
    const b = await dryRun('scenario', 'canteen-gas-leak', '--seed', '7', '--start', START);
    const c = await dryRun('scenario', 'canteen-gas-leak', '--seed', '8', '--start', START);
    expect(a.lines.length).toBeGreaterThan(500);
    expect(b.lines).toEqual(a.lines);
    expect(c.lines).not.toEqual(a.lines);
  });

  it('prints JSON lines of valid native observations, stamped with virtual time', async () => {
    const { lines } = await dryRun('run', '--seed', '3', '--start', START, '--duration', '60');
    const start = Date.parse(START);
    for (const line of lines) {
      const { at, topic, payload, format } = JSON.parse(line) as { at: number; topic: string; payload: Record<string, unknown>; format?: string };
      expect(at).toBeGreaterThanOrEqual(start);
      expect(at).toBeLessThan(start + 60_000);
      if (format !== undefined) continue; // the Zigbee2MQTT bridge's own traffic: the next test
      expect(payload.ts).toBe(at);
      expect(observationPayloadOk(topic, payload), line).toBe(true);
    }
  });

  // The demo's Zigbee2MQTT bridge is heard as Zigbee2MQTT publishes
  // (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html).
  it('run: the Zigbee2MQTT bridge says it is online and its devices report on their own topics, the battery as their heartbeats say', async () => {
    const { lines } = await dryRun('run', '--seed', '3', '--start', START, '--duration', '7200');
    const parsed = lines.map((l) => JSON.parse(l) as { at: number; topic: string; payload: Record<string, unknown>; format?: string });
    const start = Date.parse(START);
    expect(parsed.filter((p) => p.topic === 'zigbee2mqtt/bridge/state')).toEqual([
      { at: start, topic: 'zigbee2mqtt/bridge/state', payload: { state: 'online' }, format: 'as_is' },
    ]);
    expect(parsed.filter((p) => p.topic === 'zigbee2mqtt/Dorm side door/availability').map((p) => p.payload)).toEqual([{ state: 'online' }]);
    const states = parsed.filter((p) => p.topic === 'zigbee2mqtt/Guesthouse 201 smoke');
    const heartbeats = parsed.filter((p) => p.topic === 'vigil/lodging/GH-2F-SMK-201/status' && p.payload.online === true);
    expect(states.length).toBeGreaterThanOrEqual(2);
    expect(states.map((p) => [p.at, p.payload.battery])).toEqual(heartbeats.map((p) => [p.at, p.payload.battery]));
    for (const p of states) {
      expect(p.payload).toMatchObject({ last_seen: p.at, linkquality: expect.any(Number), voltage: expect.any(Number) });
      // Alarm-bearing state stays on the native topics, which scenarios drive.
      expect(Object.keys(p.payload).sort()).toEqual(['battery', 'last_seen', 'linkquality', 'voltage']);
    }
  });

  it('says which seed it drew when none was given, so the run can be replayed', async () => {
    const { err } = await dryRun('run', '--start', START, '--duration', '10');
    expect(err).toContain('seed 99 (pass --seed 99 to replay this run)');
  });

  it('a drill tags every observation, the last wills included, with its drill id', async () => {
    const { lines, err } = await dryRun('drill', 'gateway-failure', '--seed', '5', '--start', '2026-11-27T06:30:00Z');
    const id = 'drill-20261127-063000-gateway-failure';
    expect(err).toContain(`drill ${id}`);
    const parsed = lines.map((l) => JSON.parse(l) as { payload: Record<string, unknown>; via?: string; topic: string });
    expect(parsed.length).toBeGreaterThan(50);
    expect(parsed.every((p) => p.payload.drill === id)).toBe(true);
    const wills = parsed.filter((p) => p.via === 'will');
    expect(wills).toHaveLength(10);
    expect(wills[0]!.payload).toEqual({ online: false, drill: id });
    for (const p of parsed) expect(observationPayloadOk(p.topic, p.payload)).toBe(true);
  });

  it('a drill takes the drill id it is given', async () => {
    const { lines } = await dryRun('drill', 'door-propped-open', '--seed', '5', '--start', START, '--drill-id', 'drill-exercise-7');
    expect(lines.every((l) => (JSON.parse(l) as { payload: { drill: string } }).payload.drill === 'drill-exercise-7')).toBe(true);
  });

  it("caps --speed at the scenario's maxSpeed, saying why", async () => {
    const { err } = await dryRun('scenario', 'sensor-silent', '--seed', '1', '--start', START, '--speed', '10');
    expect(err).toMatch(/sensor-silent plays at most at --speed 1 .*real time/);
  });

  it("refuses a --site that is not the scenario's", async () => {
    const spec = parseCommandLine(['scenario', 'guesthouse-fire', '--site', 'hq', '--dry-run', '--facility', FACILITY], { out: () => {}, err: () => {} });
    const ctx = {
      out: () => {},
      err: { write: () => {}, isTTY: false },
      clock: { now: () => 0, sleep: async () => {} },
      signal: new AbortController().signal,
      randomSeed: () => 1,
    };
    await expect(runTraffic(spec as Parameters<typeof runTraffic>[0], ctx)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('is for site lodging, not hq'),
    });
  });
});
