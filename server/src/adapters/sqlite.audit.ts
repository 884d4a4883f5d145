/** The audit trail's table in SQLite: append-only, triggers refuse UPDATE and DELETE (the trail itself: sql.audit.ts). */
import type { SqliteDatabase } from './sqlite.database.ts';

export const auditMigration = (db: SqliteDatabase): void => {
  db.exec(`
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      detail TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_at ON audit (at);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `);
};
