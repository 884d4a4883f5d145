// Retained MQTT deliveries through ingest (RetainedGate wired into IngestService, fakes behind the
// history and held-times ports): a retained copy of what Vigil holds is acknowledged and counted,
// never a second point or a second evaluation; what Vigil held survives a restart.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../contract/index.ts';
import { testRegistry } from '../../../test/support/registry.fixtures.ts';
import { HeldTimes, type HeldChanges, type HeldTime, type RetainedIgnoredReason } from '../domain/retained.ts';
import type { HistoryPoint, HistoryQueue } from './history.ports.ts';
import { IngestService } from './ingest.service.ts';
import { RejectionLog } from './rejection.log.ts';
import { RetainedGate, type HeldTimesStore } from './retained.gate.ts';

const NOW = 1_800_000_000_000;
const RETAINED = { retain: true };
const LIVE = { retain: false };

/** The SQLite table's behaviour: the newer time wins, deletes remove. */
class MemoryHeldTimes implements HeldTimesStore {
  readonly rows = new Map<string, HeldTime>();
  failNext = false;
  saves = 0;
  async load(): Promise<HeldTime[]> {
    return [...this.rows.values()];
  }
  async save(changes: HeldChanges): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.saves++;
    for (const d of changes.deletes) this.rows.delete(`${d.sensorId}|${d.channel}|${d.drill}`);
    for (const u of changes.upserts) {
      const key = `${u.sensorId}|${u.channel}|${u.drill}`;
      const old = this.rows.get(key);
      this.rows.set(key, { ...u, ts: Math.max(u.ts, old?.ts ?? -Infinity) });
    }
  }
}

