/**
 * Device and gateway MQTT credentials and HTTP ingest API keys (`admin.devices`): list, create
 * (the secret shown once), revoke. The ids offered come from the facility file; the server still
 * checks them.
 */
import { useState, type FormEvent } from 'react';
import type { ApiKeyView, DeviceView, GatewayCredentialView } from '../../../contract/devices.ts';
import type { Facility } from '../../../contract/facility.ts';
import {
  addDevice,
  addGatewayCredential,
  createApiKey,
  fetchApiKeys,
  fetchDevices,
  fetchGatewayCredentials,
  revokeApiKey,
  revokeDevice,
  revokeGatewayCredential,
} from '../api/admin.api.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { parseIdList, scopeOf, scopeText } from './admin.forms.ts';
import { AdminTable, LoadMessage, OutcomeLine, SecretOnce, Section, useChange, useList, type Load } from './admin.kit.tsx';

interface Secret {
  label: string;
  value: string;
}

export function CredentialsSection({ facility }: { facility: Facility }) {
  return (
    <>
      <DevicesPart facility={facility} />
      <GatewaysPart facility={facility} />
      <ApiKeysPart facility={facility} />
    </>
  );
}

function DevicesPart({ facility }: { facility: Facility }) {
  const { t } = useI18n();
  return (
    <MqttPart
      title={t('admin.devices')}
      intro={t('admin.devices.intro')}
      testId="admin-devices"
      fetcher={fetchDevices}
      idOf={(d: DeviceView) => d.sensorId}
      add={async (sensorId) => {
        const r = await addDevice(sensorId);
        return { id: r.device.sensorId, password: r.password };
      }}
      revoke={revokeDevice}
      addLabel={t('admin.device.sensorId')}
      addSubmit={t('admin.device.add')}
      options={facility.sensors.map((s) => s.id)}
      listId="admin-sensor-ids"
    />
  );
}

function GatewaysPart({ facility }: { facility: Facility }) {
  const { t } = useI18n();
  return (
    <MqttPart
      title={t('admin.gateways')}
      intro={t('admin.gateways.intro')}
      testId="admin-gateways"
      fetcher={fetchGatewayCredentials}
      idOf={(g: GatewayCredentialView) => g.gatewayId}
      add={async (gatewayId) => {
        const r = await addGatewayCredential(gatewayId);
        return { id: r.gateway.gatewayId, password: r.password };
      }}
      revoke={revokeGatewayCredential}
      addLabel={t('admin.gateway.gatewayId')}
      addSubmit={t('admin.gateway.add')}
      options={(facility.gateways ?? []).map((g) => g.id)}
      listId="admin-gateway-ids"
    />
  );
}

type MqttCredential = { publish: string[]; createdAt: number; createdBy: string; revokedAt: number | null };

/** One kind of MQTT credential (device or gateway): its list, revoke, and adding one by id with the password shown once. */
function MqttPart<T extends MqttCredential>(props: {
  title: string;
  intro: string;
  testId: string;
  fetcher: (signal: AbortSignal) => Promise<T[]>;
  idOf: (item: T) => string;
  add: (id: string) => Promise<{ id: string; password: string }>;
  revoke: (id: string) => Promise<unknown>;
  addLabel: string;
  addSubmit: string;
  options: string[];
  listId: string;
}) {
  const { t } = useI18n();
  const { fetcher, idOf, add, revoke } = props;
  const [items, reload] = useList(fetcher);
  const { outcome, run } = useChange(reload);
  const [secret, setSecret] = useState<Secret | null>(null);
  const handleAdd = (id: string): Promise<boolean> =>
    run(
      () => add(id),
      (r) => {
        setSecret({ label: t('admin.secret.password', { id: r.id }), value: r.password });
        return t('admin.created', { id: r.id });
      },
    );
  const handleRevoke = (item: T): void => {
    const id = idOf(item);
    if (!window.confirm(t('admin.confirm.revoke', { id }))) return;
    void run(
      () => revoke(id),
      () => t('admin.revoked', { id }),
    );
  };
  return (
    <Section title={props.title} intro={props.intro} testId={props.testId}>
      <OutcomeLine outcome={outcome} />
      {secret ? <SecretOnce label={secret.label} secret={secret.value} onDismiss={() => setSecret(null)} /> : null}
      <MqttTable load={items} idOf={idOf} onRevoke={handleRevoke} />
      <AddIdForm
        label={props.addLabel}
        submit={props.addSubmit}
        options={props.options}
        listId={props.listId}
        busy={outcome.kind === 'busy'}
        onAdd={handleAdd}
      />
    </Section>
  );
}

function MqttTable<T extends MqttCredential>({ load, idOf, onRevoke }: { load: Load<T>; idOf: (item: T) => string; onRevoke: (item: T) => void }) {
  const { fmt } = useI18n();
  if (load.kind !== 'ready' || load.value.length === 0) return <LoadMessage load={load} />;
  return (
    <AdminTable columns={['admin.col.id', 'admin.col.topics', 'admin.col.created', 'admin.col.state', 'admin.col.actions']}>
      {load.value.map((item) => (
        <tr key={idOf(item)} className={item.revokedAt === null ? undefined : 'admin-table__revoked'}>
          <th scope="row">{idOf(item)}</th>
          <td>
            <code className="admin-table__detail">{item.publish.join(' ')}</code>
          </td>
          <td className="log-table__time">
            {fmt.dateTime(item.createdAt)} <span className="drills__muted">{item.createdBy}</span>
          </td>
          <StateCells revokedAt={item.revokedAt} onRevoke={() => onRevoke(item)} />
        </tr>
      ))}
    </AdminTable>
  );
}

