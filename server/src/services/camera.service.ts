/**
 * Camera verification: when an alarm a camera can confirm is raised in its zone or at its door
 * (contract/camera.ts CAMERA_VERIFIED_CONDITIONS), a still is fetched at once and another
 * `secondShotS` later — the first shows what tripped the alarm, the second whether it is still
 * going on. Each still is kept with the alarm and its SHA-256 appended to the audit chain, so an
 * incident review can show the image was not altered afterwards. Stills older than
 * `retentionDays` are pruned (the audit entries, with their hashes, stay).
 *
 * Self-supervision: every camera is probed every `probeIntervalS`; one that does not answer
 * raises `camera_offline` trouble on itself, cleared when it answers again — a dead camera is
 * found before the alarm whose evidence it should have taken.
 *
 * Drill alarms take no stills: a drill tests people and procedures, and its evidence would only
 * crowd the real record.
 */
import { createHash } from 'node:crypto';
import { CAMERA_VERIFIED_CONDITIONS, SYSTEM_ACTOR, type Alarm, type AlarmEvent, type AlarmSnapshotsResponse, type Camera } from '../../../contract/index.ts';
import type { Registry } from '../domain/registry.ts';
import type { AuditLog } from './audit.port.ts';
import { CameraError, type CameraPort, type LiveStream, type SnapshotStore } from './camera.ports.ts';
import type { Scheduler, TimerHandle } from './clock.ts';
import { retry, type BackoffOptions } from './retry.ts';

export interface CameraSettings {
  /** The second still follows the first by this long. */
  secondShotS: number;
  /** Each camera is probed this often. */
  probeIntervalS: number;
  /** Stills are kept this long. */
  retentionDays: number;
  /** False: cameras marked `simulated` are left alone (a stack that runs no test-pattern camera). */
  simulated: boolean;
}

export const DEFAULT_CAMERA_SETTINGS: CameraSettings = { secondShotS: 5, probeIntervalS: 30, retentionDays: 90, simulated: true };

/** Stills per camera for one raise: at once, and `secondShotS` later. */
export const SHOTS_PER_CAMERA = 2;

/** Pruning runs this often (and at start). */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * A camera that misses one request (a dropped packet, a busy NVR) gets one more try soon after;
 * the evidence shot cannot wait longer and still show the moment.
 */
const SNAPSHOT_RETRY: { maxAttempts: number; backoff: BackoffOptions } = { maxAttempts: 2, backoff: { initialMs: 500, maxMs: 500 } };

export interface CameraServiceDeps {
  registry: Pick<Registry, 'camera' | 'cameras' | 'camerasFor'>;
  cameras: CameraPort;
  store: SnapshotStore;
  audit: AuditLog;
  /** Raises or clears `camera_offline` (AlarmService.cameraStatus). */
  cameraStatus(cameraId: string, answered: boolean, detail: string | null): Promise<void>;
  scheduler: Scheduler;
  settings: CameraSettings;
  onError?(err: unknown, what: string): void;
}

export class CameraService {
  private readonly timers = new Set<TimerHandle>();
  private readonly probing = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private running = false;

  constructor(private readonly deps: CameraServiceDeps) {}

  /** Every committed alarm event (the alarm service's live fan-out). */
  onAlarmEvent(e: AlarmEvent): void {
    if (e.subject !== 'alarm' || (e.kind !== 'raised' && e.kind !== 'reactivated')) return;
    const alarm = e.alarm;
    if (alarm.drill !== null || !CAMERA_VERIFIED_CONDITIONS.includes(alarm.condition)) return;
    for (const camera of this.deps.registry.camerasFor(alarm).filter((c) => this.active(c))) {
      this.track(this.take(alarm.id, camera.id, 1));
      this.after(this.deps.settings.secondShotS * 1000, () => this.track(this.take(alarm.id, camera.id, 2)));
    }
  }

  /** An alarm's stills and the cameras that watch it. */
  async forAlarm(alarm: Alarm): Promise<AlarmSnapshotsResponse> {
    const snapshots = (await this.deps.store.list(alarm.id)).map((s) => {
      const camera = this.deps.registry.camera(s.cameraId);
      return {
        ...s,
        cameraName: camera?.name ?? s.cameraId,
        ...(camera?.nameZh !== undefined && { cameraNameZh: camera.nameZh }),
        simulated: camera?.simulated ?? false,
      };
    });
    return { snapshots, cameras: this.deps.registry.camerasFor(alarm), shotsPerCamera: SHOTS_PER_CAMERA };
  }

