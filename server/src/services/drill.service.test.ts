// The drill service with fakes behind its ports: a drill that would only fail once running is
// refused with its reason before anything runs, and the report tells a drill ended early (not
// played) and one still running (pending) from one whose alarms were really missed.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Alarm, Drill, DrillExpectation, DrillNotice } from '../../../contract/index.ts';
import { makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import type { AuditInput } from './audit.port.ts';
import { DrillError, DrillService, type CatalogScenario, type DrillAlarms, type DrillRunner, type DrillStore } from './drill.service.ts';

const S = 1000;

class MemoryDrills implements DrillStore {
  readonly rows = new Map<string, Drill>();
  async insert(d: Drill): Promise<boolean> {
    if (this.rows.has(d.id)) return false;
    this.rows.set(d.id, { ...d });
    return true;
  }
  async get(id: string): Promise<Drill | undefined> {
    const d = this.rows.get(id);
    return d && { ...d };
  }
  async list(): Promise<Drill[]> {
    return [...this.rows.values()];
  }
  async end(id: string, at: number): Promise<boolean> {
    const d = this.rows.get(id);
    if (!d || d.endedAt !== null) return false;
    Object.assign(d, { endedAt: at, state: 'ended' });
    return true;
  }
}

class FakeRunner implements DrillRunner {
  readonly started: { drill: Drill; speed: number }[] = [];
  readonly stopped: string[] = [];
  busy = new Map<string, string>();
  run(drill: Drill, speed: number): void {
    this.started.push({ drill, speed });
  }
  stop(drillId: string): void {
    this.stopped.push(drillId);
  }
  runningAt(siteId: string): string | undefined {
    return this.busy.get(siteId);
  }
}

const gas = (sensorId: string, withinS: number): DrillExpectation => ({ sensorId, condition: 'gas', priority: 'high', withinS });

const CANTEEN: CatalogScenario = {
  name: 'canteen-gas-leak',
  title: 'Canteen gas leak',
  siteId: 'hq',
  speeds: [1, 2, 5, 10],
  durationS: 300,
  notes: [{ at: 0, text: 'A hose works loose' }],
  // Due at 100 s and 250 s of scenario time.
  expected: [gas('CAN-GAS-01', 100), gas('CAN-GAS-02', 250)],
  sensorIds: ['CAN-GAS-01', 'CAN-GAS-02'],
  zoneIds: ['gas-meter-room'],
  siteIds: [],
};
const DOOR: CatalogScenario = {
  ...CANTEEN,
  name: 'door-propped-open',
  title: 'Fire exit propped open',
  siteId: 'lodging',
  speeds: [1, 2],
  sensorIds: ['GH-1F-DR-EXIT'],
  zoneIds: [],
};

const SENSORS = [
  { id: 'CAN-GAS-01', siteId: 'hq', zoneId: 'hot-kitchen' },
  { id: 'CAN-GAS-02', siteId: 'hq', zoneId: 'hot-kitchen' },
  { id: 'CAN-GAS-MTR', siteId: 'hq', zoneId: 'gas-meter-room' },
  { id: 'GH-1F-DR-EXIT', siteId: 'lodging', zoneId: 'gh-1f' },
];

let clock: FakeScheduler;
let store: MemoryDrills;
let runner: FakeRunner;
let alarms: Alarm[];
let ended: [string, string][];
let audit: AuditInput[];
let notices: DrillNotice[];
let service: DrillService;

beforeEach(() => {
  clock = new FakeScheduler();
  store = new MemoryDrills();
  runner = new FakeRunner();
  alarms = [];
  ended = [];
  audit = [];
  notices = [];
  const drillAlarms: DrillAlarms = {
    drillAlarms: async (id) => alarms.filter((a) => a.drill === id),
    endDrill: async (id, by) => void ended.push([id, by]),
    triggerTime: (_id, _sensor, at) => Promise.resolve(at - 400),
  };
  service = new DrillService(
    store,
    { scenario: (n) => [CANTEEN, DOOR].find((s) => s.name === n) ?? null, list: () => [CANTEEN, DOOR] },
    { sensors: () => SENSORS },
    runner,
    drillAlarms,
    { append: async (e) => void audit.push(e) },
    (n) => void notices.push(n),
    clock,
  );
});

/** The refusal's code and message; fails the test if the start was accepted. */
async function refusal(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DrillError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('the drill was started');
}

describe('starting a drill from the dashboard', () => {
  it('refuses a site that lacks the scenario’s sensors, with the reason, before anything runs', async () => {
    const r = await refusal(() => service.start({ scenario: 'canteen-gas-leak', siteId: 'lodging', run: true, speed: 1 }, 'mgr.chen'));
    expect(r.code).toBe('SCENARIO_UNFIT');
    expect(r.message).toBe('Canteen gas leak plays the sensors of site hq, not lodging: lodging has no CAN-GAS-01, CAN-GAS-02, zone gas-meter-room');
    // Nothing ran, nothing was recorded or announced: no drill to be graded 0 % later.
    expect(runner.started).toEqual([]);
    expect(store.rows.size).toBe(0);
    expect(audit).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('refuses its own site when the facility no longer has one of the scenario’s sensors', async () => {
    const door = { ...DOOR, sensorIds: ['GH-1F-DR-EXIT', 'GH-1F-DR-GONE'] };
    const own = new DrillService(
      store,
      { scenario: () => door, list: () => [door] },
      { sensors: () => SENSORS },
      runner,
      { drillAlarms: async () => [], endDrill: async () => {}, triggerTime: () => Promise.resolve(null) },
      { append: async () => {} },
      () => {},
      clock,
    );
    const r = await refusal(() => own.start({ scenario: 'door-propped-open', siteId: 'lodging', run: true }, 'mgr.chen'));
    expect(r).toEqual({ code: 'SCENARIO_UNFIT', message: 'Fire exit propped open cannot run: lodging has no GH-1F-DR-GONE' });
    expect(runner.started).toEqual([]);
  });

  it('refuses a speed the scenario does not allow, and a site already running a drill', async () => {
    expect((await refusal(() => service.start({ scenario: 'door-propped-open', siteId: 'lodging', run: true, speed: 10 }, 'mgr.chen'))).code).toBe(
      'SPEED_NOT_ALLOWED',
    );
    runner.busy.set('hq', 'drill-earlier');
    expect(await refusal(() => service.start({ scenario: 'canteen-gas-leak', siteId: 'hq', run: true }, 'mgr.chen'))).toEqual({
      code: 'CONFLICT',
      message: 'drill drill-earlier is running at hq: end it first',
    });
    expect(runner.started).toEqual([]);
  });

  it('runs a fitting one, recording its title and speed', async () => {
    const drill = await service.start({ scenario: 'canteen-gas-leak', siteId: 'hq', run: true, speed: 10 }, 'mgr.chen');
    expect(drill).toMatchObject({ title: 'Canteen gas leak', speed: 10, state: 'running', expected: CANTEEN.expected });
    expect(runner.started.map((r) => r.speed)).toEqual([10]);
    expect(service.scenarioList().map((s) => [s.name, s.speeds])).toEqual([
      ['canteen-gas-leak', [1, 2, 5, 10]],
      ['door-propped-open', [1, 2]],
    ]);
  });

  // The runner (like SimulatorRunner) knows the site is busy only once it runs the drill, and the
  // store is awaited before that: two managers pressing Start at once must not both pass the check.
  it('two drills started at once at one site: one runs, the other is refused as the site is busy', async () => {
    runner.run = (drill, speed) => {
      runner.started.push({ drill, speed });
      runner.busy.set(drill.siteId, drill.id);
    };
    const body = { scenario: 'canteen-gas-leak', siteId: 'hq', run: true } as const;
    const [first, second] = await Promise.allSettled([service.start(body, 'mgr.chen'), service.start(body, 'mgr.wang')]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { siteId: 'hq', state: 'running' } });
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(runner.started).toHaveLength(1);
    expect(store.rows.size).toBe(1);
    expect(audit.filter((e) => e.action === 'drill.started')).toHaveLength(1);
    expect(notices).toHaveLength(1);
    // Once it has started, the site is the runner's to refuse; a failed start leaves it free.
    runner.busy.clear();
    await expect(service.start({ ...body, speed: 3 }, 'mgr.chen')).rejects.toMatchObject({ code: 'SPEED_NOT_ALLOWED' });
    await expect(service.start(body, 'mgr.chen')).resolves.toMatchObject({ state: 'running' });
  });

  it('a drill the CLI registers is recorded as given: the CLI ran its own checks', async () => {
    const drill = await service.start({ id: 'drill-cli-1', scenario: 'canteen-gas-leak', siteId: 'hq', run: false, speed: 10 }, 'mgr.chen');
    expect(drill).toMatchObject({ id: 'drill-cli-1', speed: 10 });
    expect(runner.started).toEqual([]);
  });
});

describe('ending a drill', () => {
  it('closes its alarms through the alarm side, naming who ended it', async () => {
    const drill = await service.start({ scenario: 'canteen-gas-leak', siteId: 'hq', run: true }, 'mgr.chen');
    await service.end(drill.id, 'mgr.wang');
    expect(ended).toEqual([[drill.id, 'mgr.wang']]);
    expect(runner.stopped).toEqual([drill.id]);
  });

  // Two servers (or the simulator finishing while a manager presses End) end it at once: the
  // store lets one of them end it, and only that one closes the alarms, audits and announces.
  it('ended twice at once: closed, audited and announced once', async () => {
    const drill = await service.start({ scenario: 'canteen-gas-leak', siteId: 'hq', run: true }, 'mgr.chen');
    const both = await Promise.all([service.end(drill.id, 'mgr.wang'), service.end(drill.id, 'system')]);
    expect(both.map((d) => d.state)).toEqual(['ended', 'ended']);
    expect(ended).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'drill.ended')).toHaveLength(1);
    expect(notices.filter((n) => n.state === 'ended')).toHaveLength(1);
  });

  it('the same drill registered twice at once is recorded, audited and announced once', async () => {
    const body = { id: 'drill-cli-2', scenario: 'canteen-gas-leak', siteId: 'hq', run: false } as const;
    const both = await Promise.all([service.start(body, 'mgr.chen'), service.start(body, 'mgr.chen')]);
    expect(both.map((d) => d.id)).toEqual(['drill-cli-2', 'drill-cli-2']);
    expect(audit.filter((e) => e.action === 'drill.started')).toHaveLength(1);
    expect(notices).toHaveLength(1);
    await expect(service.start({ ...body, siteId: 'lodging' }, 'mgr.chen')).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('the drill report', () => {
  /** A drill at ×10: CAN-GAS-01 due 10 s after the start, CAN-GAS-02 due 25 s after. */
  function startAtTen(): Promise<Drill> {
    return service.start({ scenario: 'canteen-gas-leak', siteId: 'hq', run: true, speed: 10 }, 'mgr.chen');
  }

  it('ended early: an expected alarm whose time had not come is "not played", not missed, and scores nothing', async () => {
    const drill = await startAtTen();
    const t0 = clock.now();
    clock.t = t0 + 15 * S; // the first is overdue, the second not yet due
    await service.end(drill.id, 'mgr.chen');
    const report = await service.report(drill.id);
    expect(report.items.map((i) => [i.expectation.sensorId, i.outcome, i.dueAt! - t0])).toEqual([
      ['CAN-GAS-01', 'missed', 10 * S],
      ['CAN-GAS-02', 'not_played', 25 * S],
    ]);
    expect(report.score).toMatchObject({ expected: 2, raised: 0, missed: 1, notPlayed: 1, pending: 0, percent: 0 });
  });

  it('a drill that ran its course scores every expectation (the old "7 missed" is right then)', async () => {
    const drill = await startAtTen();
    clock.t += 31 * S;
    await service.end(drill.id, 'system');
    const report = await service.report(drill.id);
    expect(report.items.map((i) => i.outcome)).toEqual(['missed', 'missed']);
    expect(report.score).toMatchObject({ missed: 2, notPlayed: 0, percent: 0 });
  });

  it('counts the drill alarms by signal class, and its water-flow and valve signals (sprinkler drills)', async () => {
    const drill = await startAtTen();
    const t0 = clock.now();
    alarms.push(
      makeAlarm({ id: 'w', drill: drill.id, sensorId: 'GH-1F-SPR-FLOW', condition: 'waterflow', class: 'alarm', priority: 'critical', raisedAt: t0 + S }),
      makeAlarm({ id: 's', drill: drill.id, sensorId: 'GH-1F-SMK-103', condition: 'smoke', class: 'alarm', priority: 'critical', raisedAt: t0 + 2 * S }),
      makeAlarm({
        id: 'v',
        drill: drill.id,
        sensorId: 'GH-1F-SPR-VALVE',
        condition: 'valve_closed',
        class: 'supervisory',
        priority: 'high',
        raisedAt: t0 + 3 * S,
      }),
      makeAlarm({
        id: 'v2',
        drill: drill.id,
        sensorId: 'CAN-SUP-VALVE',
        condition: 'valve_closed',
        class: 'supervisory',
        priority: 'high',
        raisedAt: t0 + 3 * S,
      }),
      makeAlarm({ id: 'p', drill: drill.id, sensorId: 'GH-FIRE-PUMP', condition: 'pump_power_fail', class: 'trouble', priority: 'high', raisedAt: t0 + 4 * S }),
    );
    const report = await service.report(drill.id);
    expect(report.signals).toEqual({ byClass: { alarm: 2, supervisory: 2, trouble: 1 }, waterflow: 1, valve: 2 });
  });

  it('while running: not yet due is "pending"; an acknowledgement whose target has not passed is pending, not "not acknowledged"', async () => {
    const drill = await startAtTen();
    const t0 = clock.now();
    // CAN-GAS-01 raised 5 s in, displayed 0.4 s after its observation, not acknowledged yet.
    alarms.push(makeAlarm({ id: 'a1', drill: drill.id, sensorId: 'CAN-GAS-01', priority: 'critical', raisedAt: t0 + 5 * S }));
    clock.t = t0 + 20 * S; // 15 s after the raise: inside the 60 s critical target
    let report = await service.report(drill.id);
    expect(report.items.map((i) => [i.outcome, i.ack])).toEqual([
      ['raised', 'pending'],
      [`pending`, null],
    ]);
    // Judged so far: raised and displayed in time; the acknowledgement and the second alarm are not judged yet.
    expect(report.score).toMatchObject({ raised: 1, missed: 0, pending: 1, acksJudged: 0, percent: 100 });

    clock.t = t0 + 66 * S; // past the target, and past the second alarm's time
    report = await service.report(drill.id);
    expect(report.items.map((i) => [i.outcome, i.ack])).toEqual([
      ['raised', 'not_acked'],
      ['missed', null],
    ]);
    expect(report.score).toMatchObject({ acksJudged: 1, missed: 1, percent: Math.round((2 / 6) * 100) });
  });

  it('an alarm the drill’s end closed is marked so, with no resolution time; its unjudged acknowledgement is "not played"', async () => {
    const drill = await startAtTen();
    const t0 = clock.now();
    const alarm = makeAlarm({ id: 'a1', drill: drill.id, sensorId: 'CAN-GAS-01', priority: 'critical', raisedAt: t0 + 5 * S });
    alarms.push(alarm);
    clock.t = t0 + 30 * S;
    await service.end(drill.id, 'mgr.chen');
    Object.assign(alarm, { state: 'cleared', closedAt: clock.now() + 3 });
    const [item] = (await service.report(drill.id)).items;
    expect(item).toMatchObject({ outcome: 'raised', ack: 'not_played', closedByDrillEnd: true, resolvedS: null });
  });
});

// The dashboard in 中文 names a drill by its scenario's `titleZh`: looked up in the scenario file
// when the drill is read, never stored (docs/contracts.md, drill scenarios).
describe('a drill’s Chinese title', () => {
  const ZH: CatalogScenario = { ...CANTEEN, titleZh: '食堂燃气泄漏', notes: [{ at: 0, text: 'A hose works loose', textZh: '软管松脱' }] };
  const withCatalog = (catalog: CatalogScenario[]) =>
    new DrillService(
      store,
      { scenario: (n) => catalog.find((s) => s.name === n) ?? null, list: () => catalog },
      { sensors: () => SENSORS },
      runner,
      { drillAlarms: async () => [], endDrill: async () => {}, triggerTime: (_id, _sensor, at) => Promise.resolve(at) },
      { append: async () => {} },
      () => {},
      clock,
    );

  it('comes with the drill started, listed, read and ended, and the scenario list carries the title and notes in Chinese', async () => {
    const s = withCatalog([ZH]);
    const d = await s.start({ scenario: ZH.name, siteId: 'hq', run: false }, 'ops');
    expect(d).toMatchObject({ title: 'Canteen gas leak', titleZh: '食堂燃气泄漏' });
    expect((await s.list()).map((x) => x.titleZh)).toEqual(['食堂燃气泄漏']);
    expect((await s.get(d.id)).titleZh).toBe('食堂燃气泄漏');
    expect((await s.end(d.id, 'ops')).titleZh).toBe('食堂燃气泄漏');
    expect(await store.get(d.id)).not.toHaveProperty('titleZh');
    expect(s.scenarioList()[0]).toMatchObject({ titleZh: '食堂燃气泄漏', notes: [{ text: 'A hose works loose', textZh: '软管松脱' }] });
  });

  it('is absent where the file has none, or when the scenario was renamed since the drill ran (English is shown)', async () => {
    const d = await withCatalog([CANTEEN]).start({ scenario: CANTEEN.name, siteId: 'hq', run: false }, 'ops');
    expect(d).not.toHaveProperty('titleZh');
    expect(withCatalog([CANTEEN]).scenarioList()[0]).not.toHaveProperty('titleZh');
    expect(await withCatalog([{ ...ZH, title: 'Kitchen gas leak' }]).get(d.id)).not.toHaveProperty('titleZh');
  });
});
