/**
 * Camera stills kept with their alarms: the JPEG in a file under DATA_DIR/camera-snapshots (one
 * directory per alarm), its row — and its SHA-256, which the audit chain also holds — in SQLite.
 * The file is written before the row, so a row never names a missing file except after pruning,
 * which removes the row first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NewSnapshot, SnapshotStore } from '../services/camera.ports.ts';
import type { SqliteDatabase } from './sqlite.database.ts';

export const cameraSnapshotsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE camera_snapshot (
      id TEXT PRIMARY KEY, alarm_id TEXT NOT NULL, camera_id TEXT NOT NULL, shot INTEGER NOT NULL,
      taken_at INTEGER NOT NULL, file TEXT, bytes INTEGER, sha256 TEXT, error TEXT
    );
    CREATE INDEX camera_snapshot_alarm ON camera_snapshot (alarm_id, taken_at);
    CREATE INDEX camera_snapshot_taken ON camera_snapshot (taken_at);
  `);
};

interface Row {
  id: string;
  alarm_id: string;
  camera_id: string;
  shot: number;
  taken_at: number;
  file: string | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
}

/** Ids become file and directory names: only these characters ever reach the file system. */
const safe = (id: string): string => id.replace(/[^A-Za-z0-9_.-]/g, '_');

export class SqliteCameraSnapshots implements SnapshotStore {
  private readonly dir: string;

  constructor(
    private readonly db: SqliteDatabase,
    dataDir: string,
  ) {
    this.dir = path.join(dataDir, 'camera-snapshots');
  }

  add(s: NewSnapshot): string {
    const id = `snap_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
    let file: string | null = null;
    if (s.image !== null) {
      file = path.join(safe(s.alarmId), `${safe(s.cameraId)}-${s.shot}-${id}.jpg`);
      fs.mkdirSync(path.join(this.dir, safe(s.alarmId)), { recursive: true });
      fs.writeFileSync(path.join(this.dir, file), s.image, { flag: 'wx' });
    }
    this.db
      .prepare('INSERT INTO camera_snapshot (id, alarm_id, camera_id, shot, taken_at, file, bytes, sha256, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, s.alarmId, s.cameraId, s.shot, s.takenAt, file, s.image?.length ?? null, s.sha256, s.error);
    return id;
  }

  list(alarmId: string): ReturnType<SnapshotStore['list']> {
    const rows = this.db.prepare('SELECT * FROM camera_snapshot WHERE alarm_id = ? ORDER BY taken_at, shot, camera_id').all(alarmId) as Row[];
    return rows.map((r) => ({
      id: r.id,
      alarmId: r.alarm_id,
      cameraId: r.camera_id,
      shot: r.shot,
      takenAt: r.taken_at,
      bytes: r.bytes,
      sha256: r.sha256,
      url: r.file === null ? null : `/api/camera-snapshots/${encodeURIComponent(r.id)}`,
      error: r.error,
    }));
  }

  imagePath(id: string): string | undefined {
    const row = this.db.prepare('SELECT file FROM camera_snapshot WHERE id = ?').get(id) as Pick<Row, 'file'> | undefined;
    return row?.file ? path.join(this.dir, row.file) : undefined;
  }

  prune(before: number): number {
    const rows = this.db.prepare('SELECT id, file FROM camera_snapshot WHERE taken_at < ?').all(before) as Pick<Row, 'id' | 'file'>[];
    if (rows.length === 0) return 0;
    this.db.prepare('DELETE FROM camera_snapshot WHERE taken_at < ?').run(before);
    for (const r of rows) {
      if (r.file === null) continue;
      const file = path.join(this.dir, r.file);
      fs.rmSync(file, { force: true });
      // The alarm's directory goes with its last still.
      const parent = path.dirname(file);
      if (fs.existsSync(parent) && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
    }
    return rows.length;
  }
}
