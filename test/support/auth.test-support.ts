/** Shared by the auth unit tests: a real SQLite store in a temp dir, a fake clock, a recorded audit trail. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../server/src/adapters/sqlite.database.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import { SqlApiKeyStore, SqlDeviceStore } from '../../server/src/adapters/sql.devices.ts';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import { SqlSessionStore, SqlUserStore } from '../../server/src/adapters/sql.users.ts';
import type { AuditInput, AuditLog } from '../../server/src/services/audit.port.ts';
import type { ScryptParams } from '../../server/src/services/auth.password.ts';

/** Cheap scrypt for tests (the real cost is tested once in auth.password.test.ts). */
export const TEST_SCRYPT: ScryptParams = { ln: 4, r: 8, p: 1 };

export class FakeTime {
  constructor(public t = Date.UTC(2026, 10, 27, 8, 0, 0)) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export class RecordedAudit implements AuditLog {
  readonly entries: AuditInput[] = [];
  async append(entry: AuditInput): Promise<void> {
    this.entries.push(entry);
  }
  actions(): string[] {
    return this.entries.map((e) => e.action);
  }
}

export interface TestStores {
  db: SqliteDatabase;
  users: SqlUserStore;
  sessions: SqlSessionStore;
  apiKeys: SqlApiKeyStore;
  devices: SqlDeviceStore;
  close(): void;
}

export function openTestStores(): TestStores {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-auth-unit-'));
  const db = openDatabase(dir, MIGRATIONS);
  const sql = new SqliteSql(db);
  return {
    db,
    users: new SqlUserStore(sql),
    sessions: new SqlSessionStore(sql),
    apiKeys: new SqlApiKeyStore(sql),
    devices: new SqlDeviceStore(sql),
    close: () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