/** A credential's state (active, or when it was revoked) and, while active, its Revoke button. */
function StateCells({ revokedAt, onRevoke }: { revokedAt: number | null; onRevoke: () => void }) {
  const { t, fmt } = useI18n();
  return (
    <>
      <td>{revokedAt === null ? t('admin.active') : t('admin.revokedAt', { time: fmt.dateTime(revokedAt) })}</td>
      <td>
        {revokedAt === null ? (
          <button type="button" onClick={onRevoke}>
            {t('admin.revoke')}
          </button>
        ) : null}
      </td>
    </>
  );
}

function AddIdForm({
  label,
  submit,
  options,
  listId,
  busy,
  onAdd,
}: {
  label: string;
  submit: string;
  options: string[];
  listId: string;
  busy: boolean;
  onAdd: (id: string) => Promise<boolean>;
}) {
  const [id, setId] = useState('');
  const handleSubmit = (e: FormEvent): void => {
    e.preventDefault();
    void onAdd(id.trim()).then((ok) => {
      if (ok) setId('');
    });
  };
  return (
    <form className="log-filters" onSubmit={handleSubmit} aria-label={submit}>
      <label className="field">
        <span className="field__label">{label}</span>
        <input value={id} onChange={(e) => setId(e.target.value)} list={listId} required autoComplete="off" />
        <datalist id={listId}>
          {options.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      </label>
      <div className="log-filters__buttons">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {submit}
        </button>
      </div>
    </form>
  );
}

function ApiKeysPart({ facility }: { facility: Facility }) {
  const { t, fmt } = useI18n();
  const [keys, reload] = useList(fetchApiKeys);
  const { outcome, run } = useChange(reload);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [name, setName] = useState('');
  const [scopeKind, setScopeKind] = useState<'sites' | 'sensors'>('sites');
  const [ids, setIds] = useState('');

  const create = (e: FormEvent): void => {
    e.preventDefault();
    void run(
      () => createApiKey(name.trim(), scopeOf(scopeKind, parseIdList(ids))),
      (r) => {
        setSecret({ label: t('admin.secret.key', { id: r.apiKey.id }), value: r.key });
        setName('');
        setIds('');
        return t('admin.created', { id: r.apiKey.name });
      },
    );
  };
  const revoke = (k: ApiKeyView): void => {
    if (!window.confirm(t('admin.confirm.revoke', { id: `${k.name} (${k.id})` }))) return;
    void run(
      () => revokeApiKey(k.id),
      () => t('admin.revoked', { id: k.id }),
    );
  };
  const idOptions = scopeKind === 'sites' ? facility.sites.map((s) => s.id) : facility.sensors.map((s) => s.id);

  return (
    <Section title={t('admin.apikeys')} intro={t('admin.apikeys.intro')} testId="admin-apikeys">
      <OutcomeLine outcome={outcome} />
      {secret ? <SecretOnce label={secret.label} secret={secret.value} onDismiss={() => setSecret(null)} /> : null}
      {keys.kind === 'ready' && keys.value.length > 0 ? (
        <AdminTable
          columns={[
            'admin.col.id',
            'admin.apikey.name',
            'admin.apikey.scope',
            'admin.col.created',
            'admin.col.lastUsed',
            'admin.col.state',
            'admin.col.actions',
          ]}
        >
          {keys.value.map((k) => (
            <tr key={k.id} className={k.revokedAt === null ? undefined : 'admin-table__revoked'}>
              <th scope="row">
                <code>{k.id}</code>
              </th>
              <td>{k.name}</td>
              <td>
                {'sites' in k.scope ? t('admin.apikey.sites') : t('admin.apikey.sensors')}: {scopeText(k.scope)}
              </td>
              <td className="log-table__time">
                {fmt.dateTime(k.createdAt)} <span className="drills__muted">{k.createdBy}</span>
              </td>
              <td className="log-table__time">{k.lastUsedAt === null ? t('admin.never') : fmt.dateTime(k.lastUsedAt)}</td>
              <StateCells revokedAt={k.revokedAt} onRevoke={() => revoke(k)} />
            </tr>
          ))}
        </AdminTable>
      ) : (
        <LoadMessage load={keys} />
      )}
      <form className="log-filters" onSubmit={create} aria-label={t('admin.apikey.create')}>
        <label className="field">
          <span className="field__label">{t('admin.apikey.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" />
        </label>
        <label className="field">
          <span className="field__label">{t('admin.apikey.scope')}</span>
          <select value={scopeKind} onChange={(e) => setScopeKind(e.target.value === 'sensors' ? 'sensors' : 'sites')}>
            <option value="sites">{t('admin.apikey.sites')}</option>
            <option value="sensors">{t('admin.apikey.sensors')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('admin.apikey.ids')}</span>
          <input value={ids} onChange={(e) => setIds(e.target.value)} list="admin-scope-ids" required autoComplete="off" />
          <datalist id="admin-scope-ids">
            {idOptions.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
        </label>
        <div className="log-filters__buttons">
          <button type="submit" className="btn btn--primary" disabled={outcome.kind === 'busy'}>
            {t('admin.apikey.create')}
          </button>
        </div>
      </form>
    </Section>
  );
}
