// Cluster mode, one node's alarm side (docs/architecture.md "Several nodes"): each site's engine
// runs on the one node holding it and sees only that site; its events are numbered from the one
// counter every node shares; an action is applied where the site runs — here, or at its holder as
// the acting user — or refused when no node runs it; a node that lost a site writes nothing more
// for it; a clean hand-over gives the next holder the running timers; a console's snapshot covers
// every site. Two nodes share one store and reach each other through the forwarder port (fakes).
import { describe, expect, it } from 'vitest';
import type { AlarmEvent, Observation } from '../../../contract/index.ts';
import { FakeClock, MIN, T0 } from '../../../test/support/alarm.fixtures.ts';
import { FakeForwarder, MemoryClusterStore } from '../../../test/support/fake.forwarder.ts';
import { testRegistry } from '../../../test/support/registry.fixtures.ts';
import { AlarmActionError, DEFAULT_ENGINE_SETTINGS } from '../domain/alarm/index.ts';
import type { AuditInput } from './audit.port.ts';
import { SiteAlarms } from './site-alarms.ts';
import { SiteUnavailableError } from './site-alarms.ports.ts';

const OFFICER = { username: 'officer.li', role: 'officer' } as const;
const HQ_SENSORS = ['KIT-GAS-01', 'KIT-CO-01', 'SRV-DOOR-01'];

function cluster() {
  const store = new MemoryClusterStore();
  const forwarder = new FakeForwarder();
  const clock = new FakeClock();
  const registry = testRegistry();
  const node = () => {
    const published: AlarmEvent[] = [];
    const audit: AuditInput[] = [];
    const foreign: Observation[] = [];
    const failures: [unknown, string][] = [];
    const sites = new SiteAlarms({
      registry,
      store,
      forwarder,
      engine: {
        settings: DEFAULT_ENGINE_SETTINGS,
        audit: { append: async (e: AuditInput) => void audit.push(e) },
        hub: { publish: (e) => published.push(e), sensors: () => {} },
        notifier: { escalated: () => {} },
        clock,
        transaction: async (fn) => fn(),
        onCommitError: (err, what) => failures.push([err, what]),
      },
      onForeignObservation: (o) => foreign.push(o),
    });
    return { sites, published, audit, foreign, failures };
  };
  const obs = (siteId: string, sensorId: string, o: Partial<Observation>): Observation =>
    ({ siteId, zoneId: 'z', sensorId, ts: clock.now(), receivedAt: clock.now(), source: 'mqtt', ...o }) as Observation;
  const gas = (value: number) => obs('hq', 'KIT-GAS-01', { channel: 'reading', value, unit: '%LEL' } as Partial<Observation>);
  const smoke = () => obs('lodging', 'GH-SMK-101', { channel: 'event', type: 'smoke' } as Partial<Observation>);
  const door = (type: 'open' | 'closed') => obs('hq', 'SRV-DOOR-01', { channel: 'event', type } as Partial<Observation>);
  return { store, forwarder, clock, node, gas, smoke, door };
}

/** Node A holds hq, node B holds lodging; each answers forwarded requests for its site. */
async function twoNodes() {
  const c = cluster();
  const a = c.node();
  const b = c.node();
  c.store.leases.set('hq', 1);
  c.store.leases.set('lodging', 2);
  await a.sites.acquire('hq', 1);
  await b.sites.acquire('lodging', 2);
  c.forwarder.holders.set('hq', a.sites);
  c.forwarder.holders.set('lodging', b.sites);
  return { ...c, a, b };
}

