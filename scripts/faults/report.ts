/** A row's result and the printed table. */
import os from 'node:os';
import { fmt } from '../bench/bench.support.ts';
import { args } from './config.ts';
import type { Ceiling, Verdict } from './points.ts';

export interface Row {
  n: number;
  fault: string;
  published: number | null;
  stored: number | null;
  lost: number | null;
  doubled: number | null;
  alarms: number;
  expectedAlarms: number;
  recoveryS: number | null;
  rssMb: number;
  /** Conditions of the row besides lost/doubled/alarms, each with its outcome. */
  checks: { what: string; ok: boolean }[];
  notes: string[];
  pass: boolean;
}

export function row(
  n: number,
  fault: string,
  v: Verdict | null,
  alarms: number,
  expectedAlarms: number,
  recoveryS: number | null,
  rssMb: number,
  checks: Row['checks'],
  notes: string[],
): Row {
  const pass = (v === null || (v.lost === 0 && v.doubled === 0)) && alarms === expectedAlarms && checks.every((c) => c.ok);
  return {
    n,
    fault,
    published: v?.published ?? null,
    stored: v?.stored ?? null,
    lost: v?.lost ?? null,
    doubled: v?.doubled ?? null,
    alarms,
    expectedAlarms,
    recoveryS,
    rssMb,
    checks,
    notes,
    pass,
  };
}

export function printTable(rows: Row[], ceiling: Ceiling | null, whole: { made: number; points: number; ok: boolean }): void {
  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  const num = (n: number | null): string => (n === null ? '—' : fmt(n));
  out();
  out(
    `Vigil fault suite${args.quick ? ' (--quick)' : ''} — ${os.cpus().length} cores; Mosquitto (shipped config, dynamic security), InfluxDB, Vigil and the devices on one machine`,
  );
  if (ceiling)
    out(
      `Ceiling measured in this run: ${fmt(ceiling.count)} readings published as fast as possible — broker acknowledged ${fmt(ceiling.ackedPerS)}/s, stored end to end ${fmt(ceiling.storedPerS)}/s`,
    );
  out();
  out('| # | fault | published (acked) | stored | lost | doubled | alarms raised / expected | recovery | Vigil peak RSS | result |');
  out('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    out(
      `| ${r.n} | ${r.fault} | ${num(r.published)} | ${num(r.stored)} | ${num(r.lost)} | ${num(r.doubled)} | ${r.alarms} / ${r.expectedAlarms} | ${r.recoveryS === null ? '—' : `${fmt(r.recoveryS, 1)} s`} | ${fmt(r.rssMb)} MB | ${r.pass ? '✓' : '✗'} |`,
    );
  }
  out();
  for (const r of rows) {
    const lines = [...r.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.what}`), ...r.notes];
    if (lines.length) out(`${r.n}. ${lines.join('; ')}`);
  }
  out(
    `${whole.ok ? '✓' : '✗'} whole run: ${fmt(whole.made)} load readings made (ceiling flood included), ${fmt(whole.points)} load points in InfluxDB from the first reading to 5 min after the last`,
  );
  out();
  out(`${rows.filter((r) => r.pass).length} of ${rows.length} rows passed.`);
}