  camera(id: string): Camera | undefined {
    return this.deps.registry.camera(id);
  }

  imagePath(snapshotId: string): Promise<string | undefined> {
    return this.deps.store.imagePath(snapshotId);
  }

  /** A still now, for the live view of a camera without a stream (not kept). */
  still(cameraId: string): Promise<Buffer> {
    return this.deps.cameras.snapshot(cameraId);
  }

  live(cameraId: string, signal: AbortSignal): Promise<LiveStream> {
    return this.deps.cameras.stream(cameraId, signal);
  }

  /** Probes every camera now and every probeIntervalS; prunes now and hourly. */
  start(): void {
    this.running = true;
    const probeAll = (): void => {
      for (const camera of this.deps.registry.cameras().filter((c) => this.active(c))) this.track(this.probe(camera.id));
      this.after(this.deps.settings.probeIntervalS * 1000, probeAll);
    };
    const pruneLoop = (): void => {
      this.track(this.pruneReported());
      this.after(PRUNE_EVERY_MS, pruneLoop);
    };
    probeAll();
    pruneLoop();
  }

  /** Stops the timers and waits for stills being fetched, so none is written after the database closes. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) this.deps.scheduler.clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
  }

  /** Removes stills past retention; the audit trail records how many. */
  async prune(): Promise<number> {
    const before = this.deps.scheduler.now() - this.deps.settings.retentionDays * 86_400_000;
    const count = await this.deps.store.prune(before);
    if (count > 0) await this.deps.audit.append({ actor: SYSTEM_ACTOR, action: 'camera.pruned', target: 'camera-snapshots', detail: { count, before } });
    return count;
  }

  /** A scheduled prune: nothing waits for it, so a failure is reported (the next hour tries again). */
  private async pruneReported(): Promise<void> {
    try {
      await this.prune();
    } catch (err) {
      this.deps.onError?.(err, 'pruning camera stills past retention');
    }
  }

  /** One probe of one camera; a probe still running is not doubled. Never rejects: nothing awaits a probe. */
  async probe(cameraId: string): Promise<void> {
    if (this.probing.has(cameraId)) return;
    this.probing.add(cameraId);
    try {
      let detail: string | null = null;
      try {
        await this.fetch(cameraId);
      } catch (err) {
        detail = reason(err);
      }
      await this.deps.cameraStatus(cameraId, detail === null, detail);
    } catch (err) {
      this.deps.onError?.(err, `recording whether camera ${cameraId} answered`);
    } finally {
      this.probing.delete(cameraId);
    }
  }

  /** Fetches and keeps one still of an alarm. Never rejects: a failure is kept as such. */
  async take(alarmId: string, cameraId: string, shot: number): Promise<void> {
    try {
      let image: Buffer | null = null;
      let error: string | null = null;
      try {
        image = await this.fetch(cameraId);
      } catch (err) {
        error = reason(err);
      }
      const takenAt = this.deps.scheduler.now();
      const sha256 = image === null ? null : createHash('sha256').update(image).digest('hex');
      const id = await this.deps.store.add({ alarmId, cameraId, shot, takenAt, image, sha256, error });
      await this.deps.audit.append({
        actor: SYSTEM_ACTOR,
        action: image === null ? 'camera.snapshot_failed' : 'camera.snapshot',
        target: `alarm:${alarmId}`,
        at: takenAt,
        detail: image === null ? { camera: cameraId, shot, snapshot: id, error } : { camera: cameraId, shot, snapshot: id, sha256, bytes: image.length },
      });
      await this.deps.cameraStatus(cameraId, image !== null, error);
    } catch (err) {
      this.deps.onError?.(err, `keeping still ${shot} of camera ${cameraId} for alarm ${alarmId}`);
    }
  }

  private active(camera: Camera): boolean {
    return this.deps.settings.simulated || !camera.simulated;
  }

  private fetch(cameraId: string): Promise<Buffer> {
    return retry(() => this.deps.cameras.snapshot(cameraId), { timers: this.deps.scheduler, ...SNAPSHOT_RETRY });
  }

  private after(ms: number, fn: () => void): void {
    if (!this.running) return;
    const handle = this.deps.scheduler.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

function reason(err: unknown): string {
  return err instanceof CameraError ? err.message : err instanceof Error ? err.message : String(err);
}
