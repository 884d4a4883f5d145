// The alarm service's persistence: the engine changes at once, in memory; each change is committed
// in one transaction (alarm, rule states, events, audit entries) before it is pushed live, and
// commits land — and are pushed — in the order the engine made them, however long one takes
// (docs/contracts.md: alarms are never lost across a restart, and reach every console in order).
import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent, Observation } from '../../../contract/index.ts';
import { FakeClock, makeRegistry, makeSensor, T0 } from '../../../test/support/alarm.fixtures.ts';
import { DEFAULT_ENGINE_SETTINGS, type SensorRuleState } from '../domain/alarm/index.ts';
import type { Registry } from '../domain/registry.ts';
import type { AlarmCommit, AlarmFilter, AlarmStore, EngineMeta, SavedEngine } from './alarm.ports.ts';
import { AlarmService } from './alarm.service.ts';
import type { AuditInput } from './audit.port.ts';

const SMK = 'SMK-01';
const GAS = 'GAS-01';
const DOOR = 'DOOR-01';
const OFFICER = { username: 'officer.li', role: 'officer' } as const;

/** What happened, in order, across the store, the transaction, the audit trail and the hub. */
type Step = string;

class Deferred {
  release!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.release = resolve));
}

/** The store's behaviour in memory; a commit can be held (a slow disk) or made to fail. */
class MemoryStore implements AlarmStore {
  readonly commits: AlarmCommit[] = [];
  readonly ruleSaves: { states: SensorRuleState[]; meta: EngineMeta }[] = [];
  saved: SavedEngine | null = null;
  hold: Deferred | null = null;
  failNext = false;
  constructor(private readonly steps: Step[]) {}
  async commit(c: AlarmCommit): Promise<void> {
    const held = this.hold;
    this.hold = null;
    if (held) await held.promise;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.commits.push(c);
    this.steps.push(`store ${c.events.map((e) => e.seq).join(',')}`);
  }
  async saveRuleStates(states: SensorRuleState[], meta: EngineMeta): Promise<void> {
    this.ruleSaves.push({ states, meta });
    this.steps.push(`rules ${states.map((s) => s.key).join(',')}`);
  }
  async load(): Promise<SavedEngine | null> {
    return this.saved;
  }
  async list(_f: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }> {
    return { total: 0, alarms: [] };
  }
  async get(): Promise<Alarm | undefined> {
    return undefined;
  }
  async history(): Promise<AlarmEvent[]> {
    return [];
  }
}

async function service(store?: MemoryStore) {
  const steps: Step[] = [];
  store ??= new MemoryStore(steps);
  const s = store as unknown as { steps: Step[] };
  s.steps = steps;
  const clock = new FakeClock();
  const published: AlarmEvent[] = [];
  const failures: [unknown, string][] = [];
  const registry = makeRegistry({ sensors: [makeSensor('smoke', { id: SMK }), makeSensor('gas', { id: GAS }), makeSensor('door', { id: DOOR })] });
  const alarms = await AlarmService.create({
    registry: registry as unknown as Registry,
    settings: DEFAULT_ENGINE_SETTINGS,
    store,
    audit: {
      append: async (e: AuditInput) => {
        steps.push(`audit ${e.action}`);
      },
    },
    hub: {
      publish: (e) => {
        published.push(e);
        steps.push(`push ${e.seq}`);
      },
      sensors: () => {},
    },
    notifier: { escalated: () => {} },
    clock,
    transaction: async (fn) => {
      steps.push('begin');
      try {
        await fn();
        steps.push('commit');
      } catch (err) {
        steps.push('rollback');
        throw err;
      }
    },
    onCommitError: (err, what) => failures.push([err, what]),
  });
  const observe = (sensorId: string, o: Partial<Observation> & Pick<Observation, 'channel'>) =>
    void alarms.onObservation({ siteId: 'hq', zoneId: 'kitchen', sensorId, ts: clock.now(), receivedAt: clock.now(), source: 'mqtt', ...o } as Observation);
  return { alarms, store, steps, published, failures, clock, observe };
}

