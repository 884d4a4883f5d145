// Retained MQTT messages are state, not news (domain/retained.ts): a retained copy of what Vigil
// holds must not become a second point or re-run a rule; one Vigil never heard of must not be lost.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../contract/index.ts';
import { HeldTimes, hasDeviceTime, judgeRetained, type HeldTime } from './retained.ts';

const NOW = 1_800_000_000_000;

/** An observation as decoding makes it: without a device time, `ts` is the receive time. */
function obs(
  channel: Observation['channel'],
  sensorId: string,
  deviceTs: number | undefined,
  extra: { drill?: string; receivedAt?: number } = {},
): Observation {
  const receivedAt = extra.receivedAt ?? NOW;
  const base = { siteId: 'hq', sensorId, zoneId: 'kitchen', kind: 'gas', ts: deviceTs ?? receivedAt, receivedAt, source: 'mqtt' as const, drill: extra.drill };
  if (channel === 'reading') return { ...base, channel, value: 1, unit: '%LEL' };
  if (channel === 'event') return { ...base, channel, type: 'smoke' };
  return { ...base, channel, battery: 80 };
}

const registered = new Set(['GAS-1', 'SMK-1']);
const held = (maxOthers?: number) => new HeldTimes((id) => registered.has(id), maxOthers);

describe('judgeRetained', () => {
  it('takes anything as news once when nothing is held for its sensor and channel (a detector stuck in smoke is not ignored)', () => {
    expect(judgeRetained(obs('event', 'SMK-1', undefined), undefined)).toBe('observe');
    expect(judgeRetained(obs('reading', 'GAS-1', NOW - 5000), undefined)).toBe('observe');
    expect(judgeRetained(obs('status', 'GAS-1', undefined), undefined)).toBe('observe');
  });

  it('with a device time: news only when newer than what is held', () => {
    expect(judgeRetained(obs('reading', 'GAS-1', NOW - 1000), NOW - 1001)).toBe('observe');
    expect(judgeRetained(obs('reading', 'GAS-1', NOW - 1000), NOW - 1000)).toBe('not_newer');
    expect(judgeRetained(obs('reading', 'GAS-1', NOW - 1000), NOW - 999)).toBe('not_newer');
    // An older status with a device time is stale state: not applied either.
    expect(judgeRetained(obs('status', 'GAS-1', NOW - 1000), NOW)).toBe('not_newer');
  });

  it('without a device time and something held: a reading or event is a replay, a status only updates the live state', () => {
    // Held older than the receive time: newer by the clock, still a replay (no device time says when it happened).
    expect(judgeRetained(obs('reading', 'GAS-1', undefined), NOW - 60_000)).toBe('no_device_time');
    expect(judgeRetained(obs('event', 'SMK-1', undefined), NOW - 60_000)).toBe('no_device_time');
    expect(judgeRetained(obs('status', 'SMK-1', undefined), NOW - 60_000)).toBe('status_only');
  });

  it('reads a device time from ts differing from the receive time', () => {
    expect(hasDeviceTime(obs('reading', 'GAS-1', undefined))).toBe(false);
    expect(hasDeviceTime(obs('reading', 'GAS-1', NOW - 1))).toBe(true);
    expect(hasDeviceTime(obs('reading', 'GAS-1', NOW + 1))).toBe(true);
  });
});

