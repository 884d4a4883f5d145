/**
 * `npm run faults [-- --quick] [-- --only 1,3]` — the fault suite: does "nothing lost" hold
 * when things break? Starts the stack as `npm start` runs it (InfluxDB from config/influxdb.conf;
 * `vigil broker init`, then Mosquitto from config/mosquitto.conf with dynamic security; Vigil in
 * demo mode), drives QoS 1 traffic from devices that each sign in with their own credential,
 * injects each fault and prints one table (README "Fault suite"):
 *
 *   published  messages the broker acknowledged (PUBACK): only those are Vigil's to keep
 *   stored     InfluxQL count() over the row's published time range (points are distinct by
 *              series and time, so this counts distinct points)
 *   lost       acknowledged messages with no point
 *   doubled    points beyond one per message: a second point in a message's millisecond, or a
 *              point at a time no message had (stored at another timestamp)
 *   alarms     alarms raised during the row / alarms the row's traffic should raise
 *   recovery   from the fault's end (the restart) until everything published before it is
 *              stored and Vigil's /api/health answers 200
 *   peak RSS   Vigil's resident memory high-water mark during the row
 *
 * A row passes with 0 lost, 0 doubled and the expected alarms (rows 5-7 add their own
 * conditions, printed under the table); the exit code is 1 when any row fails. Absolute rates
 * move a lot between machines, so the run first measures its own ceiling (a flood published as
 * fast as the broker acknowledges it) and prints figures beside it.
 *
 * The devices are scripts/faults/publisher.ts (one raw MQTT connection each, resending what the
 * broker had not acknowledged after a reconnect); the facility is scripts/faults/facility.ts.
 *
 * The stack and its measurements are in stack.ts, the point checks in points.ts, the rows in
 * rows.ts (rows.load.ts, rows.ingest.ts, rows.gateway.ts), the table in report.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopAllServices } from '../../test/support/services.ts';
import { fmt } from '../bench/bench.support.ts';
import { args, log, ONLY } from './config.ts';
import { countLoadPoints, loadSpan, measureCeiling } from './points.ts';
import { printTable, row, type Row } from './report.ts';
import { ROWS } from './rows.ts';
import { diagnosticNotes, diagnostics, restore, startStack, type Stack } from './stack.ts';

async function main(): Promise<number> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-faults-'));
  let stack: Stack | null = null;
  try {
    log(`faults: starting InfluxDB, Mosquitto (dynamic security) and Vigil (${args.quick ? 'quick' : 'full'} run)`);
    const s = (stack = await startStack(dir));
    log(`faults: ${s.pub.devices.length} devices connected; measuring this run's ceiling`);
    const start = s.pub.cursor();
    const ceiling = await measureCeiling(s);
    const rows: Row[] = [];
    for (const [n, run] of ROWS) {
      if (ONLY && !ONLY.has(n)) continue;
      log(`faults: row ${n} (${fmt((Date.now() - started) / 1000)} s in)`);
      try {
        const before = await diagnostics(s);
        const r = await run(s, ceiling);
        r.notes.push(...diagnosticNotes(before, await diagnostics(s)));
        rows.push(r);
        log(`faults: row ${n} ${r.pass ? 'passed' : 'FAILED'}`);
      } catch (err) {
        log(`faults: row ${n} failed to run: ${(err as Error).stack ?? String(err)}`);
        rows.push({
          ...row(n, `row ${n}`, null, 0, 0, null, NaN, [{ what: `the row ran (${(err as Error).message.split('\n')[0]})`, ok: false }], []),
          pass: false,
        });
        await restore(s);
      }
    }
    // Outside every row's own range: a message stored again much later (at its receive time, say)
    // would fall after the range its row checked. All load points of the run against all readings.
    const all = loadSpan(s, start, s.pub.cursor());
    const points = await countLoadPoints(s, all.lo, all.hi + 5 * 60_000);
    const whole = { made: all.count, points, ok: points === all.count && s.pub.ackedUpTo(s.pub.cursor()) };
    printTable(rows, ceiling, whole);
    log(`faults: done in ${fmt((Date.now() - started) / 1000)} s`);
    return rows.every((r) => r.pass) && whole.ok ? 0 : 1;
  } finally {
    stack?.pub.close();
    await stack?.vigil.stop().catch(() => undefined);
    await stopAllServices();
    if (stack) fs.rmSync(stack.vigil.dataDir, { recursive: true, force: true }); // startVigil leaves it behind
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    process.stderr.write(`fault suite failed: ${(err as Error).stack ?? String(err)}\n`);
    await stopAllServices();
    process.exit(2);
  },
);
