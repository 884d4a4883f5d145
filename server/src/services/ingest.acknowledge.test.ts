// When an MQTT message is acknowledged, at the seam of ingest and the alarm engines (real
// IngestService, SiteAlarms and AlarmService; the store, history and transactions are fakes):
// only once its readings are durable AND the alarm changes they caused are committed. In cluster
// mode, a change refused because the site moved to another node leaves its message
// unacknowledged, so the broker redelivers it to the new holder, whose engine evaluates it: a
// one-shot alarm (smoke, a door forced) is not lost in a failover (docs/architecture.md "Nothing
// lost", "Several nodes").
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/alarm.fixtures.ts';
import { FakeForwarder, MemoryClusterStore } from '../../../test/support/fake.forwarder.ts';
import { testRegistry } from '../../../test/support/registry.fixtures.ts';
import { DEFAULT_ENGINE_SETTINGS } from '../domain/alarm/index.ts';
import type { AlarmOperations } from './alarm.operations.ts';
import { AlarmService, type AlarmServiceDeps } from './alarm.service.ts';
import type { HistoryQueue } from './history.ports.ts';
import { IngestService } from './ingest.service.ts';
import { RejectionLog } from './rejection.log.ts';
import { SiteAlarms } from './site-alarms.ts';
import { SiteUnavailableError } from './site-alarms.ports.ts';

/** Points become durable when the test says so. */
class StoredOnDemand implements HistoryQueue {
  private waiting: (() => void)[] = [];
  add(_points: unknown, _min: number, _max: number, onDurable?: () => void): void {
    if (onDurable) this.waiting.push(onDurable);
  }
  store(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const durable of waiting) durable();
  }
}

const GAS_ALARM = { value: 25, unit: '%LEL' };
const GAS_NORMAL = { value: 1, unit: '%LEL' };

function rig() {
  const registry = testRegistry();
  const clock = new FakeClock();
  const store = new MemoryClusterStore();
  const history = new StoredOnDemand();
  const timeline: string[] = [];
  const failures: unknown[] = [];
  // Transactions wait while `held`: a slow or overloaded PostgreSQL.
  let release: () => void = () => {};
  let held: Promise<void> = Promise.resolve();
  const hold = () => {
    held = new Promise<void>((resolve) => (release = resolve));
  };
  const engine: Omit<AlarmServiceDeps, 'registry' | 'store' | 'site'> = {
    settings: DEFAULT_ENGINE_SETTINGS,
    audit: { append: async () => {} },
    hub: { publish: (e) => timeline.push(`pushed ${e.kind}`), sensors: () => {} },
    notifier: { escalated: () => {} },
    clock,
    transaction: async (fn) => {
      await held;
      await fn();
      timeline.push('committed');
    },
    onCommitError: (err) => failures.push(err),
  };
  const ingest = new IngestService(registry, history, new RejectionLog(100), clock, { maxAgeMs: 86_400_000 });
  const connect = (alarms: AlarmOperations) => ingest.subscribe((o) => alarms.onObservation(o));
  const publish = (name: string, topic: string, payload: object, site?: string) =>
    ingest.handleMqttMessage(topic, Buffer.from(JSON.stringify(payload)), () => timeline.push(`acked ${name}`), undefined, site);
  return { ingest, registry, clock, store, history, timeline, failures, engine, hold, release: () => release(), connect, publish };
}

/** A node holding hq under lease token 1. */
async function clusterNode() {
  const r = rig();
  r.store.leases.set('hq', 1);
  const sites = new SiteAlarms({ registry: r.registry, store: r.store, engine: r.engine, forwarder: new FakeForwarder() });
  await sites.acquire('hq', 1);
  r.connect(sites);
  return { ...r, sites };
}

// Every step from a settled commit to the acknowledgement is a promise reaction: one turn of the
// event loop runs them all, so what is not acknowledged by then never will be.
const reactionsRun = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('acknowledging an MQTT message', () => {
  it('with an alarm change: only after the change is committed, not when the reading is stored', async () => {
    const n = await clusterNode();
    n.hold();
    n.publish('gas', 'vigil/hq/KIT-GAS-01/reading', GAS_ALARM, 'hq');
    n.history.store();
    await reactionsRun();
    expect(n.timeline).toEqual([]);
    n.release();
    await n.sites.idle();
    await reactionsRun();
    expect(n.timeline).toEqual(['committed', 'pushed raised', 'acked gas']);
  });

  it('with no alarm change: as soon as the reading is stored, whatever else the engine is committing', async () => {
    const n = await clusterNode();
    n.hold();
    n.publish('gas', 'vigil/hq/KIT-GAS-01/reading', GAS_ALARM, 'hq');
    n.publish('co', 'vigil/hq/KIT-CO-01/reading', { value: 1, unit: 'ppm' }, 'hq');
    expect(n.timeline).toEqual([]);
    n.history.store();
    expect(n.timeline).toEqual(['acked co']);
  });

  it('whose alarm change was refused because the site moved to another node: never', async () => {
    const n = await clusterNode();
    n.hold();
    n.publish('gas', 'vigil/hq/KIT-GAS-01/reading', GAS_ALARM, 'hq');
    // While the commit waits, the lease is taken over (this node has not noticed yet).
    n.store.leases.set('hq', 2);
    n.release();
    n.history.store();
    await n.sites.idle();
    await reactionsRun();
    expect(n.failures).toEqual([new SiteUnavailableError('NOT_HELD', 'hq')]);
    expect(n.store.events).toEqual([]);
    expect(n.timeline).toEqual([]);
  });

  it("once the site is given up, its readings are not acknowledged; another site's, on a topic both sessions share, are", async () => {
    const n = await clusterNode();
    n.sites.lost('hq');
    n.publish('hq', 'vigil/hq/KIT-GAS-01/reading', GAS_NORMAL, 'hq');
    n.publish('lodging', 'vigil/lodging/GH-SMK-101/event', { type: 'smoke' }, 'hq');
    n.history.store();
    await reactionsRun();
    expect(n.timeline).toEqual(['acked lodging']);
  });

  it('one node: a change the store failed to commit is pushed live and the message acknowledged, as before', async () => {
    const r = rig();
    r.store.commit = () => Promise.reject(new Error('disk full'));
    const alarms = await AlarmService.create({ ...r.engine, registry: r.registry, store: r.store });
    r.connect(alarms);
    r.publish('gas', 'vigil/hq/KIT-GAS-01/reading', GAS_ALARM);
    r.history.store();
    await alarms.idle();
    await reactionsRun();
    expect(r.failures).toEqual([new Error('disk full')]);
    expect(r.timeline).toEqual(['pushed raised', 'acked gas']);
  });

  it('HTTP ingest answers once stored, without waiting for the alarm commit', async () => {
    const n = await clusterNode();
    n.hold();
    const answer = n.ingest.handleHttpItems([{ sensorId: 'KIT-GAS-01', channel: 'reading', ...GAS_ALARM }], (id) => n.registry.sensor(id)?.siteId);
    n.history.store();
    await expect(answer).resolves.toMatchObject({ accepted: 1 });
    expect(n.timeline).toEqual([]);
    n.release();
  });
});
