// The camera service on fake time (docs/architecture.md#camera-verification): which alarms get
// stills and when, what the audit chain records, the probe that raises and clears camera_offline,
// and retention (stills older than CAMERA_RETENTION_DAYS are deleted, rows and files).
import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent, Camera } from '../../../contract/index.ts';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import type { AuditInput } from './audit.port.ts';
import { CameraError, type CameraPort, type NewSnapshot, type SnapshotStore, type StoredSnapshot } from './camera.ports.ts';
import { CameraService, DEFAULT_CAMERA_SETTINGS, type CameraSettings } from './camera.service.ts';

/** Stills in memory, as the store keeps them (its own contract test: test/integration/store.camera-snapshots.test.ts). */
class MemoryStills implements SnapshotStore {
  readonly rows: (NewSnapshot & { id: string })[] = [];
  prunedBefore: number[] = [];
  async add(s: NewSnapshot): Promise<string> {
    const id = `snap_${this.rows.length + 1}`;
    this.rows.push({ ...s, id });
    return id;
  }
  async list(alarmId: string): Promise<StoredSnapshot[]> {
    return this.rows
      .filter((r) => r.alarmId === alarmId)
      .sort((a, b) => a.takenAt - b.takenAt || a.shot - b.shot || a.cameraId.localeCompare(b.cameraId))
      .map((r) => ({
        id: r.id,
        alarmId: r.alarmId,
        cameraId: r.cameraId,
        shot: r.shot,
        takenAt: r.takenAt,
        bytes: r.image?.length ?? null,
        sha256: r.sha256,
        url: r.image ? `/api/camera-snapshots/${r.id}` : null,
        error: r.error,
      }));
  }
  async imagePath(): Promise<string | undefined> {
    return undefined;
  }
  async prune(before: number): Promise<number> {
    this.prunedBefore.push(before);
    const old = this.rows.filter((r) => r.takenAt < before);
    for (const r of old) this.rows.splice(this.rows.indexOf(r), 1);
    return old.length;
  }
}
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const camera = (id: string, more: Partial<Camera> = {}): Camera => ({
  id,
  name: id,
  siteId: 'hq',
  zoneId: 'z',
  doorIds: [],
  stream: false,
  simulated: false,
  ...more,
});

function setup(cameras: Camera[], settings: Partial<CameraSettings> = {}) {
  const scheduler = new FakeScheduler();
  const store = new MemoryStills();
  const audit: AuditInput[] = [];
  const status: [string, boolean, string | null][] = [];
  const down = new Set<string>();
  const fetched: [string, number][] = [];
  const port: CameraPort = {
    snapshot: async (id) => {
      fetched.push([id, scheduler.now()]);
      if (down.has(id)) throw new CameraError('no answer within 5 s');
      return JPEG;
    },
    stream: () => Promise.reject(new CameraError('none')),
  };
  const registry = {
    camera: (id: string) => cameras.find((c) => c.id === id),
    cameras: () => cameras,
    camerasFor: (a: Pick<Alarm, 'zoneId' | 'sensorId' | 'siteId'>) => cameras.filter((c) => c.zoneId === a.zoneId || c.doorIds.includes(a.sensorId)),
  };
  const service = new CameraService({
    registry,
    cameras: port,
    store,
    audit: { append: async (e) => void audit.push(e) },
    cameraStatus: async (id, answered, detail) => void status.push([id, answered, detail]),
    scheduler,
    settings: { ...DEFAULT_CAMERA_SETTINGS, ...settings },
  });
  return { scheduler, store, audit, status, down, fetched, service };
}

const raised = (condition: Alarm['condition'], more: Partial<Alarm> = {}): AlarmEvent =>
  ({
    subject: 'alarm',
    kind: 'raised',
    alarmId: 'al_1',
    alarm: { id: 'al_1', siteId: 'hq', zoneId: 'z', sensorId: 'D1', condition, drill: null, ...more } as Alarm,
  }) as AlarmEvent;

