/**
 * "Devices found" (admins): every device heard on a connected gateway that no sensor is bound to,
 * what it is, and the facility.yaml snippet that binds it — to copy, never applied from here.
 */
import { useState } from 'react';
import type { DiscoveredDevice } from '../../../contract/discovery.ts';
import { fetchDiscovery } from '../api/discovery.api.ts';
import { PageShell } from '../components/PageShell.tsx';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';

export function DevicesFoundPage() {
  const { t } = useI18n();
  const [load, reload] = useLoad(fetchDiscovery);

  return (
    <PageShell
      className="found"
      label={t('nav.devices')}
      testId="devices-found-page"
      title={t('found.title')}
      refresh={{ label: t('found.refresh'), onRefresh: reload }}
      intro={t('found.intro')}
    >
      {load.kind === 'loading' ? <p className="log__message">{t('found.loading')}</p> : null}
      {load.kind === 'error' ? <p className="log__message detail__error">{t('found.error', { msg: load.message })}</p> : null}
      {load.kind === 'ready' && load.value.devices.length === 0 ? <p className="log__message">{t('found.empty')}</p> : null}
      {load.kind === 'ready' && load.value.evicted > 0 ? <p className="drills__muted">{t('found.evicted', { n: load.value.evicted })}</p> : null}
      {load.kind === 'ready' && load.value.devices.length > 0 ? (
        <div className="log__table-wrap">
          <table className="log__table found__table">
            <thead>
              <tr>
                <th scope="col">{t('found.col.device')}</th>
                <th scope="col">{t('found.col.gateway')}</th>
                <th scope="col">{t('found.col.what')}</th>
                <th scope="col">{t('found.col.lastMessage')}</th>
                <th scope="col">{t('found.col.binding')}</th>
              </tr>
            </thead>
            <tbody>
              {load.value.devices.map((d) => (
                <FoundRow key={`${d.gatewayId}|${d.key}`} device={d} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </PageShell>
  );
}

function FoundRow({ device: d }: { device: DiscoveredDevice }) {
  const { t, fmt } = useI18n();
  const what = [d.vendor, d.model].filter((s) => s !== null).join(' ');
  return (
    <tr data-testid="found-device">
      <th scope="row">
        <div className="found__name">{d.name}</div>
        <code className="found__topic">{d.topic ?? d.key}</code>
      </th>
      <td>
        {d.gatewayId}
        <div className="drills__muted">{d.adapter}</div>
      </td>
      <td>
        {what ? <div>{what}</div> : null}
        {d.description ? <div className="drills__muted">{d.description}</div> : null}
        <div className="found__exposes">{d.exposes.join(', ')}</div>
      </td>
      <td>{d.lastMessage === null ? <span className="drills__muted">{t('found.never')}</span> : fmt.dateTime(d.lastMessage)}</td>
      <td>
        {d.bindings.map((b) => (
          <div key={b.kind}>
            {t(`kind.${b.kind}`)} ← <code>{b.property}</code>
            {b.needsScale ? <div className="found__warn">{t('found.needsScale')}</div> : null}
          </div>
        ))}
        {d.snippet ? <Snippet text={d.snippet} /> : <p className="drills__muted">{t('found.unknownKind')}</p>}
      </td>
    </tr>
  );
}

function Snippet({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = (): void => {
    navigator.clipboard.writeText(text).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <div className="found__snippet">
      <pre data-testid="found-snippet">{text}</pre>
      <button type="button" onClick={copy}>
        {copied === 'yes' ? t('found.copied') : t('found.copy')}
      </button>
      {copied === 'failed' ? <span className="found__warn">{t('found.copyFailed')}</span> : null}
    </div>
  );
}
