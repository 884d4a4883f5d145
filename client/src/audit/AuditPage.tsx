/**
 * The audit trail viewer (managers): who did what to which alarm, account or credential, newest
 * first, narrowed by user, action and alarm; and above it the hash chain's verification with the
 * time it was checked, since a verification is only as good as its date.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry, AuditVerifyResponse } from '../../../contract/api.ts';
import { messageOf } from '../api/api.client.ts';
import { fetchAuditPage, verifyAudit } from '../api/audit.api.ts';
import { FilterButtons } from '../components/FilterButtons.tsx';
import { PageShell } from '../components/PageShell.tsx';
import { useI18n } from '../i18n/I18nContext.ts';
import { ACTION_FAMILIES, auditQuery, detailText, nextBefore, NO_FILTERS, type AuditFilters } from './audit.query.ts';

type Entries =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; entries: AuditEntry[]; before: number | null; more: 'idle' | 'loading' | { error: string } };
type Verify = { kind: 'checking' } | { kind: 'error'; message: string } | { kind: 'done'; result: AuditVerifyResponse };

export function AuditPage() {
  const { t } = useI18n();
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [entries, setEntries] = useState<Entries>({ kind: 'loading' });

  useEffect(() => {
    const abort = new AbortController();
    setEntries({ kind: 'loading' });
    fetchAuditPage(auditQuery(filters, null), abort.signal).then(
      (page) => setEntries({ kind: 'ready', entries: page, before: nextBefore(page), more: 'idle' }),
      (err: unknown) => {
        if (!abort.signal.aborted) setEntries({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => abort.abort();
  }, [filters]);

  const loadOlder = useCallback(() => {
    if (entries.kind !== 'ready' || entries.before === null) return;
    const shown = entries;
    setEntries({ ...shown, more: 'loading' });
    fetchAuditPage(auditQuery(filters, shown.before)).then(
      (page) => setEntries({ kind: 'ready', entries: [...shown.entries, ...page], before: nextBefore(page), more: 'idle' }),
      (err: unknown) => setEntries({ ...shown, more: { error: messageOf(err) } }),
    );
  }, [entries, filters]);

  const handleSubmit = (e: FormEvent): void => {
    e.preventDefault();
    setFilters(draft);
  };
  const handleClear = (): void => {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
  };

  return (
    <PageShell className="admin-page" label={t('nav.audit')} testId="audit-page" title={t('audit.title')} intro={t('audit.intro')}>
      <ChainVerification />
      <form className="log-filters" onSubmit={handleSubmit} aria-label={t('audit.filters')}>
        <label className="field">
          <span className="field__label">{t('audit.filter.user')}</span>
          <input name="user" value={draft.user} onChange={(e) => setDraft({ ...draft, user: e.target.value })} autoComplete="off" />
        </label>
        <label className="field">
          <span className="field__label">{t('audit.filter.action')}</span>
          <input name="action" list="audit-actions" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} autoComplete="off" />
          <datalist id="audit-actions">
            {ACTION_FAMILIES.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span className="field__label">{t('audit.filter.alarm')}</span>
          <input name="alarm" value={draft.alarm} onChange={(e) => setDraft({ ...draft, alarm: e.target.value })} autoComplete="off" />
        </label>
        <FilterButtons apply={t('audit.filter.apply')} clear={t('audit.filter.clear')} onClear={handleClear} />
      </form>
      {entries.kind === 'loading' ? <p className="log__message">{t('audit.loading')}</p> : null}
      {entries.kind === 'error' ? <p className="log__message detail__error">{t('audit.error', { msg: entries.message })}</p> : null}
      {entries.kind === 'ready' && entries.entries.length === 0 ? <p className="log__message">{t('audit.empty')}</p> : null}
      {entries.kind === 'ready' && entries.entries.length > 0 ? (
        <>
          <AuditTable entries={entries.entries} />
          <div className="log__pager">
            <span className="drills__muted">{t('audit.shown', { n: entries.entries.length })}</span>
            {entries.before !== null ? (
              <button type="button" onClick={loadOlder} disabled={entries.more === 'loading'}>
                {t('audit.older')}
              </button>
            ) : null}
            {typeof entries.more === 'object' ? <span className="detail__error">{t('audit.error', { msg: entries.more.error })}</span> : null}
          </div>
        </>
      ) : null}
    </PageShell>
  );
}

function ChainVerification() {
  const { t, fmt } = useI18n();
  const [verify, setVerify] = useState<Verify>({ kind: 'checking' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setVerify({ kind: 'checking' });
    verifyAudit(abort.signal).then(
      (result) => setVerify({ kind: 'done', result }),
      (err: unknown) => {
        if (!abort.signal.aborted) setVerify({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => abort.abort();
  }, [generation]);

  const ok = verify.kind === 'done' && verify.result.ok;
  return (
    <div
      className={`admin-verify ${ok ? 'admin-verify--ok' : verify.kind === 'checking' ? '' : 'admin-verify--broken'}`}
      role="status"
      data-testid="audit-verify"
    >
      <span>
        {verify.kind === 'checking' ? t('audit.verify.checking') : null}
        {verify.kind === 'error' ? t('audit.verify.error', { msg: verify.message }) : null}
        {verify.kind === 'done' && verify.result.ok ? t('audit.verify.ok', { n: verify.result.entries, time: fmt.dateTime(verify.result.checkedAt) }) : null}
        {verify.kind === 'done' && !verify.result.ok
          ? t('audit.verify.broken', { id: verify.result.brokenAt ?? '?', n: verify.result.entries, time: fmt.dateTime(verify.result.checkedAt) })
          : null}
      </span>
      <button type="button" onClick={() => setGeneration((g) => g + 1)} disabled={verify.kind === 'checking'}>
        {t('audit.verify.again')}
      </button>
    </div>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t, fmt } = useI18n();
  return (
    <div className="log__table-wrap">
      <table className="log-table admin-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">{t('audit.col.time')}</th>
            <th scope="col">{t('audit.col.actor')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.target')}</th>
            <th scope="col">{t('audit.col.detail')}</th>
            <th scope="col">{t('audit.col.entry')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td className="log-table__time">{fmt.dateTime(e.at)}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                <code>{e.target}</code>
              </td>
              <td className="admin-table__detail">{detailText(e.detail)}</td>
              <td>
                <code className="admin-table__hash" title={e.hash}>
                  #{e.id} · {e.hash.slice(0, 12)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