describe('stills with an alarm', () => {
  it('takes one at once and one secondShotS later from each camera watching the alarm, and records each hash in the audit trail', async () => {
    const t = setup([camera('CAM-Z'), camera('CAM-DOOR', { zoneId: 'elsewhere', doorIds: ['D1'] }), camera('CAM-OTHER', { zoneId: 'other' })], {
      probeIntervalS: 3600,
    });
    t.service.start();
    await t.scheduler.advance(0);
    t.fetched.length = 0;
    const t0 = t.scheduler.now();
    t.service.onAlarmEvent(raised('door_forced'));
    await t.scheduler.advance(4_999);
    expect(t.fetched).toEqual([
      ['CAM-Z', t0],
      ['CAM-DOOR', t0],
    ]);
    await t.scheduler.advance(1);
    expect(t.fetched.slice(2)).toEqual([
      ['CAM-Z', t0 + 5000],
      ['CAM-DOOR', t0 + 5000],
    ]);
    const stills = await t.store.list('al_1');
    expect(stills.map((s) => [s.cameraId, s.shot])).toEqual([
      ['CAM-DOOR', 1],
      ['CAM-Z', 1],
      ['CAM-DOOR', 2],
      ['CAM-Z', 2],
    ]);
    expect(stills.every((s) => /^[0-9a-f]{64}$/.test(s.sha256 ?? '') && s.bytes === JPEG.length && s.url !== null)).toBe(true);
    const entries = t.audit.filter((e) => e.action === 'camera.snapshot');
    expect(entries.map((e) => [e.target, (e.detail as { sha256: string }).sha256])).toEqual(stills.map((s) => ['alarm:al_1', s.sha256]));
    await t.service.stop();
  });

  it('keeps a camera that gave nothing as a failed still with the reason, and reports it as not answering', async () => {
    const t = setup([camera('CAM-Z')], { probeIntervalS: 3600 });
    t.service.start();
    await t.scheduler.advance(0);
    t.down.add('CAM-Z');
    t.service.onAlarmEvent(raised('smoke'));
    // The one retry of the retry policy comes half a second later.
    await t.scheduler.advance(500);
    expect(await t.store.list('al_1')).toEqual([expect.objectContaining({ shot: 1, url: null, sha256: null, error: 'no answer within 5 s' })]);
    expect(t.audit.at(-1)).toMatchObject({ action: 'camera.snapshot_failed', target: 'alarm:al_1' });
    expect(t.status.at(-1)).toEqual(['CAM-Z', false, 'no answer within 5 s']);
    await t.service.stop();
  });

  it('takes none for a drill, a condition a camera cannot confirm, or a simulated camera while simulated cameras are off', async () => {
    const t = setup([camera('CAM-SIM', { simulated: true })], { simulated: false });
    t.service.start();
    t.service.onAlarmEvent(raised('door_forced'));
    const real = setup([camera('CAM-Z')], { probeIntervalS: 3600 });
    real.service.start();
    await real.scheduler.advance(0);
    real.fetched.length = 0;
    real.service.onAlarmEvent(raised('door_forced', { drill: 'drill-1' }));
    real.service.onAlarmEvent(raised('battery_low'));
    await Promise.all([t.scheduler.advance(10_000), real.scheduler.advance(10_000)]);
    expect(t.fetched).toEqual([]);
    expect(real.fetched).toEqual([]);
    await Promise.all([t.service.stop(), real.service.stop()]);
  });
});

describe('self-supervision', () => {
  it('probes every camera every probeIntervalS: one that does not answer is reported, then reported back when it answers', async () => {
    const t = setup([camera('CAM-Z')], { probeIntervalS: 30 });
    t.service.start();
    await t.scheduler.advance(0);
    expect(t.status).toEqual([['CAM-Z', true, null]]);
    t.down.add('CAM-Z');
    await t.scheduler.advance(30_500);
    expect(t.status.at(-1)).toEqual(['CAM-Z', false, 'no answer within 5 s']);
    t.down.delete('CAM-Z');
    await t.scheduler.advance(30_000);
    expect(t.status.at(-1)).toEqual(['CAM-Z', true, null]);
    await t.service.stop();
  });
});

describe('retention', () => {
  it('asks the store to delete stills older than retentionDays, and records how many in the audit trail', async () => {
    const t = setup([camera('CAM-Z')], { retentionDays: 30 });
    const day = 86_400_000;
    await t.store.add({ alarmId: 'al_old', cameraId: 'CAM-Z', shot: 1, takenAt: t.scheduler.now() - 31 * day, image: JPEG, sha256: 'a', error: null });
    await t.store.add({ alarmId: 'al_new', cameraId: 'CAM-Z', shot: 1, takenAt: t.scheduler.now() - 29 * day, image: JPEG, sha256: 'b', error: null });
    expect(await t.service.prune()).toBe(1);
    expect(t.store.prunedBefore).toEqual([t.scheduler.now() - 30 * day]);
    expect(t.store.rows.map((r) => r.alarmId)).toEqual(['al_new']);
    expect(t.audit).toEqual([expect.objectContaining({ action: 'camera.pruned', detail: { count: 1, before: t.scheduler.now() - 30 * day } })]);
    // Nothing pruned, nothing recorded.
    expect(await t.service.prune()).toBe(0);
    expect(t.audit).toHaveLength(1);
  });
});