class FakeHistory implements HistoryQueue {
  readonly points: HistoryPoint[] = [];
  private pending: (() => void)[] = [];
  add(points: HistoryPoint | readonly HistoryPoint[], _min: number, _max: number, onDurable?: () => void): void {
    this.points.push(...(Array.isArray(points) ? points : [points as HistoryPoint]));
    if (onDurable) this.pending.push(onDurable);
  }
  /** The writer stored the batch: every producer told in one synchronous run. */
  makeDurable(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

/** One Vigil process: ingest with a gate over `store`, a listener standing in for the alarm engine. */
async function vigil(store: MemoryHeldTimes, now = NOW) {
  const registry = testRegistry();
  const history = new FakeHistory();
  const ignored: [RetainedIgnoredReason, string][] = [];
  const failures: unknown[] = [];
  const deferred: (() => Promise<void>)[] = [];
  const gate = await RetainedGate.create(
    new HeldTimes((id) => registry.sensor(id) !== undefined),
    store,
    { ignored: (reason, o) => ignored.push([reason, `${o.sensorId}/${o.channel}`]), saveFailed: (err) => failures.push(err) },
    (run) => deferred.push(run),
  );
  const clock = { now: () => now };
  const ingest = new IngestService(registry, history, new RejectionLog(100), clock, { maxAgeMs: 86_400_000, retained: gate });
  const evaluated: Observation[] = [];
  ingest.subscribe((o) => void evaluated.push(o));
  let acks = 0;
  const deliver = (topic: string, payload: object, info = RETAINED) =>
    ingest.handleMqttMessage(topic, Buffer.from(JSON.stringify(payload)), () => acks++, info);
  return {
    gate,
    ingest,
    history,
    evaluated,
    ignored,
    failures,
    deliver,
    acks: () => acks,
    /** Durable, and the prompt save that schedules run (and lands). */
    async durable() {
      history.makeDurable();
      for (const run of deferred.splice(0)) await run();
    },
    deferred,
  };
}

const GAS = 'vigil/hq/KIT-GAS-01/reading';
const SMOKE = 'vigil/lodging/GH-SMK-101/event';
const SMOKE_STATUS = 'vigil/lodging/GH-SMK-101/status';

describe('retained deliveries through ingest', () => {
  it('takes a retained reading and a smoke event without ts once; resubscriptions store and evaluate nothing, and acknowledge each', async () => {
    const v = await vigil(new MemoryHeldTimes());
    for (let subscription = 1; subscription <= 3; subscription++) {
      v.deliver(GAS, { value: 4, unit: '%LEL' });
      v.deliver(SMOKE, { type: 'smoke' });
      await v.durable();
    }
    expect(v.history.points).toHaveLength(2);
    expect(v.evaluated.map((o) => `${o.sensorId}/${o.channel}`)).toEqual(['KIT-GAS-01/reading', 'GH-SMK-101/event']);
    expect(v.acks()).toBe(6);
    expect(v.ignored).toEqual([
      ['no_device_time', 'KIT-GAS-01/reading'],
      ['no_device_time', 'GH-SMK-101/event'],
      ['no_device_time', 'KIT-GAS-01/reading'],
      ['no_device_time', 'GH-SMK-101/event'],
    ]);
  });

  it('a live (non-retained) message is always news, and what it brings is held', async () => {
    const v = await vigil(new MemoryHeldTimes());
    v.deliver(GAS, { value: 4, unit: '%LEL' }, LIVE);
    v.deliver(GAS, { value: 4, unit: '%LEL' }, LIVE);
    expect(v.history.points).toHaveLength(2);
    v.deliver(GAS, { value: 4, unit: '%LEL' });
    expect(v.history.points).toHaveLength(2);
  });

  it('a retained status without ts for a held sensor reaches the live state (listeners) but is not stored', async () => {
    const v = await vigil(new MemoryHeldTimes());
    v.deliver(SMOKE_STATUS, { battery: 80 });
    expect(v.history.points).toHaveLength(1);
    v.deliver(SMOKE_STATUS, { battery: 15 });
    expect(v.history.points).toHaveLength(1);
    expect(v.evaluated.map((o) => o.channel === 'status' && o.battery)).toEqual([80, 15]);
    expect(v.ignored).toEqual([['status_only', 'GH-SMK-101/status']]);
    expect(v.acks()).toBe(1); // the stored one waits for durability; the status-only one is acknowledged at once
  });

  it('with a device time: a newer retained reading is stored and evaluated, an equal or older one is not', async () => {
    const v = await vigil(new MemoryHeldTimes());
    v.deliver(GAS, { ts: NOW - 5000, value: 4, unit: '%LEL' });
    v.deliver(GAS, { ts: NOW - 5000, value: 4, unit: '%LEL' });
    v.deliver(GAS, { ts: NOW - 6000, value: 3, unit: '%LEL' });
    v.deliver(GAS, { ts: NOW - 1000, value: 7, unit: '%LEL' });
    expect(v.history.points.map((p) => p.type === 'observation' && p.observation.ts)).toEqual([NOW - 5000, NOW - 1000]);
    expect(v.evaluated).toHaveLength(2);
    expect(v.ignored.map(([reason]) => reason)).toEqual(['not_newer', 'not_newer']);
  });

  it('a retained copy of what HTTP ingest brought is a replay too', async () => {
    const v = await vigil(new MemoryHeldTimes());
    const done = v.ingest.handleHttpItems([{ sensorId: 'KIT-GAS-01', channel: 'reading', ts: NOW - 2000, value: 5, unit: '%LEL' }], () => 'hq');
    await v.durable();
    await done;
    v.deliver(GAS, { ts: NOW - 2000, value: 5, unit: '%LEL' });
    expect(v.history.points).toHaveLength(1);
  });
});

describe('held times across a restart', () => {
  it('a restart (new gate, same store) takes the retained copies as replays once their points were durable', async () => {
    const store = new MemoryHeldTimes();
    const first = await vigil(store);
    first.deliver(GAS, { value: 4, unit: '%LEL' });
    first.deliver(SMOKE, { type: 'smoke' });
    await first.durable(); // the prompt save: registry sensors' first times, right away
    expect(store.rows.size).toBe(2);

    const second = await vigil(store, NOW + 60_000);
    second.deliver(GAS, { value: 4, unit: '%LEL' });
    second.deliver(SMOKE, { type: 'smoke' });
    expect(second.history.points).toHaveLength(0);
    expect(second.evaluated).toHaveLength(0);
    expect(second.acks()).toBe(2);
  });

  it('a crash before the point was durable saved nothing: the redelivery is taken (the point is not lost)', async () => {
    const store = new MemoryHeldTimes();
    const first = await vigil(store);
    first.deliver(SMOKE, { type: 'smoke' });
    await first.gate.save(); // an alarm commit or the periodic save: the smoke point is not durable yet
    expect(store.rows.size).toBe(0);
    // kill -9: never acknowledged, the broker redelivers it with its retain flag.
    const second = await vigil(store);
    second.deliver(SMOKE, { type: 'smoke' });
    expect(second.history.points).toHaveLength(1);
  });

  it('saves once per stored batch for registry sensors, leaves other ids to the periodic save', async () => {
    const store = new MemoryHeldTimes();
    const v = await vigil(store);
    v.deliver('vigil/hq/STRANGER-1/reading', { value: 1, unit: 'ppm' });
    v.history.makeDurable();
    expect(v.deferred).toHaveLength(0);
    v.deliver(GAS, { value: 4, unit: '%LEL' });
    v.deliver(SMOKE, { type: 'smoke' });
    v.history.makeDurable();
    expect(v.deferred).toHaveLength(1);
    await v.durable();
    expect(store.saves).toBe(1);
    expect([...store.rows.keys()].sort()).toEqual(['GH-SMK-101|event|null', 'KIT-GAS-01|reading|null', 'STRANGER-1|reading|null']);
  });

  it('a failed save is reported and retried at the next', async () => {
    const store = new MemoryHeldTimes();
    const v = await vigil(store);
    v.deliver(SMOKE, { type: 'smoke' });
    store.failNext = true;
    await v.durable();
    expect(v.failures).toHaveLength(1);
    expect(store.rows.size).toBe(0);
    await v.gate.save();
    expect(store.rows.size).toBe(1);
  });

  it('inside an alarm commit, a failed save fails the commit (no commit without its held times) and is retried at the next', async () => {
    const store = new MemoryHeldTimes();
    const v = await vigil(store);
    v.deliver(SMOKE, { type: 'smoke' });
    v.history.makeDurable();
    store.failNext = true;
    await expect(v.gate.savedWith((save) => save())).rejects.toThrow('disk full');
    expect(store.rows.size).toBe(0);
    await v.gate.savedWith((save) => save());
    expect([...store.rows.keys()]).toEqual(['GH-SMK-101|event|null']);
  });

  it('held times written in a commit that then does not commit (a later statement, or COMMIT, failed) are written again at the next save', async () => {
    const store = new MemoryHeldTimes();
    const v = await vigil(store);
    v.deliver(SMOKE, { type: 'smoke' });
    v.history.makeDurable();
    const rolledBack = new Map<string, unknown>();
    await expect(
      v.gate.savedWith(async (save) => {
        await save();
        // What a rollback does to the store: the rows written in the transaction are gone.
        for (const [k, row] of store.rows) rolledBack.set(k, row);
        store.rows.clear();
        throw new Error('COMMIT failed');
      }),
    ).rejects.toThrow('COMMIT failed');
    expect(rolledBack.size).toBe(1);
    await v.gate.save();
    expect([...store.rows.keys()]).toEqual(['GH-SMK-101|event|null']);
  });

  it('a commit the store runs again (PostgreSQL aborted it as a deadlock’s victim) carries in its second run the held times the first took', async () => {
    const store = new MemoryHeldTimes();
    const v = await vigil(store);
    v.deliver(SMOKE, { type: 'smoke' });
    v.history.makeDurable();
    await v.gate.savedWith(async (save) => {
      // sql.postgres.ts's transaction: the first run rolled back, then the same body again.
      await save();
      store.rows.clear();
      await save();
    });
    expect([...store.rows.keys()]).toEqual(['GH-SMK-101|event|null']);
  });
});
