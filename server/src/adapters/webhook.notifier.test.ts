// Escalation webhooks retry on the Timers port: a loopback HTTP server stands in for the next
// level up, fake time stands in for the waits between attempts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../../contract/index.ts';
import { FIXTURE_T0, makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { WebhookNotifier } from './webhook.notifier.ts';

let server: http.Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Answers each POST with the next status of `statuses` (the last one from then on). */
async function receiver(statuses: number[]): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(statuses[Math.min(bodies.length, statuses.length) - 1]!).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

/** Waits (real time, briefly) until the notifier's real HTTP round trip has got as far as `done` says. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}

function capturingLogger() {
  const lines: { msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, next) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string });
      next();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const escalation: AlarmEvent = {
  subject: 'alarm',
  kind: 'escalated',
  alarmId: 'al_1',
  alarm: makeAlarm({ id: 'al_1' }),
  level: 1,
  actor: 'system',
  note: null,
  drill: null,
  at: FIXTURE_T0,
  seq: 9,
};

describe('WebhookNotifier', () => {
  it('retries a failing receiver after 1 s and 5 s, and counts the delivery once it answers', async () => {
    const hook = await receiver([503, 502, 200]);
    const time = new FakeScheduler();
    const results: boolean[] = [];
    new WebhookNotifier([hook.url], capturingLogger().logger, time, (ok) => results.push(ok)).escalated(escalation);
    await until(() => time.pendingCount === 1);
    expect(hook.bodies).toHaveLength(1);
    expect(time.pendingDelays()).toEqual([1000]);
    await time.advance(1000);
    await until(() => time.pendingCount === 1);
    expect(hook.bodies).toHaveLength(2);
    expect(time.pendingDelays()).toEqual([5000]);
    await time.advance(5000);
    await until(() => results.length === 1);
    expect(results).toEqual([true]);
    expect(hook.bodies).toHaveLength(3);
    expect(hook.bodies[2]).toMatchObject({ type: 'vigil.alarm.escalated', seq: 9, level: 1, alarm: { id: 'al_1' } });
  });

  it('gives up after four attempts (waits of 1, 5 and 15 s), counting and logging the failure', async () => {
    const hook = await receiver([500]);
    const time = new FakeScheduler();
    const results: boolean[] = [];
    const { logger, lines } = capturingLogger();
    new WebhookNotifier([hook.url], logger, time, (ok) => results.push(ok)).escalated(escalation);
    for (const wait of [1000, 5000, 15_000]) {
      await until(() => time.pendingCount === 1);
      expect(time.pendingDelays()).toEqual([wait]);
      await time.advance(wait);
    }
    await until(() => results.length === 1);
    expect(results).toEqual([false]);
    expect(hook.bodies).toHaveLength(4);
    expect(time.pendingCount).toBe(0);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'escalation webhook failed after retries' }));
  });
});
