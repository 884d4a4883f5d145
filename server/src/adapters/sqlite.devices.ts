/** The SQLite schema of device credentials' kinds (the adapter: sql.devices.ts; the tables: `authMigration`, sqlite.users.ts). */
import type { SqliteDatabase } from './sqlite.database.ts';

/**
 * Gateway credentials share the device table: its key is the MQTT username, and a sensor and a
 * gateway can never hold the same one. Rows from before this are sensors' devices.
 */
export const deviceKindMigration = (db: SqliteDatabase): void => {
  db.exec(`ALTER TABLE mqtt_devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'sensor' CHECK (kind IN ('sensor', 'gateway'))`);
};