describe('SiteAlarms', () => {
  it("runs only the sites it holds: another site's observations are left to its holder and counted; ids name the site; numbers come from the one counter", async () => {
    const { a, b, store, gas, smoke } = await twoNodes();
    void a.sites.onObservation(gas(25));
    void a.sites.onObservation(smoke());
    void b.sites.onObservation(smoke());
    await Promise.all([a.sites.idle(), b.sites.idle()]);
    expect(a.foreign.map((o) => o.sensorId)).toEqual(['GH-SMK-101']);
    expect(a.published.map((e) => [e.subject === 'alarm' && e.alarm.sensorId, e.kind])).toEqual([['KIT-GAS-01', 'raised']]);
    expect(b.published.map((e) => [e.subject === 'alarm' && e.alarm.sensorId, e.kind])).toEqual([['GH-SMK-101', 'raised']]);
    const [hq, lodging] = [a.published[0]!, b.published[0]!];
    expect(hq.subject === 'alarm' && hq.alarmId).toMatch(/^al_hq_/);
    expect(lodging.subject === 'alarm' && lodging.alarmId).toMatch(/^al_lodging_/);
    expect([hq.seq, lodging.seq].sort()).toEqual([1, 2]);
    expect(store.events.map((e) => e.seq).sort()).toEqual([1, 2]);
    // Each site's counters and floods are its own row.
    expect([...store.siteMeta.keys()].sort()).toEqual(['hq', 'lodging']);
    expect(store.globalMeta).toBeNull();
  });

  it("watches only its site's sensors: the offline watchdog of hq raises nothing for lodging", async () => {
    const { a, clock } = await twoNodes();
    a.sites.tick();
    clock.advance(10 * MIN);
    a.sites.tick();
    await a.sites.idle();
    const offline = a.published.flatMap((e) => (e.subject === 'alarm' && e.alarm.condition === 'offline' ? [e.alarm.sensorId] : []));
    expect(offline.sort()).toEqual([...HQ_SENSORS].sort());
  });

  it('acts where the site runs: at its holder as the acting user, here when held here; refuses when no node runs it', async () => {
    const { a, b, forwarder, smoke, gas } = await twoNodes();
    void b.sites.onObservation(smoke());
    void a.sites.onObservation(gas(25));
    await Promise.all([a.sites.idle(), b.sites.idle()]);
    const remote = b.published[0]!.subject === 'alarm' ? b.published[0]!.alarmId : '';
    const local = a.published[0]!.subject === 'alarm' ? a.published[0]!.alarmId : '';

    const acked = await a.sites.act(remote, { type: 'ack' }, OFFICER);
    expect(acked.state).toBe('active_acked');
    expect(b.audit.map((e) => [e.actor, e.action, e.target])).toContainEqual(['officer.li', 'alarm.acked', `alarm:${remote}`]);
    expect(a.audit.map((e) => e.action)).not.toContain('alarm.acked');
    await a.sites.act(local, { type: 'ack' }, OFFICER);
    expect((await a.sites.setOutOfService('KIT-CO-01', OFFICER, 'calibration', T0 + 60 * MIN)).outOfService?.reason).toBe('calibration');
    expect(forwarder.sent.map((s) => [s.site, s.request.op])).toEqual([['lodging', 'act']]);

    const oos = await a.sites.setOutOfService('GH-SMK-101', OFFICER, 'detector replaced', T0 + 60 * MIN);
    expect(oos.outOfService?.reason).toBe('detector replaced');
    expect(forwarder.sent.at(-1)).toMatchObject({ site: 'lodging', request: { op: 'setOutOfService', sensorId: 'GH-SMK-101' }, actor: OFFICER });

    b.sites.lost('lodging');
    forwarder.holders.delete('lodging');
    await expect(a.sites.act(remote, { type: 'comment', text: 'still there?' }, OFFICER)).rejects.toMatchObject({
      name: 'SiteUnavailableError',
      code: 'NO_HOLDER',
    });
    await expect(a.sites.act('al_none', { type: 'ack' }, OFFICER)).rejects.toBeInstanceOf(AlarmActionError);
    await expect(a.sites.returnToService('NO-SUCH', OFFICER)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A request forwarded to a node that no longer runs the site is never forwarded again.
    await expect(b.sites.applyHeld('lodging', { op: 'act', alarmId: remote, action: { type: 'ack' } }, OFFICER)).rejects.toEqual(
      new SiteUnavailableError('NOT_HELD', 'lodging'),
    );
  });

  it('writes nothing more for a site once its lease has moved on: a commit with the old token is refused, and not pushed', async () => {
    const { a, store, gas } = await twoNodes();
    store.leases.set('hq', 3);
    void a.sites.onObservation(gas(25));
    await a.sites.idle();
    expect([store.alarms.size, store.events.length, store.seq, a.published.length]).toEqual([0, 0, 0, 0]);
    expect(a.failures.map(([err, what]) => [(err as SiteUnavailableError).code, what])).toEqual([['NOT_HELD', 'alarm change']]);
  });

  it("sends a person's action to the new holder when the site moved away before it landed: never reported done unsaved", async () => {
    const { a, b, store, forwarder, gas } = await twoNodes();
    void a.sites.onObservation(gas(25));
    await a.sites.idle();
    const raised = a.published[0]!;
    const alarmId = raised.subject === 'alarm' ? raised.alarmId : '';
    // The lease of hq moves to node B (A missed its renewals) before A hears of it.
    store.leases.set('hq', 3);
    await b.sites.acquire('hq', 3);
    forwarder.holders.set('hq', b.sites);

    const acked = await a.sites.act(alarmId, { type: 'ack' }, OFFICER);
    expect(acked.state).toBe('active_acked');
    expect(b.audit.map((e) => [e.actor, e.action, e.target])).toContainEqual(['officer.li', 'alarm.acked', `alarm:${alarmId}`]);
    expect(a.audit.map((e) => e.action)).not.toContain('alarm.acked');
    expect(a.published.map((e) => e.kind)).toEqual(['raised']);
    expect(forwarder.sent.map((s) => [s.site, s.request.op])).toEqual([['hq', 'act']]);
  });

  it('hands a site over cleanly: release saves the running door timer and waits for its writes; the next holder raises it on time', async () => {
    const { a, b, store, clock, door } = await twoNodes();
    void a.sites.onObservation(door('open'));
    clock.advance(30_000);
    void a.sites.onObservation(door('open'));
    await a.sites.release('hq');
    expect(a.sites.held()).toEqual([]);
    expect(store.rules.get('SRV-DOOR-01')?.lastSeen).toBe(T0 + 30_000);
    store.leases.set('hq', 4);
    await b.sites.acquire('hq', 4);
    clock.advance(31_000);
    b.sites.tick();
    await b.sites.idle();
    expect(b.published.map((e) => (e.subject === 'alarm' ? [e.alarm.sensorId, e.alarm.condition, e.kind, e.alarmId.slice(0, 6)] : null))).toEqual([
      ['SRV-DOOR-01', 'door_held', 'raised', 'al_hq_'],
    ]);
    // Nothing queued on A after the release: the site's rows are B's alone.
    void a.sites.onObservation(door('closed'));
    expect(a.foreign).toHaveLength(1);
  });

  it('gives a console every site: those held here live, the others as stored, with the counter read with them', async () => {
    const { a, b, store, smoke, gas } = await twoNodes();
    void b.sites.onObservation(smoke());
    await b.sites.idle();
    void a.sites.onObservation(gas(25));
    // A's alarm is in its engine at once, before its commit lands.
    const snapshot = await a.sites.snapshot();
    expect(snapshot.seq).toBe(1);
    expect(snapshot.alarms.map((x) => x.sensorId).sort()).toEqual(['GH-SMK-101', 'KIT-GAS-01']);
    expect(snapshot.sensors.map((s) => s.sensorId)).toEqual(
      testRegistry()
        .allSensors()
        .map((s) => s.id),
    );
    expect(snapshot.sensors.find((s) => s.sensorId === 'GH-SMK-101')?.lastSeen).toBe(T0);
    expect((await a.sites.sensorState('GH-SMK-101')).lastSeen).toBe(T0);
    expect((await a.sites.sensorState('KIT-GAS-01')).lastValue).toBe(25);
    // Many sensors of a site asked at once (the gateways view): one read of that site.
    const reads = store.reads;
    const states = await Promise.all([1, 2, 3].map(() => a.sites.sensorState('GH-SMK-101')));
    expect(states.map((x) => x.lastSeen)).toEqual([T0, T0, T0]);
    expect(store.reads - reads).toBe(1);
    await a.sites.idle();
    expect(store.seq).toBe(2);
  });

  it('misses no change of a site held here that lands while the snapshot reads the store', async () => {
    const { a, store, gas } = await twoNodes();
    store.duringRead = async () => {
      void a.sites.onObservation(gas(25));
      await a.sites.idle();
    };
    const snapshot = await a.sites.snapshot();
    expect(snapshot.seq).toBe(1);
    expect(snapshot.alarms.map((x) => x.sensorId)).toEqual(['KIT-GAS-01']);
  });

  it("ends a drill in every site's engine, here or at its holder, and passes over a site no node runs", async () => {
    const { a, b, forwarder, smoke } = await twoNodes();
    void b.sites.onObservation({ ...smoke(), drill: 'dr-1' });
    await b.sites.idle();
    expect(b.published.map((e) => e.kind)).toEqual(['raised']);
    await a.sites.endDrill('dr-1', 'admin.wu');
    expect(b.published.map((e) => [e.kind, e.actor])).toEqual([
      ['raised', 'system'],
      ['cleared', 'admin.wu'],
    ]);
    expect(forwarder.sent.map((x) => [x.site, x.request.op])).toEqual([['lodging', 'endDrill']]);
    b.sites.lost('lodging');
    forwarder.holders.delete('lodging');
    await expect(a.sites.endDrill('dr-1', 'admin.wu')).resolves.toBeUndefined();
  });

  it('still pushes a change the store refused (a database outage must not silence an alarm), numbered after the last one taken', async () => {
    const { a, store, gas } = await twoNodes();
    // Other nodes' events: this one's engine starts after them.
    store.seq = 41;
    await a.sites.release('hq');
    await a.sites.acquire('hq', 1);
    store.takeSeq = async () => {
      throw new Error('connection lost');
    };
    void a.sites.onObservation(gas(25));
    await a.sites.idle();
    expect(a.published.map((e) => [e.kind, e.seq])).toEqual([['raised', 42]]);
    expect(a.failures.map(([err, what]) => [(err as Error).message, what])).toEqual([['connection lost', 'alarm change']]);
  });
});
