// A site without a node must reach the consoles within seconds, not at their next health poll
// (README "Several nodes (high availability)"): the watch tells on the first check that sees the
// set change, and only then.
import { describe, expect, it } from 'vitest';
import type { ClusterNotice } from '../../../contract/index.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { UNHELD_CHECK_MS, UnheldWatch } from './unheld.watch.ts';

function watched(): { scheduler: FakeScheduler; notices: ClusterNotice[]; unheld: string[]; watch: UnheldWatch } {
  const scheduler = new FakeScheduler();
  const notices: ClusterNotice[] = [];
  const state = { scheduler, notices, unheld: [] as string[], watch: undefined as unknown as UnheldWatch };
  state.watch = new UnheldWatch(
    () => ({ node: 'vigil-a', unheld: state.unheld }),
    (n) => notices.push(n),
    scheduler,
    (err) => {
      throw err;
    },
  );
  return state;
}

describe('UnheldWatch', () => {
  it('tells within one interval when sites lose their node, and again when they have one', async () => {
    const w = watched();
    w.watch.start();
    await w.scheduler.advance(5 * UNHELD_CHECK_MS);
    expect(w.notices).toEqual([]);

    const lostAt = w.scheduler.now() + 300;
    await w.scheduler.advance(300);
    w.unheld = ['south', 'north'];
    await w.scheduler.advance(UNHELD_CHECK_MS);
    expect(w.notices).toEqual([{ node: 'vigil-a', unheld: ['north', 'south'], at: expect.any(Number) }]);
    expect(w.notices[0]!.at - lostAt).toBeLessThanOrEqual(UNHELD_CHECK_MS);

    // The same sites in another order are no change.
    w.unheld = ['north', 'south'];
    await w.scheduler.advance(3 * UNHELD_CHECK_MS);
    expect(w.notices).toHaveLength(1);

    w.unheld = [];
    await w.scheduler.advance(UNHELD_CHECK_MS);
    expect(w.notices.map((n) => n.unheld)).toEqual([['north', 'south'], []]);
  });

  it('tells at start when sites have no node already, keeps watching after a listener throws, and stops', async () => {
    const scheduler = new FakeScheduler();
    let unheld = ['east'];
    const seen: string[][] = [];
    const errors: unknown[] = [];
    const watch = new UnheldWatch(
      () => ({ node: 'vigil-b', unheld }),
      (n) => {
        seen.push(n.unheld);
        throw new Error('listener failed');
      },
      scheduler,
      (err) => errors.push(err),
    );
    watch.start();
    expect(seen).toEqual([['east']]);
    unheld = [];
    await scheduler.advance(UNHELD_CHECK_MS);
    expect(seen).toEqual([['east'], []]);
    expect(errors).toHaveLength(2);
    watch.stop();
    expect(scheduler.pendingCount).toBe(0);
    unheld = ['east'];
    await scheduler.advance(5 * UNHELD_CHECK_MS);
    expect(seen).toHaveLength(2);
  });
});
