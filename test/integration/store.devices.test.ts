// Device credentials and ingest API keys on every store engine. The device table holds sensors'
// and gateways' MQTT credentials under one key (the MQTT username): one live credential per name,
// whichever node issues it. Also a SQLite database from before gateway credentials, upgraded.
import { describe, expect, it } from 'vitest';
import { SqlApiKeyStore, SqlDeviceStore } from '../../server/src/adapters/sql.devices.ts';
import { SqliteSql } from '../../server/src/adapters/sql.sqlite.ts';
import { deviceKindMigration } from '../../server/src/adapters/sqlite.devices.ts';
import { MIGRATIONS } from '../../server/src/adapters/sqlite.migrations.ts';
import type { ApiKeyRecord, DeviceRecord } from '../../server/src/services/device-credentials.ports.ts';
import { tempDatabases } from '../support/sqlite.temp.ts';
import { eachStore } from '../support/stores.ts';

const record = (kind: DeviceRecord['kind'], id: string, at = 1): DeviceRecord => ({
  kind,
  sensorId: id,
  passwordHash: `$7$1$${id}$x`,
  createdAt: at,
  createdBy: 'adam',
  revokedAt: null,
});

const key = (id: string, at: number, scope: ApiKeyRecord['scope']): ApiKeyRecord => ({
  id,
  name: `key ${id}`,
  secretHash: `hash-${id}`,
  scope,
  createdAt: at,
  createdBy: 'adam',
  lastUsedAt: null,
  revokedAt: null,
});

eachStore((open) => {
  describe('device and gateway credentials', () => {
    it('keeps the kind; one live credential per username whatever its kind; a revoked one is replaced, kind included', async () => {
      const sql = await open();
      const store = new SqlDeviceStore(sql);
      expect(await store.put(record('gateway', 'GH-Z2M'))).toBe(true);
      expect(await store.put(record('sensor', 'GH-Z2M', 2))).toBe(false);
      expect(await store.get('GH-Z2M')).toMatchObject({ kind: 'gateway', createdAt: 1 });
      expect(await store.revoke('GH-Z2M', 3)).toBe(true);
      expect(await store.revoke('GH-Z2M', 3)).toBe(false);
      expect(await store.put(record('sensor', 'GH-Z2M', 4))).toBe(true);
      expect(await store.get('GH-Z2M')).toMatchObject({ kind: 'sensor', createdAt: 4, revokedAt: null });
      await expect(sql.run("UPDATE mqtt_devices SET kind = 'printer'")).rejects.toThrow(/check/i);
    });

    it('issued at once from two places, one credential wins and the other is refused', async () => {
      const store = new SqlDeviceStore(await open());
      const results = await Promise.all([store.put(record('sensor', 'KIT-GAS-01', 1)), store.put(record('gateway', 'KIT-GAS-01', 2))]);
      expect(results.sort()).toEqual([false, true]);
      expect((await store.list()).map((d) => d.sensorId)).toEqual(['KIT-GAS-01']);
    });

    it('lists every credential, revoked ones included, by username', async () => {
      const store = new SqlDeviceStore(await open());
      for (const id of ['Z-1', 'A-2', 'M-3']) await store.put(record('sensor', id));
      await store.revoke('M-3', 5);
      expect((await store.list()).map((d) => [d.sensorId, d.revokedAt])).toEqual([
        ['A-2', null],
        ['M-3', 5],
        ['Z-1', null],
      ]);
      expect(await store.get('nobody')).toBeUndefined();
    });

    it('a transaction that fails leaves nothing behind', async () => {
      const store = new SqlDeviceStore(await open());
      await expect(
        store.transaction(async () => {
          await store.put(record('sensor', 'KIT-GAS-01'));
          throw new Error('audit failed');
        }),
      ).rejects.toThrow('audit failed');
      expect(await store.get('KIT-GAS-01')).toBeUndefined();
    });
  });

  describe('ingest API keys', () => {
    it('keeps the scope, lists in creation order, revokes once, and marks use without going back in time', async () => {
      const store = new SqlApiKeyStore(await open());
      await store.insert(key('vk_b', 2, { sensors: ['KIT-GAS-01', 'KIT-CO-01'] }));
      await store.insert(key('vk_a', 2, { sites: ['hq'] }));
      await store.insert(key('vk_0', 1, { sites: ['hq', 'lodging'] }));
      expect((await store.list()).map((k) => k.id)).toEqual(['vk_0', 'vk_a', 'vk_b']);
      expect(await store.get('vk_b')).toEqual(key('vk_b', 2, { sensors: ['KIT-GAS-01', 'KIT-CO-01'] }));
      expect((await store.get('vk_a'))?.scope).toEqual({ sites: ['hq'] });
      await store.markUsed('vk_a', 50);
      await store.markUsed('vk_a', 40); // another node's older mark
      expect((await store.get('vk_a'))?.lastUsedAt).toBe(50);
      expect(await store.revoke('vk_a', 60)).toBe(true);
      expect(await store.revoke('vk_a', 70)).toBe(false);
      expect((await store.get('vk_a'))?.revokedAt).toBe(60);
      expect(await store.revoke('vk_none', 70)).toBe(false);
    });

    it('refuses a second key with the same id', async () => {
      const store = new SqlApiKeyStore(await open());
      await store.insert(key('vk_a', 1, { sites: ['hq'] }));
      await expect(store.insert(key('vk_a', 2, { sites: ['hq'] }))).rejects.toThrow();
      expect((await store.get('vk_a'))?.createdAt).toBe(1);
    });
  });
});

describe('SQLite upgrade', () => {
  const openFile = tempDatabases('vigil-devices-');

  it('credentials issued before gateway credentials existed are sensors’ devices after the upgrade', async () => {
    const old = openFile(MIGRATIONS.slice(0, MIGRATIONS.indexOf(deviceKindMigration)));
    old.db.prepare("INSERT INTO mqtt_devices (sensor_id, password_hash, created_at, created_by) VALUES ('KIT-GAS-01', '$7$1$a$b', 1, 'adam')").run();
    old.db.close();
    const store = new SqlDeviceStore(new SqliteSql(openFile(MIGRATIONS, old.dir).db));
    expect(await store.get('KIT-GAS-01')).toMatchObject({ kind: 'sensor', sensorId: 'KIT-GAS-01', revokedAt: null });
  });
});
