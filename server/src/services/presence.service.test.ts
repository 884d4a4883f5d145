/**
 * PresenceService over fakes (docs/contracts.md#presence-in-hazard-zones): rebuilt from history at start (waiting
 * for InfluxDB with the one retry policy), the list a hazard alarm takes at its raise, which later
 * reads do not change, notification lines with names while the log never gets a name or a whole
 * badge, a drill's staged reads kept to its own alarms, and the muster's audited ticks and time.
 */
import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent, Observation } from '../../../contract/index.ts';
import { makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { WANG_WEI_BADGE, testPresenceRules } from '../../../test/support/presence.fixtures.ts';
import type { AuditInput } from './audit.port.ts';
import { MAX_UNKNOWN_BADGES, type BadgeRead } from '../domain/presence/presence.ts';
import { MAX_DRILL_LEDGERS, PresenceService, type AlarmPresenceRecord, type MusterStore, type MusterTickRecord } from './presence.service.ts';

const STRANGER = 'DEADBEEF99';

class MemoryMusterStore implements MusterStore {
  readonly lists = new Map<string, AlarmPresenceRecord>();
  readonly marks: MusterTickRecord[] = [];
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }
  async savePresence(r: AlarmPresenceRecord): Promise<void> {
    // Stored a turn of the event loop later, as a database would: a read straight after the raise must wait for it.
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.lists.has(r.alarmId)) this.lists.set(r.alarmId, structuredClone(r));
  }
  async presence(alarmId: string): Promise<AlarmPresenceRecord | undefined> {
    return this.lists.get(alarmId);
  }
  async presenceOfDrill(drillId: string): Promise<AlarmPresenceRecord[]> {
    return [...this.lists.values()].filter((r) => r.drill === drillId);
  }
  async tick(t: MusterTickRecord): Promise<boolean> {
    if (this.marks.some((m) => m.alarmId === t.alarmId && m.key === t.key)) return false;
    this.marks.push(t);
    return true;
  }
  async ticks(alarmId: string): Promise<MusterTickRecord[]> {
    return this.marks.filter((m) => m.alarmId === alarmId);
  }
}

function setup(history: (from: number, to: number) => Promise<BadgeRead[]> = async () => []) {
  const scheduler = new FakeScheduler();
  const store = new MemoryMusterStore();
  const audit: AuditInput[] = [];
  const logged: string[] = [];
  const log = (fields: object, message: string): void => void logged.push(`${message} ${JSON.stringify(fields)}`);
  const service = new PresenceService({
    rules: testPresenceRules(),
    history: { grantedReads: history },
    store,
    audit: { append: async (e) => void audit.push(e) },
    scheduler,
    logger: { info: log, warn: log },
  });
  return { service, scheduler, store, audit, logged };
}

const badge = (t: number, sensorId: string, credential: string, extra: Partial<Observation> = {}): Observation =>
  ({
    channel: 'event',
    type: 'access_granted',
    siteId: 'hq',
    sensorId,
    zoneId: 'kitchen',
    kind: 'door',
    ts: t,
    receivedAt: t,
    source: 'mqtt',
    credential,
    ...extra,
  }) as Observation;

const raised = (alarm: Alarm): AlarmEvent =>
  ({ subject: 'alarm', kind: 'raised', seq: 1, at: alarm.raisedAt, actor: 'system', note: null, drill: alarm.drill, alarmId: alarm.id, alarm }) as AlarmEvent;

