/**
 * The ingest bench's accounting of a phase, reading by reading: each reading's value is its own
 * number (publisher.numbering.mjs). After publishing, the bench waits until InfluxDB holds as many
 * points as the broker acknowledged, or until the count has not grown for a while (`--quiet`), at
 * most `--cap`; then names what is missing and what is stored twice, tells readings stored late
 * from those lost, and prints the broker's and Vigil's counters and the nodes' warnings over the
 * phase so that a loss can be attributed.
 */
import fs from 'node:fs';
import type { InfluxHandle } from '../../test/support/services.ts';
import type { VigilHandle } from '../../test/support/vigil.ts';
import { duplicatedNumbers, storedNumbers } from '../../test/support/cluster.load.ts';
import { fmt, type PublisherResult } from './bench.support.ts';
import { vigilCounters, vigilSamples, type BrokerWatch } from './ingest.metrics.ts';
import { holdersLine, type Stack } from './ingest.stack.ts';
import { numberOf } from './publisher.numbering.mjs';

async function countStored(influx: InfluxHandle, db: string, from: number, to: number): Promise<number> {
  const rows = await influx.query(`SELECT count(value) FROM reading WHERE time >= ${from}ms AND time < ${to}ms`, db);
  return Number(rows[0]?.count ?? 0);
}

export interface Drain {
  /** Points counted when the wait ended. */
  stored: number;
  /** Seconds from `started` to the last growth of the count (to completion when everything came). */
  seconds: number;
  /** Points counted when the bench's former wait would have given up (`oldPatienceMs` without growth); null if it would not have. */
  byOldWait: number | null;
  /** Why the wait ended. */
  ended: 'complete' | 'quiet' | 'cap';
  /** How long without growth ended it ('quiet'). */
  quietMs: number;
  /** The longest stretch without growth before the count was complete (or the wait ended), and when it began (s after `started`). */
  longestPause: { seconds: number; from: number };
}

/**
 * The warnings and errors the nodes logged since `since` (ms), one line per node and message: how
 * often, first when (s after `since`), and the sites named (a lease lost under load, a site nobody
 * held: why a site's readings waited in the broker).
 */
function nodeWarnings(vigils: readonly VigilHandle[], since: number): string[] {
  const lines: string[] = [];
  vigils.forEach((vigil, n) => {
    const byMsg = new Map<string, { count: number; first: number; sites: Set<string> }>();
    let text = '';
    try {
      text = fs.readFileSync(vigil.logFile, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      let entry: { level?: number; time?: string; msg?: string; site?: string; unheld?: string[] };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      const at = Date.parse(entry.time ?? '');
      if (!((entry.level ?? 0) >= 40) || !(at >= since) || !entry.msg) continue;
      const seen = byMsg.get(entry.msg) ?? { count: 0, first: at, sites: new Set<string>() };
      seen.count++;
      for (const site of [entry.site, ...(entry.unheld ?? [])]) if (site) seen.sites.add(site);
      byMsg.set(entry.msg, seen);
    }
    for (const [msg, { count, first, sites }] of byMsg)
      lines.push(
        `node ${n + 1} logged ${count}× "${msg}"${sites.size ? ` (${[...sites].sort().join(', ')})` : ''}, first at +${fmt((first - since) / 1000, 1)} s`,
      );
  });
  return lines;
}

/** `numbers` (ascending) as at most `max` runs, `a–b` or `a`, and how many runs more. */
function runsOf(numbers: readonly number[], max = 6): string {
  const runs: string[] = [];
  let more = 0;
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    if (runs.length < max) runs.push(i === j ? `${numbers[i]}` : `${numbers[i]}–${numbers[j]}`);
    else more++;
    i = j + 1;
  }
  return runs.join(', ') + (more ? ` and ${fmt(more)} runs more` : '');
}

/**
 * The accounting of one run: points are counted in InfluxDB database `settings.db`; a wait gives
 * up after `settings.quietMs` without progress (`--quiet`) or `settings.capMs` in all (`--cap`).
 * Readings still missing when a phase's wait ends are kept for finalLook; `totals` are the run's.
 */
