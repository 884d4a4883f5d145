/** Shared by the benchmarks: a generated facility of gas detectors, and signing in. */
import fs from 'node:fs';
import path from 'node:path';
import type { VigilHandle } from '../../test/support/vigil.ts';

/** Writes a one-site facility with the given gas detector ids; returns the yaml file. */
export function writeBenchFacility(dir: string, sensorIds: string[]): string {
  fs.mkdirSync(path.join(dir, 'plans'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'plans/bench.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1000"><rect width="1000" height="1000" fill="none" stroke="#888"/></svg>');
  const yaml = [
    'facility: { name: Benchmark }',
    'defaults:',
    '  gas: { heartbeatS: 600, thresholds: { low: 10, high: 20, deadband: 2, lowOnDelayS: 2, highOnDelayS: 0, riseRate: 5, riseWindowS: 30 } }',
    'sites:',
    '  - id: bench',
    '    name: Benchmark site',
    '    timezone: UTC',
    '    floors:',
    '      - id: bench-1f',
    '        name: Floor',
    '        plan: plans/bench.svg',
    '        zones:',
    '          - id: hall',
    '            name: Hall',
    '            sensors:',
    ...sensorIds.map((id, i) => `              - { id: ${id}, name: "Gas ${i}", kind: gas, x: ${i % 1000}, y: ${Math.floor(i / 1000) % 1000} }`),
    '',
  ].join('\n');
  const file = path.join(dir, 'facility.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

/**
 * Signs in as the demo officer when the server has accounts (issue 4); returns the session cookie,
 * or null when the server does not know sessions.
 */
export async function benchLogin(vigil: VigilHandle): Promise<string | null> {
  const res = await fetch(`${vigil.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: process.env.BENCH_USER ?? 'officer', password: process.env.BENCH_PASSWORD ?? 'demo-officer-password' }),
  });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')?.split(';')[0] ?? null;
}