describe('PresenceService', () => {
  it('rebuilds from history at start, retrying until InfluxDB answers', async () => {
    let calls = 0;
    const { service, scheduler } = setup(async (from, to) => {
      calls++;
      if (calls === 1) throw new Error('connect ECONNREFUSED');
      return [
        { t: to - 60_000, sensorId: 'KIT-BACK', credential: WANG_WEI_BADGE },
        { t: from - 1, sensorId: 'KIT-BACK', credential: STRANGER },
      ];
    });
    const started = service.start();
    await scheduler.advance(1000);
    await started;
    expect(calls).toBe(2);
    // The read before the window (asked for, but older) does not count.
    expect(service.present('hq', 'kitchen').people.map((p) => p.name ?? p.badge)).toEqual(['Wang Wei']);
  });

  it('a hazard alarm keeps the list of its raise, with names; the log never gets a name or a whole badge', async () => {
    const { service, scheduler, logged } = setup();
    const t = scheduler.now();
    service.onObservation(badge(t - 600_000, 'KIT-BACK', WANG_WEI_BADGE));
    service.onObservation(badge(t - 500_000, 'KIT-BACK', STRANGER));
    const gas = makeAlarm({ id: 'al_gas', raisedAt: t });
    service.onAlarmEvent(raised(gas));
    // Wang Wei leaves afterwards: the alarm's list stays what it was at the raise.
    service.onObservation(badge(t + 1000, 'KIT-BACK', WANG_WEI_BADGE, { reader: 'out' } as Partial<Observation>));
    expect((await service.alarmPresence('al_gas'))?.people.map((p) => p.name ?? p.badge)).toEqual(['Wang Wei', '••••EF99']);
    expect(service.present('hq', 'kitchen').people.map((p) => p.badge)).toEqual(['••••EF99']);
    expect(logged.join('\n')).not.toMatch(/Wang Wei|王伟|04A1B2C3D4|DEADBEEF99/);
    // Not a hazard: no list.
    service.onAlarmEvent(raised(makeAlarm({ id: 'al_door', condition: 'door_held', raisedAt: t })));
    expect(await service.alarmPresence('al_door')).toBeUndefined();
  });

  it("a drill's badge reads count for that drill's alarms only", async () => {
    const { service, scheduler } = setup();
    const t = scheduler.now();
    service.onObservation(badge(t - 60_000, 'KIT-BACK', STRANGER, { drill: 'd1' }));
    expect(service.present('hq', 'kitchen').people).toEqual([]);
    service.onAlarmEvent(raised(makeAlarm({ id: 'al_real', raisedAt: t })));
    service.onAlarmEvent(raised(makeAlarm({ id: 'al_drill', raisedAt: t, drill: 'd1' })));
    expect((await service.alarmPresence('al_real'))?.people).toEqual([]);
    expect((await service.alarmPresence('al_drill'))?.people.map((p) => p.badge)).toEqual(['••••EF99']);
  });

  it('drill ids come from devices: made-up ones keep at most MAX_DRILL_LEDGERS ledgers, the latest drill still lists its people', async () => {
    const { service, scheduler } = setup();
    const t = scheduler.now();
    for (let i = 0; i < MAX_DRILL_LEDGERS * 20; i++) service.onObservation(badge(t - 90_000, 'KIT-BACK', `FAKE${i}`, { drill: `made-up-${i}` }));
    service.onObservation(badge(t - 60_000, 'KIT-BACK', STRANGER, { drill: 'd1' }));
    expect(service.drillLedgers).toBe(MAX_DRILL_LEDGERS);
    service.onAlarmEvent(raised(makeAlarm({ id: 'al_drill', raisedAt: t, drill: 'd1' })));
    expect((await service.alarmPresence('al_drill'))?.people.map((p) => p.badge)).toEqual(['••••EF99']);
  });

  it('a fire alarm musters its building; each tick is audited once; the drill report gets the time to account for everyone', async () => {
    const { service, scheduler, audit } = setup();
    const t = scheduler.now();
    service.onObservation(badge(t - 60_000, 'KIT-BACK', WANG_WEI_BADGE, { drill: 'd2' }));
    service.onObservation(badge(t - 50_000, 'CAN-MAIN', STRANGER, { drill: 'd2' }));
    service.onObservation(badge(t - 40_000, 'TWR-MAIN', 'FFFF0001', { drill: 'd2' }));
    const fire = makeAlarm({ id: 'al_fire', condition: 'smoke', zoneId: 'dining', raisedAt: t, drill: 'd2' });
    service.onAlarmEvent(raised(fire));
    const muster = (await service.muster(fire))!;
    // The tower is another building.
    expect(muster.people.map((p) => p.name ?? p.badge)).toEqual(['Wang Wei', '••••EF99']);
    expect(muster.building).toBe('HQ');
    expect(await service.account(fire, 'person:nobody', 'officer1')).toEqual({ ok: false, reason: 'not_listed' });

    await scheduler.advance(30_000);
    expect((await service.account(fire, 'person:wang-wei', 'officer1')).ok).toBe(true);
    expect((await service.account(fire, 'person:wang-wei', 'officer2')).ok).toBe(true);
    expect(audit).toEqual([
      {
        actor: 'officer1',
        action: 'muster.accounted',
        target: 'alarm:al_fire',
        at: t + 30_000,
        detail: { person: 'person:wang-wei', badge: '••••C3D4', drill: 'd2' },
      },
    ]);
    expect(await service.drillMusters('d2', () => fire)).toEqual([
      { alarmId: 'al_fire', building: 'HQ', people: 2, accounted: 1, startedAt: t, timeToAccountS: null },
    ]);
    await scheduler.advance(45_000);
    const done = await service.account(fire, muster.people[1]!.key, 'officer2');
    expect(done.ok && done.muster.allAccountedAt).toBe(t + 75_000);
    expect((await service.drillMusters('d2', () => fire))[0]!.timeToAccountS).toBe(75);
    // A gas alarm lists its zone, it has no muster.
    expect(await service.muster(makeAlarm({ id: 'al_gas' }))).toBeUndefined();
  });

  it('unknown badges let go are counted in the log at the 1st, 10th, 100th..., never with a badge', () => {
    const { service, scheduler, logged } = setup();
    const t = scheduler.now();
    for (let i = 0; i < MAX_UNKNOWN_BADGES + 100; i++) service.onObservation(badge(t - 90_000 + i, 'KIT-BACK', `FAKE${i}`));
    const warnings = logged.filter((l) => l.startsWith('presence: more unknown badges'));
    expect(warnings.map((l) => (JSON.parse(l.slice(l.indexOf('{'))) as { droppedUnknown: number }).droppedUnknown)).toEqual([1, 10, 100]);
    expect(warnings.join('\n')).not.toMatch(/FAKE/);
  });
});