describe('HeldTimes', () => {
  it('holds the newest accepted time per sensor, channel and drill', () => {
    const h = held();
    expect(h.judge(obs('reading', 'GAS-1', NOW - 2000))).toBe('observe');
    h.accepted(obs('reading', 'GAS-1', NOW - 2000));
    h.accepted(obs('reading', 'GAS-1', NOW - 3000)); // an older one arriving late does not lower it
    expect(h.heldFor(obs('reading', 'GAS-1', undefined))).toBe(NOW - 2000);
    expect(h.judge(obs('reading', 'GAS-1', NOW - 2000))).toBe('not_newer');
    expect(h.judge(obs('reading', 'GAS-1', NOW - 1999))).toBe('observe');
    // Another channel, and the same sensor's drill traffic, are held apart.
    expect(h.judge(obs('event', 'GAS-1', undefined))).toBe('observe');
    expect(h.judge(obs('reading', 'GAS-1', undefined, { drill: 'd1' }))).toBe('observe');
    h.accepted(obs('reading', 'GAS-1', undefined, { drill: 'd1' }));
    expect(h.judge(obs('reading', 'GAS-1', undefined, { drill: 'd1' }))).toBe('no_device_time');
    expect(h.judge(obs('reading', 'GAS-1', undefined, { drill: 'd2' }))).toBe('observe');
  });

  it('is bounded: registry sensors are always kept, other ids at most maxOthers, the least recently heard forgotten first', () => {
    const h = held(3);
    h.accepted(obs('reading', 'GAS-1', NOW - 10));
    h.accepted(obs('event', 'SMK-1', NOW - 10));
    for (const id of ['U-1', 'U-2', 'U-3']) h.accepted(obs('reading', id, NOW - 10));
    h.accepted(obs('reading', 'U-1', NOW - 5)); // heard again: now the most recent
    h.accepted(obs('reading', 'U-4', NOW - 5));
    h.accepted(obs('reading', 'GAS-1', NOW - 5, { drill: 'd1' })); // drill keys count as others
    expect(h.size).toBe(2 + 3);
    const heard = (id: string, drill?: string) => h.heldFor(obs('reading', id, undefined, { drill })) !== undefined;
    expect([heard('U-1'), heard('U-2'), heard('U-3'), heard('U-4'), heard('GAS-1', 'd1')]).toEqual([true, false, false, true, true]);
    for (let i = 0; i < 100; i++) h.accepted(obs('reading', `FLOOD-${i}`, NOW));
    expect(h.size).toBe(2 + 3);
    expect(h.heldFor(obs('reading', 'GAS-1', undefined))).toBe(NOW - 10);
    expect(h.heldFor(obs('event', 'SMK-1', undefined))).toBe(NOW - 10);
    // Forgotten means news once more: never a silenced message.
    expect(h.judge(obs('reading', 'U-2', undefined))).toBe('observe');
  });

  it('saves only durable times, and asks for a prompt save when a registry key first becomes durable', () => {
    const h = held();
    h.accepted(obs('reading', 'GAS-1', NOW - 100));
    h.accepted(obs('reading', 'U-9', NOW - 100));
    expect(h.takeChanges()).toEqual({ upserts: [], deletes: [] });
    expect(h.durable(obs('reading', 'GAS-1', NOW - 100))).toBe(true);
    expect(h.durable(obs('reading', 'U-9', NOW - 100))).toBe(false); // not registered: the periodic save will do
    h.accepted(obs('reading', 'GAS-1', NOW - 50)); // accepted, not durable yet
    expect(h.takeChanges().upserts).toEqual([
      { sensorId: 'GAS-1', channel: 'reading', drill: null, ts: NOW - 100 },
      { sensorId: 'U-9', channel: 'reading', drill: null, ts: NOW - 100 },
    ]);
    expect(h.takeChanges().upserts).toEqual([]);
    expect(h.durable(obs('reading', 'GAS-1', NOW - 50))).toBe(false); // not the first any more
    expect(h.durable(obs('reading', 'GAS-1', NOW - 80))).toBe(false); // an older durable time changes nothing
    expect(h.takeChanges().upserts).toEqual([{ sensorId: 'GAS-1', channel: 'reading', drill: null, ts: NOW - 50 }]);
  });

  it('hands a failed save back, due again at the next', () => {
    const h = held();
    h.accepted(obs('event', 'SMK-1', undefined));
    h.durable(obs('event', 'SMK-1', undefined));
    const failed = h.takeChanges();
    h.notSaved(failed);
    expect(h.takeChanges()).toEqual(failed);
  });

  it('restores what an earlier run saved, keeping the newest others within the bound and deleting the rest at the next save', () => {
    const rows: HeldTime[] = [
      { sensorId: 'GAS-1', channel: 'reading', drill: null, ts: NOW - 9000 },
      { sensorId: 'U-1', channel: 'reading', drill: null, ts: NOW - 3000 },
      { sensorId: 'U-2', channel: 'reading', drill: null, ts: NOW - 1000 },
      { sensorId: 'GAS-1', channel: 'reading', drill: 'd1', ts: NOW - 2000 },
    ];
    const h = held(2);
    h.restore(rows);
    expect(h.judge(obs('reading', 'GAS-1', NOW - 9000))).toBe('not_newer');
    expect(h.judge(obs('reading', 'GAS-1', undefined))).toBe('no_device_time');
    expect(h.heldFor(obs('reading', 'U-1', undefined))).toBeUndefined();
    expect(h.heldFor(obs('reading', 'U-2', undefined))).toBe(NOW - 1000);
    expect(h.heldFor(obs('reading', 'GAS-1', undefined, { drill: 'd1' }))).toBe(NOW - 2000);
    expect(h.takeChanges()).toEqual({ upserts: [], deletes: [{ sensorId: 'U-1', channel: 'reading', drill: null }] });
  });

  it('does not delete a forgotten key that is heard again before the save', () => {
    const h = held(1);
    h.restore([{ sensorId: 'U-1', channel: 'status', drill: null, ts: NOW - 10 }]);
    h.accepted(obs('status', 'U-2', undefined)); // U-1 forgotten
    h.accepted(obs('status', 'U-1', NOW - 5)); // and back, U-2 forgotten (never saved: nothing to delete)
    h.durable(obs('status', 'U-1', NOW - 5));
    expect(h.takeChanges()).toEqual({ upserts: [{ sensorId: 'U-1', channel: 'status', drill: null, ts: NOW - 5 }], deletes: [] });
  });
});
