/** The SQLite schema of camera stills; the store is sql.camera-snapshots.ts. */
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
