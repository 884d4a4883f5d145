/** `load`: synthetic sensors at a fixed rate through a few shared connections, QoS 1, with a report. */
import type { CommandSpec } from '../cli/program.ts';
import { loadCount, loadStream } from '../generate/load.ts';
import { SharedPublisher } from '../publish/mqtt.publisher.ts';
import { LinePublisher } from '../publish/publisher.ts';
import { info, warn, type CliContext } from './cli.context.ts';
import { startProgress } from './progress.ts';
import { runStream } from './stream.runner.ts';
import { brokerOptions, loadFacilityFor, seedFor } from './traffic.command.ts';

type LoadSpec = Extract<CommandSpec, { command: 'load' }>;

/** Acks still missing this long after the last publish are reported as lost. */
const DRAIN_TIMEOUT_MS = 30_000;

export async function runLoad(spec: LoadSpec, ctx: CliContext): Promise<number> {
  const { common } = spec;
  const facility = loadFacilityFor(common);
  const siteId = common.site ?? facility.sites[0]!.id;
  const seed = seedFor(common, ctx);
  const start = common.dryRun ? (common.start ?? ctx.clock.now()) : ctx.clock.now();
  const options = { sensors: spec.sensors, rate: spec.rate, durationS: spec.durationS, siteId, start, seed };
  const stream = loadStream(options);
  if (common.dryRun) {
    await runStream({ stream, publisher: new LinePublisher(ctx.out), virtualStart: start, speed: 1, live: false, clock: ctx.clock, signal: ctx.signal });
    return 0;
  }
  const publisher = await SharedPublisher.open(spec.connections, brokerOptions(common, ctx));
  info(
    ctx,
    `load: ${spec.sensors} sensors (LOAD-00001…, unregistered, site ${siteId}) at ${spec.rate}/s for ${spec.durationS} s over ${spec.connections} connections: ${loadCount(options)} observations`,
  );
  let reached = start;
  const stop = startProgress(
    { label: 'load', elapsedMs: () => reached - start, totalMs: spec.durationS * 1000, speed: 1, stats: () => publisher.stats() },
    ctx.err,
  );
  const began = ctx.clock.now();
  let sentSeconds = 0;
  try {
    await runStream({ stream, publisher, virtualStart: start, speed: 1, live: true, clock: ctx.clock, signal: ctx.signal, onAdvance: (t) => (reached = t) });
    sentSeconds = (ctx.clock.now() - began) / 1000;
    await publisher.drain(DRAIN_TIMEOUT_MS);
  } finally {
    stop();
    await publisher.close();
  }
  const st = publisher.stats();
  const seconds = (ctx.clock.now() - began) / 1000;
  ctx.out(
    `load: sent ${st.sent} in ${sentSeconds.toFixed(2)} s (${Math.round(st.sent / Math.max(sentSeconds, 0.001))}/s), ` +
      `acked ${st.acked} in ${seconds.toFixed(2)} s (${Math.round(st.acked / Math.max(seconds, 0.001))}/s), failed ${st.failed}, unacked ${st.sent - st.acked - st.failed}\n`,
  );
  if (st.acked < st.sent) {
    warn(ctx, `${st.sent - st.acked} of ${st.sent} messages were not acknowledged by the broker`);
    return 1;
  }
  return 0;
}
