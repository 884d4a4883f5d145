// A health request into a network that drops packets must not hang with the chips still green:
// an answer later than HEALTH_TIMEOUT_MS counts as none, and the chips turn grey "unknown"
// (README, "When the live link is lost").
import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { HEALTH_TIMEOUT_MS, LateAnswer, within } from './useHealth.ts';

/** A request that answers only when told to, and fails as fetch does when its signal aborts. */
function pending<T>() {
  let answer!: (value: T) => void;
  let seen: AbortSignal | undefined;
  const request = (signal: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      seen = signal;
      answer = resolve;
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  return { request, answer: (v: T) => answer(v), signal: () => seen };
}

describe('health request timeout', () => {
  it(`gives up on a request with no answer after ${HEALTH_TIMEOUT_MS} ms, aborting it, as a late answer`, async () => {
    const scheduler = new FakeScheduler();
    const req = pending<string>();
    const result = within(HEALTH_TIMEOUT_MS, new AbortController().signal, req.request, scheduler).catch((e: unknown) => e);
    await scheduler.advance(HEALTH_TIMEOUT_MS - 1);
    expect(req.signal()?.aborted).toBe(false);
    await scheduler.advance(1);
    const err = await result;
    expect(err).toBeInstanceOf(LateAnswer);
    expect((err as LateAnswer).waitedMs).toBe(HEALTH_TIMEOUT_MS);
    expect(req.signal()?.aborted).toBe(true);
  });

  it('passes an answer in time through, and leaves no timer behind', async () => {
    const scheduler = new FakeScheduler();
    const req = pending<string>();
    const result = within(HEALTH_TIMEOUT_MS, new AbortController().signal, req.request, scheduler);
    await scheduler.advance(HEALTH_TIMEOUT_MS - 1);
    req.answer('ok');
    await expect(result).resolves.toBe('ok');
    expect(scheduler.pendingCount).toBe(0);
  });

  it("passes the caller's own abort (the page moving on) through as it is, not as a late answer", async () => {
    const scheduler = new FakeScheduler();
    const outer = new AbortController();
    const req = pending<string>();
    const result = within(HEALTH_TIMEOUT_MS, outer.signal, req.request, scheduler).catch((e: unknown) => e);
    outer.abort();
    const err = await result;
    expect(err).not.toBeInstanceOf(LateAnswer);
    expect(req.signal()?.aborted).toBe(true);
  });
});
