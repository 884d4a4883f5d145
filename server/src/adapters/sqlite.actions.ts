/** The SQLite schema of corrective actions and their history (the store itself: sql.actions.ts). */
import type { SqliteDatabase } from './sqlite.database.ts';

/** Events are numbered across all actions: the number also keys an escalation's outbox messages. */
export const actionsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE corrective_action (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      finding TEXT NOT NULL, action TEXT NOT NULL, cause_category TEXT,
      site TEXT NOT NULL, zone TEXT, sensor TEXT, alarm_id TEXT,
      severity TEXT NOT NULL, owner TEXT NOT NULL, due_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'fixed', 'verified')),
      created_by TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      closed_at INTEGER, fixed_by TEXT, escalation_level INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX corrective_action_status ON corrective_action (status, due_at);
    CREATE TABLE corrective_action_event (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      action_id INTEGER NOT NULL REFERENCES corrective_action (id),
      at INTEGER NOT NULL, by TEXT NOT NULL, kind TEXT NOT NULL, note TEXT,
      level INTEGER, to_step TEXT, changes TEXT
    );
    CREATE INDEX corrective_action_event_action ON corrective_action_event (action_id, seq);
    CREATE INDEX corrective_action_event_at ON corrective_action_event (kind, at);
  `);
};

/** Photos: the metadata here, the bytes in files under DATA_DIR (attachment.files.ts). */
export const actionAttachmentsMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE corrective_action_attachment (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      action_id INTEGER NOT NULL REFERENCES corrective_action (id),
      name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
      file TEXT NOT NULL, at INTEGER NOT NULL, by TEXT NOT NULL
    );
    CREATE INDEX corrective_action_attachment_action ON corrective_action_attachment (action_id, id);
  `);
};
