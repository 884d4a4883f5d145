// Camera stills on disk and in SQLite: each image in a file beside the database with its row;
// pruning removes rows and files older than the limit (and an alarm's emptied directory), never
// a newer one.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import { SqliteCameraSnapshots } from './sqlite.camera-snapshots.ts';

const open = tempDatabases('vigil-camera-stills-');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const still = (alarmId: string, takenAt: number, image: Buffer | null = JPEG) => ({
  alarmId,
  cameraId: 'CAM/../1',
  shot: 1,
  takenAt,
  image,
  sha256: image ? 'h' : null,
  error: image ? null : 'no answer',
});

describe('SqliteCameraSnapshots', () => {
  it('keeps the image in a file under DATA_DIR/camera-snapshots, named from sanitised ids', () => {
    const { db, dir } = open();
    const store = new SqliteCameraSnapshots(db, dir);
    const id = store.add(still('al_1', 1000));
    const file = store.imagePath(id)!;
    expect(path.relative(path.join(dir, 'camera-snapshots'), file)).toMatch(/^al_1\/CAM_\.\._1-1-snap_[a-z0-9_]+\.jpg$/);
    expect(fs.readFileSync(file).equals(JPEG)).toBe(true);
    expect(store.list('al_1')).toEqual([
      { id, alarmId: 'al_1', cameraId: 'CAM/../1', shot: 1, takenAt: 1000, bytes: JPEG.length, sha256: 'h', url: `/api/camera-snapshots/${id}`, error: null },
    ]);
    const failed = store.add(still('al_1', 2000, null));
    expect(store.imagePath(failed)).toBeUndefined();
    expect(store.list('al_1')[1]).toMatchObject({ url: null, bytes: null, error: 'no answer' });
  });

  it('prunes rows and files taken before the limit, and the directory of an alarm left without stills', () => {
    const { db, dir } = open();
    const store = new SqliteCameraSnapshots(db, dir);
    const old = store.add(still('al_old', 1000));
    const oldFile = store.imagePath(old)!;
    store.add(still('al_old', 1500, null));
    const kept = store.add(still('al_new', 5000));
    expect(store.prune(2000)).toBe(2);
    expect(fs.existsSync(oldFile)).toBe(false);
    expect(fs.existsSync(path.dirname(oldFile))).toBe(false);
    expect(store.list('al_old')).toEqual([]);
    expect(fs.existsSync(store.imagePath(kept)!)).toBe(true);
    expect(store.prune(2000)).toBe(0);
  });
});
