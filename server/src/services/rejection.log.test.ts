// The rejection log is bounded in entries and in what each entry keeps: an MQTT topic may be
// 65,535 bytes and a rejection names it (origin) and often quotes it (detail), so a thousand
// rejected messages on long topics kept 120 MB and made GET /api/ingest/rejections as large.
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../../contract/index.ts';
import { MAX_REJECTION_TEXT, RejectionLog } from './rejection.log.ts';

describe('RejectionLog', () => {
  it('keeps the start of a long origin and detail, and passes the cut entry on', () => {
    const told: Rejection[] = [];
    const log = new RejectionLog(10, (r) => told.push(r));
    const topic = `vigil/${'s'.repeat(60_000)}/x/reading`;
    log.add({ at: 1, source: 'mqtt', origin: topic, reason: 'bad_topic', detail: `site id "${'s'.repeat(60_000)}" is not an id`, sample: '{}' });
    const [kept] = log.recent();
    expect(kept!.origin).toBe(`${topic.slice(0, MAX_REJECTION_TEXT)}…`);
    expect(kept!.detail.length).toBe(MAX_REJECTION_TEXT + 1);
    expect(told[0]).toBe(kept);
    expect(log.total()).toEqual({ bad_topic: 1 });
  });

  it('keeps short text as it is', () => {
    const log = new RejectionLog(10);
    const r: Rejection = { at: 1, source: 'http', origin: 'POST /api/ingest [0]', reason: 'invalid_payload', detail: 'value: expected number', sample: '{}' };
    log.add(r);
    expect(log.recent()).toEqual([r]);
  });
});