describe('AlarmService persistence', () => {
  it('commits a change, its rule state and its audit entry in one transaction before pushing it', async () => {
    const v = await service();
    v.observe(SMK, { channel: 'event', type: 'smoke', kind: 'smoke' } as Partial<Observation> & { channel: 'event' });
    // The engine changed at once: the console's snapshot has the alarm before the commit lands.
    expect(v.alarms.snapshot().alarms.map((a) => a.sensorId)).toEqual([SMK]);
    expect(v.published).toEqual([]);
    await v.alarms.idle();
    expect(v.steps).toEqual(['begin', 'store 1', 'audit alarm.raised', 'commit', 'push 1']);
    expect(v.store.commits[0]!.ruleStates.map((r) => r.key)).toEqual([SMK]);
  });

  it('holds every later change behind a slow commit: they land and are pushed in order, and an action answers after its own commit', async () => {
    const v = await service();
    const slow = new Deferred();
    v.store.hold = slow;
    v.observe(SMK, { channel: 'event', type: 'smoke' } as Partial<Observation> & { channel: 'event' });
    const alarmId = v.alarms.snapshot().alarms[0]!.id;
    let answered: Alarm | null = null;
    const acking = v.alarms.act(alarmId, { type: 'ack' }, OFFICER).then((a) => (answered = a));
    await new Promise((resolve) => setImmediate(resolve));
    expect([answered, v.published, v.store.commits]).toEqual([null, [], []]);
    slow.release();
    await acking;
    expect(answered!.state).toBe('active_acked');
    expect(v.steps).toEqual(['begin', 'store 1', 'audit alarm.raised', 'commit', 'push 1', 'begin', 'store 2', 'audit alarm.acked', 'commit', 'push 2']);
    // Each commit records the engine as it was at its change, not as it was when it landed.
    expect(v.store.commits.map((c) => c.meta.seq)).toEqual([1, 2]);
    expect(v.store.commits[0]!.alarms[0]!.state).toBe('active_unacked');
  });

  it('pushes the alarm even when the store fails, and says so', async () => {
    const v = await service();
    v.store.failNext = true;
    v.observe(SMK, { channel: 'event', type: 'smoke' } as Partial<Observation> & { channel: 'event' });
    await v.alarms.idle();
    expect(v.published.map((e) => e.kind)).toEqual(['raised']);
    expect(v.failures.map(([err, what]) => [(err as Error).message, what])).toEqual([['disk full', 'alarm change']]);
    expect(v.steps).toEqual(['begin', 'rollback', 'push 1']);
  });

  it('writes nothing for an observation that changes nothing', async () => {
    const v = await service();
    v.observe(GAS, { channel: 'reading', value: 1, unit: '%LEL' } as Partial<Observation> & { channel: 'reading' });
    v.observe(GAS, { channel: 'reading', value: 2, unit: '%LEL' } as Partial<Observation> & { channel: 'reading' });
    await v.alarms.idle();
    expect(v.steps).toEqual([]);
  });

  it('saves a timer armed without an alarm at once (a door opened), as it was when armed', async () => {
    const v = await service();
    v.observe(DOOR, { channel: 'event', type: 'open' } as Partial<Observation> & { channel: 'event' });
    v.clock.advance(1000);
    v.observe(DOOR, { channel: 'event', type: 'open' } as Partial<Observation> & { channel: 'event' });
    await v.alarms.idle();
    expect(v.steps).toEqual(['rules DOOR-01']);
    expect(v.store.ruleSaves[0]!.states[0]!.wakeAt).toBe(T0 + 60_000);
    expect(v.store.ruleSaves[0]!.states[0]!.lastSeen).toBe(T0);
  });

  it('restores the engine from the store when created', async () => {
    const first = await service();
    first.observe(SMK, { channel: 'event', type: 'smoke' } as Partial<Observation> & { channel: 'event' });
    await first.alarms.idle();
    const c = first.store.commits[0]!;
    const store = new MemoryStore([]);
    store.saved = {
      seq: c.meta.seq,
      state: { version: 1, alarms: c.alarms, incidents: [], sensors: c.ruleStates, ...c.meta, watchBaseline: null },
    };
    const second = await service(store);
    expect(second.alarms.snapshot().alarms.map((a) => a.id)).toEqual(c.alarms.map((a) => a.id));
    expect(second.alarms.currentSeq).toBe(1);
  });
});
