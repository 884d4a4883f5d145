// Rejected input is "logged once with its reason": a request of 10,000 bad items, or a client
// inventing 5,000 topics, must not write thousands of log lines (each line counted here through
// a logger whose output the test reads).
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../contract/index.ts';
import { FakeScheduler } from '../../test/support/fake.scheduler.ts';
import { createLogLimiter, rejectionLogger } from './log-limiter.ts';

const WINDOW_MS = 60_000;

function captured() {
  const lines: { msg: string; reason?: string; suppressed?: number; origin?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const rejection = (origin: string, reason: Rejection['reason'], source: Rejection['source'] = 'mqtt'): Rejection => ({
  at: 0,
  source,
  origin,
  reason,
  detail: 'bad',
  sample: '',
});

describe('rejectionLogger', () => {
  it('one request of 10,000 bad items writes one line, then one summary with the count', () => {
    const clock = new FakeScheduler();
    const { logger, lines } = captured();
    const rl = rejectionLogger(logger, WINDOW_MS, clock);
    for (let i = 0; i < 10_000; i++) rl.log(rejection(`POST /api/ingest [${i}]`, 'unknown_site', 'http'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'input rejected', reason: 'unknown_site', origin: 'POST /api/ingest [0]' });
    rl.flush();
    expect(lines).toHaveLength(1); // the window has not ended
    clock.t += WINDOW_MS;
    rl.flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ reason: 'unknown_site', suppressed: 9_999, msg: '9999 more rejected for reason unknown_site in the last 60 s' });
    rl.flush();
    expect(lines).toHaveLength(2);
  });

  it('5,000 distinct topics with the same reason are one line; another reason gets its own', () => {
    const clock = new FakeScheduler();
    const { logger, lines } = captured();
    const rl = rejectionLogger(logger, WINDOW_MS, clock);
    for (let i = 0; i < 5_000; i++) rl.log(rejection(`vigil/hq/dev-${i}/reading`, 'unknown_site'));
    rl.log(rejection('vigil/hq/x/reading', 'not_json'));
    expect(lines.map((l) => l.reason)).toEqual(['unknown_site', 'not_json']);
    // A new window logs the reason again; the count of the window that ended at that event is not lost.
    clock.t += WINDOW_MS;
    rl.log(rejection('vigil/hq/dev-0/reading', 'unknown_site'));
    rl.flush();
    expect(lines.slice(2).map((l) => [l.reason, l.suppressed])).toEqual([
      ['unknown_site', undefined],
      ['unknown_site', 4_999],
    ]);
  });
});

describe('createLogLimiter', () => {
  it('tracks at most maxKeys keys whatever arrives', () => {
    const clock = new FakeScheduler();
    const limiter = createLogLimiter(WINDOW_MS, clock, 3);
    expect(['a', 'b', 'c', 'd'].map((k) => limiter.hit(k))).toEqual([true, true, true, true]);
    // 'a' was dropped to make room for 'd': it logs again rather than growing the map.
    expect(limiter.hit('a')).toBe(true);
    expect(limiter.hit('d')).toBe(false);
  });
});
