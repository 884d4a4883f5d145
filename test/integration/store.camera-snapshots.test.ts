// Camera stills on every store engine: each image in a file beside the database with its row;
// an alarm's stills in time order; pruning removes rows and files older than the limit (and an
// alarm's emptied directory), never a newer one, and two pruners at once count each still once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SqlCameraSnapshots } from '../../server/src/adapters/sql.camera-snapshots.ts';
import { eachStore } from '../support/stores.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const still = (alarmId: string, takenAt: number, image: Buffer | null = JPEG, cameraId = 'CAM/../1', shot = 1) => ({
  alarmId,
  cameraId,
  shot,
  takenAt,
  image,
  sha256: image ? 'h' : null,
  error: image ? null : 'no answer',
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-camera-stills-'));
  dirs.push(dir);
  return dir;
}

eachStore((open, engine) => {
  it('keeps the image in a file under DATA_DIR/camera-snapshots, named from sanitised ids', async () => {
    const dir = dataDir();
    const store = new SqlCameraSnapshots(await open(), dir);
    const id = await store.add(still('al_1', 1000));
    const file = (await store.imagePath(id))!;
    expect(path.relative(path.join(dir, 'camera-snapshots'), file)).toMatch(/^al_1\/CAM_\.\._1-1-snap_[a-z0-9_]+\.jpg$/);
    expect(fs.readFileSync(file).equals(JPEG)).toBe(true);
    expect(await store.list('al_1')).toEqual([
      { id, alarmId: 'al_1', cameraId: 'CAM/../1', shot: 1, takenAt: 1000, bytes: JPEG.length, sha256: 'h', url: `/api/camera-snapshots/${id}`, error: null },
    ]);
    const failed = await store.add(still('al_1', 2000, null));
    expect(await store.imagePath(failed)).toBeUndefined();
    expect(await store.imagePath('snap_unknown')).toBeUndefined();
    expect((await store.list('al_1'))[1]).toMatchObject({ url: null, bytes: null, error: 'no answer' });
  });

  it('lists an alarm’s stills by time, then shot, then camera', async () => {
    const store = new SqlCameraSnapshots(await open(), dataDir());
    await store.add(still('al_1', 5000, JPEG, 'CAM-B', 2));
    await store.add(still('al_1', 1000, JPEG, 'CAM-B', 1));
    await store.add(still('al_1', 1000, null, 'CAM-A', 1));
    await store.add(still('al_2', 500, JPEG, 'CAM-A', 1));
    await store.add(still('al_1', 5000, JPEG, 'CAM-A', 2));
    expect((await store.list('al_1')).map((s) => [s.takenAt, s.shot, s.cameraId])).toEqual([
      [1000, 1, 'CAM-A'],
      [1000, 1, 'CAM-B'],
      [5000, 2, 'CAM-A'],
      [5000, 2, 'CAM-B'],
    ]);
  });

  it('prunes rows and files taken before the limit, and the directory of an alarm left without stills', async () => {
    const store = new SqlCameraSnapshots(await open(), dataDir());
    const old = await store.add(still('al_old', 1000));
    const oldFile = (await store.imagePath(old))!;
    await store.add(still('al_old', 1500, null));
    const kept = await store.add(still('al_new', 5000));
    expect(await store.prune(2000)).toBe(2);
    expect(fs.existsSync(oldFile)).toBe(false);
    expect(fs.existsSync(path.dirname(oldFile))).toBe(false);
    expect(await store.list('al_old')).toEqual([]);
    expect(fs.existsSync((await store.imagePath(kept))!)).toBe(true);
    expect(await store.prune(2000)).toBe(0);
  });

  // Two servers prune on the same hour: the audit trail must not record the same stills twice.
  it('two pruners at once count each still once', async () => {
    const dir = dataDir();
    const one = new SqlCameraSnapshots(await open(), dir);
    const two = engine === 'postgres' ? new SqlCameraSnapshots(await open.again(), dir) : one;
    for (let i = 0; i < 5; i++) await one.add(still(`al_${i}`, 1000 + i, i % 2 === 0 ? JPEG : null));
    const counts = await Promise.all([one.prune(2000), two.prune(2000)]);
    expect(counts[0]! + counts[1]!).toBe(5);
  });
});
