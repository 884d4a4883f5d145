// The device table holds sensors' and gateways' MQTT credentials under one key (the MQTT username):
// real SQLite files here, including a database from before gateway credentials.
import { describe, expect, it } from 'vitest';
import { tempDatabases } from '../../../test/support/sqlite.temp.ts';
import type { DeviceRecord } from '../services/device-credentials.ports.ts';
import { deviceKindMigration, SqliteDeviceStore } from './sqlite.devices.ts';
import { MIGRATIONS } from './sqlite.migrations.ts';

const open = tempDatabases('vigil-devices-');

const record = (kind: DeviceRecord['kind'], id: string, at = 1): DeviceRecord => ({
  kind,
  sensorId: id,
  passwordHash: `$7$1$${id}$x`,
  createdAt: at,
  createdBy: 'adam',
  revokedAt: null,
});

describe('device and gateway credentials in SQLite', () => {
  it('credentials issued before gateway credentials existed are sensors’ devices after the upgrade', () => {
    const old = open(MIGRATIONS.slice(0, MIGRATIONS.indexOf(deviceKindMigration)));
    old.db.prepare("INSERT INTO mqtt_devices (sensor_id, password_hash, created_at, created_by) VALUES ('KIT-GAS-01', '$7$1$a$b', 1, 'adam')").run();
    old.db.close();
    const store = new SqliteDeviceStore(open(MIGRATIONS, old.dir).db);
    expect(store.get('KIT-GAS-01')).toMatchObject({ kind: 'sensor', sensorId: 'KIT-GAS-01', revokedAt: null });
  });

  it('keeps the kind; one live credential per username whatever its kind; a revoked one is replaced, kind included', () => {
    const { db } = open();
    const store = new SqliteDeviceStore(db);
    expect(store.put(record('gateway', 'GH-Z2M'))).toBe(true);
    expect(store.put(record('sensor', 'GH-Z2M', 2))).toBe(false);
    expect(store.get('GH-Z2M')).toMatchObject({ kind: 'gateway', createdAt: 1 });
    expect(store.revoke('GH-Z2M', 3)).toBe(true);
    expect(store.put(record('sensor', 'GH-Z2M', 4))).toBe(true);
    expect(store.get('GH-Z2M')).toMatchObject({ kind: 'sensor', createdAt: 4, revokedAt: null });
    expect(() => db.prepare("UPDATE mqtt_devices SET kind = 'printer'").run()).toThrow(/CHECK/);
  });
});
