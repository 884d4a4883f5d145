/**
 * Camera stills kept with their alarms: the JPEG in a file under DATA_DIR/camera-snapshots (one
 * directory per alarm), its row — and its SHA-256, which the audit chain also holds — over
 * {@link Sql} (SQLite or PostgreSQL). The file is written before the row, so a row never names a
 * missing file except after pruning, which removes the row first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NewSnapshot, SnapshotStore, StoredSnapshot } from '../services/camera.ports.ts';
import type { Sql } from './sql.ts';

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

export class SqlCameraSnapshots implements SnapshotStore {
  private readonly dir: string;

  constructor(
    private readonly sql: Sql,
    dataDir: string,
  ) {
    this.dir = path.join(dataDir, 'camera-snapshots');
  }

  async add(s: NewSnapshot): Promise<string> {
    const id = `snap_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
    let file: string | null = null;
    if (s.image !== null) {
      file = path.join(safe(s.alarmId), `${safe(s.cameraId)}-${s.shot}-${id}.jpg`);
      // Synchronous, as pruning's removal of an emptied directory is: neither runs between the other's steps.
      fs.mkdirSync(path.join(this.dir, safe(s.alarmId)), { recursive: true });
      fs.writeFileSync(path.join(this.dir, file), s.image, { flag: 'wx' });
    }
    await this.sql.run('INSERT INTO camera_snapshot (id, alarm_id, camera_id, shot, taken_at, file, bytes, sha256, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      id,
      s.alarmId,
      s.cameraId,
      s.shot,
      s.takenAt,
      file,
      s.image?.length ?? null,
      s.sha256,
      s.error,
    ]);
    return id;
  }

  async list(alarmId: string): Promise<StoredSnapshot[]> {
    const rows = await this.sql.all<Row>('SELECT * FROM camera_snapshot WHERE alarm_id = ? ORDER BY taken_at, shot, camera_id, id', [alarmId]);
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

  async imagePath(id: string): Promise<string | undefined> {
    const row = await this.sql.get<Pick<Row, 'file'>>('SELECT file FROM camera_snapshot WHERE id = ?', [id]);
    return row?.file ? path.join(this.dir, row.file) : undefined;
  }

  async prune(before: number): Promise<number> {
    // The rows this call deleted, and only those: a second pruner at the same time counts none twice.
    const rows = await this.sql.all<Pick<Row, 'id' | 'file'>>('DELETE FROM camera_snapshot WHERE taken_at < ? RETURNING id, file', [before]);
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
