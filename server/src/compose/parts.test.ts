import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { DEFAULT_PART_STOP_MS, Parts, type Part } from './parts.ts';

function capturingLogger() {
  const lines: { msg: string; part?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string; part?: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Parts that record their starts and stops in `log`. */
function recorder() {
  const log: string[] = [];
  const part = (name: string, extra: Partial<Part> = {}): Part => ({
    name,
    start: () => void log.push(`start ${name}`),
    stop: () => void log.push(`stop ${name}`),
    ...extra,
  });
  return { log, part };
}

describe('Parts', () => {
  it('starts in order and stops in reverse', async () => {
    const { log, part } = recorder();
    const parts = new Parts(
      [part('db'), part('http'), { name: 'no start', stop: () => void log.push('stop no start') }, part('mqtt')],
      capturingLogger().logger,
      new FakeScheduler(),
    );
    await parts.start();
    expect(log).toEqual(['start db', 'start http', 'start mqtt']);
    expect(await parts.stop()).toBe(true);
    expect(log.slice(3)).toEqual(['stop mqtt', 'stop no start', 'stop http', 'stop db']);
  });

  it('stops what started, in reverse, when a part fails to start, and rethrows', async () => {
    const { log, part } = recorder();
    const { logger, lines } = capturingLogger();
    const broken = part('http', {
      start: () => {
        throw new Error('EADDRINUSE');
      },
    });
    const parts = new Parts([part('db'), part('broker'), broken, part('mqtt')], logger, new FakeScheduler());
    await expect(parts.start()).rejects.toThrow('EADDRINUSE');
    expect(log).toEqual(['start db', 'start broker', 'stop broker', 'stop db']);
    expect(lines).toContainEqual(expect.objectContaining({ part: 'http', msg: 'could not start; stopping what did' }));
  });

  it('logs a part that fails to stop and still stops the rest', async () => {
    const { log, part } = recorder();
    const { logger, lines } = capturingLogger();
    const failing = part('hub', {
      stop: () => {
        throw new Error('boom');
      },
    });
    const parts = new Parts([part('db'), failing, part('alarms')], logger, new FakeScheduler());
    await parts.start();
    expect(await parts.stop()).toBe(false);
    expect(log.slice(3)).toEqual(['stop alarms', 'stop db']);
    expect(lines).toContainEqual(expect.objectContaining({ part: 'hub', msg: 'failed to stop; stopping the rest' }));
  });

  it('moves on from a part that overruns its limit, and caps all of them by the deadline', async () => {
    const time = new FakeScheduler();
    const { log, part } = recorder();
    const { logger, lines } = capturingLogger();
    const hanging = (name: string, stopWithinMs?: number) =>
      part(name, { stop: () => new Promise<void>(() => log.push(`stop ${name} (hangs)`)), stopWithinMs });
    const parts = new Parts([part('db'), hanging('writer', 8000), hanging('hub'), part('sessions')], logger, time, 10_000);
    await parts.start();
    let clean: boolean | undefined;
    void parts.stop().then((c) => (clean = c));
    await time.advance(0);
    expect(log.slice(4)).toEqual(['stop sessions', 'stop hub (hangs)']);
    await time.advance(DEFAULT_PART_STOP_MS - 1);
    expect(log.slice(6)).toEqual([]);
    await time.advance(1);
    expect(log.slice(6)).toEqual(['stop writer (hangs)']);
    // 5 s of the 10 s deadline are left: the writer gets those, not its 8 s.
    await time.advance(4999);
    expect(log.slice(7)).toEqual([]);
    await time.advance(1);
    expect(log.slice(7)).toEqual(['stop db']);
    await time.advance(0);
    expect(clean).toBe(false);
    expect(lines.filter((l) => l.msg === 'did not stop in time; stopping the rest').map((l) => l.part)).toEqual(['hub', 'writer']);
  });
});