export function phaseAccounting(settings: { db: string; quietMs: number; capMs: number }) {
  /** Totals over the phases, for the last lines. */
  const totals = { late: 0, lost: 0, duplicated: 0 };

  /** Readings still missing when their phase's wait ended, looked for again at the end of the run. */
  const unsettled: { phase: string; pub: PublisherResult; missing: Set<number> }[] = [];

  /**
   * Polls InfluxDB until it holds `expected` points published between `pub.firstTs` and
   * `pub.lastTs`, or the count has not grown for `settings.quietMs` (never less than twice the
   * former wait, so that whatever that wait would have missed has time to come), or
   * `settings.capMs` have passed since `started`. Also notes what the bench's former wait, which
   * gave up after `oldPatienceMs` without growth, would have seen.
   */
  async function waitUntilStored(influx: InfluxHandle, pub: PublisherResult, expected: number, started: number, oldPatienceMs: number): Promise<Drain> {
    const quietMs = Math.max(settings.quietMs, 2 * oldPatienceMs);
    const longestPause = { seconds: 0, from: 0 };
    if (pub.firstTs === null || pub.lastTs === null) return { stored: 0, seconds: 0, byOldWait: null, ended: 'complete', quietMs, longestPause };
    let stored = -1;
    let grewAt = Date.now();
    let byOldWait: number | null = null;
    for (;;) {
      const now = await countStored(influx, settings.db, pub.firstTs, pub.lastTs + 1);
      const at = Date.now();
      if (now !== stored) grewAt = at;
      stored = now;
      if ((at - grewAt) / 1000 > longestPause.seconds) Object.assign(longestPause, { seconds: (at - grewAt) / 1000, from: (grewAt - started) / 1000 });
      if (byOldWait === null && stored < expected && at - grewAt >= oldPatienceMs) byOldWait = stored;
      const end: Omit<Drain, 'ended'> = { stored, seconds: (grewAt - started) / 1000, byOldWait, quietMs, longestPause };
      if (stored >= expected) return { ...end, ended: 'complete' };
      if (at - grewAt >= quietMs) return { ...end, ended: 'quiet' };
      if (at - started >= settings.capMs) return { ...end, ended: 'cap' };
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * The end of the run: looks again for the readings still missing when their phase's wait ended,
   * until all are stored or none has come for `settings.quietMs` (at most `settings.capMs`), and
   * says of each phase how many came late and how many were never stored.
   */
  async function finalLook(stack: Stack, broker: BrokerWatch): Promise<void> {
    if (!unsettled.length) return;
    const started = Date.now();
    let foundAt = started;
    const stillMissing = () => unsettled.reduce((n, u) => n + u.missing.size, 0);
    const initially = unsettled.map((u) => u.missing.size);
    while (stillMissing() > 0 && Date.now() - foundAt < settings.quietMs && Date.now() - started < settings.capMs) {
      await new Promise((r) => setTimeout(r, 2000));
      for (const u of unsettled) {
        if (!u.missing.size || u.pub.firstTs === null || u.pub.lastTs === null) continue;
        const sensors = [...new Set([...u.missing].map((i) => stack.load.sensors[i % stack.load.sensors.length]!))];
        const seen = await storedNumbers(stack.influx, settings.db, sensors, u.pub.firstTs, u.pub.lastTs + 1, numberOf);
        for (const i of u.missing) {
          if (seen.has(i)) {
            u.missing.delete(i);
            foundAt = Date.now();
          }
        }
      }
    }
    process.stdout.write(`\nreadings still missing when their phase's wait ended, looked for again for ${fmt((Date.now() - started) / 1000, 1)} s:\n`);
    unsettled.forEach((u, k) => {
      const late = initially[k]! - u.missing.size;
      totals.late += late;
      totals.lost += u.missing.size;
      process.stdout.write(
        `    ${u.phase}: ${fmt(initially[k]!)} missing, ${fmt(late)} of them stored since (late), ${fmt(u.missing.size)} never stored${u.missing.size ? `: ${runsOf([...u.missing].sort((a, b) => a - b))}` : ''}\n`,
      );
    });
    const holders = await holdersLine(stack);
    if (holders) process.stdout.write(`    site holders now: ${holders}\n`);
    process.stdout.write(
      `    broker ($SYS): messages in its store now ${fmt((await broker.read()).stored)}; Vigil: ${vigilCounters(new Map(), await vigilSamples(stack.vigils))} (since the nodes last started)\n`,
    );
  }

  /**
   * One phase's accounting, printed under its table row: sent, acknowledged by the broker, stored
   * (checked reading by reading), missing (named), late and lost, and what the broker's and Vigil's
   * counters say about the same stretch.
   */
  async function account(
    o: {
      phase: string;
      stack: Stack;
      pub: PublisherResult;
      count: number;
      started: number;
      drain: Drain;
      oldPatienceMs: number;
      broker: BrokerWatch;
    },
    before: { dropped: number; metrics: ReadonlyMap<string, number> },
  ): Promise<{ missing: number; lines: string }> {
    const { stack, pub, count, drain } = o;
    let lines = '';
    const out = (line: string) => (lines += `    ${line}\n`);
    const unacked = new Set(pub.unacked ?? []);
    const seen =
      pub.firstTs === null || pub.lastTs === null
        ? new Map<number, number>()
        : await storedNumbers(stack.influx, settings.db, stack.load.sensors, pub.firstTs, pub.lastTs + 1, numberOf);
    const missing: number[] = [];
    for (let i = 0; i < count; i++) if (!seen.has(i) && !unacked.has(i)) missing.push(i);
    const duplicated = duplicatedNumbers(seen).sort((a, b) => a - b);
    const strays = [...seen.keys()].filter((n) => !(n >= 0 && n < count)).length;
    const late = drain.byOldWait === null ? 0 : Math.max(0, Math.min(drain.stored, pub.acked) - drain.byOldWait);
    totals.late += late;
    totals.duplicated += duplicated.length;
    if (missing.length) unsettled.push({ phase: o.phase, pub, missing: new Set(missing) });
    const broker = await o.broker.read();
    const metrics = await vigilSamples(stack.vigils);
    out(
      `sent ${fmt(pub.sent)}, acknowledged by the broker ${fmt(pub.acked)}, stored ${fmt(seen.size)} distinct readings (${fmt(drain.stored)} points), missing ${fmt(missing.length)}, stored twice ${fmt(duplicated.length)}${strays ? `, ${fmt(strays)} points of no reading of this phase` : ''}`,
    );
    out(
      `wait: ${drain.ended === 'complete' ? `all in ${fmt(drain.seconds, 1)} s` : `gave up ${drain.ended === 'quiet' ? `after ${drain.quietMs / 1000} s without progress` : `at the ${settings.capMs / 1000} s cap`} (last progress at ${fmt(drain.seconds, 1)} s)`}; the former wait (${o.oldPatienceMs / 1000} s without progress) ${drain.byOldWait === null ? 'would have seen them all' : `would have stopped at ${fmt(drain.byOldWait)}: ${fmt(late)} late`}${missing.length ? `; ${fmt(missing.length)} still missing (looked for again at the end of the run)` : ''}`,
    );
    if (unacked.size) out(`never acknowledged by the broker (not counted as missing): ${fmt(unacked.size)}: ${runsOf([...unacked])}`);
    if (missing.length) {
      const bySite = new Map<string, number>();
      for (const i of missing) {
        const site = stack.load.sites[i % stack.load.sites.length]!;
        bySite.set(site, (bySite.get(site) ?? 0) + 1);
      }
      out(`missing readings (by number): ${runsOf(missing)}; by site: ${[...bySite].map(([site, n]) => `${site} ${fmt(n)}`).join(', ')}`);
    }
    if (duplicated.length) out(`stored twice (by number): ${runsOf(duplicated)}`);
    const holders = await holdersLine(stack);
    if (holders && (missing.length || drain.ended !== 'complete')) out(`site holders at the end of the wait: ${holders}`);
    if (drain.longestPause.seconds >= 2)
      out(`longest stretch with no reading of the phase stored: ${fmt(drain.longestPause.seconds, 1)} s, from +${fmt(drain.longestPause.from, 1)} s`);
    for (const line of nodeWarnings(stack.vigils, o.started)) out(line);
    out(
      `broker ($SYS): dropped during the phase ${fmt(broker.dropped - before.dropped)} (since it started ${fmt(broker.dropped)}), messages in its store now ${fmt(broker.stored)} (its retained $SYS topics included)`,
    );
    out(`Vigil (/metrics, over the phase, all nodes): ${vigilCounters(before.metrics, metrics)}`);
    return { missing: missing.length, lines };
  }

  return { totals, waitUntilStored, account, finalLook };
}
