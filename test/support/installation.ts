/**
 * Moves a stopped Vigil's installation time back, so that its safety report schedule catches up
 * runs of periods before the test started (it reports only on periods it watched).
 */
import { openDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';

export function installedSince(dataDir: string, at: number): void {
  const db = openDatabase(dataDir, MIGRATIONS);
  try {
    db.prepare('UPDATE installation SET installed_at = ?').run(at);
  } finally {
    db.close();
  }
}
