/** What every Administration section shares: a list loaded from the server, one change at a time, a secret shown once. */
import { useCallback, useState, type ReactNode } from 'react';
import { messageOf } from '../api/api.client.ts';
import { useLoad, type Loaded } from '../hooks/useLoad.ts';
import type { MessageKey } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';

export type Load<T> = Loaded<T[]>;

/** The list `fetcher` answers, and `reload` to ask again after a change. */
export function useList<T>(fetcher: (signal: AbortSignal) => Promise<T[]>): [Load<T>, () => void] {
  return useLoad(fetcher);
}

export type Outcome = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; message: string } | { kind: 'failed'; message: string };

/**
 * Runs one change at a time and keeps its outcome: `run(change, done)` answers true when the
 * server accepted it; `done` turns the answer into the line shown. The server's refusal is shown
 * in its own words.
 */
export function useChange(onChanged: () => void): { outcome: Outcome; run: <R>(change: () => Promise<R>, done: (r: R) => string) => Promise<boolean> } {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const run = useCallback(
    async <R,>(change: () => Promise<R>, done: (r: R) => string): Promise<boolean> => {
      setOutcome({ kind: 'busy' });
      try {
        const r = await change();
        setOutcome({ kind: 'done', message: done(r) });
        onChanged();
        return true;
      } catch (err) {
        setOutcome({ kind: 'failed', message: messageOf(err) });
        return false;
      }
    },
    [onChanged],
  );
  return { outcome, run };
}

export function OutcomeLine({ outcome }: { outcome: Outcome }) {
  const { t } = useI18n();
  if (outcome.kind === 'done')
    return (
      <p className="admin-outcome admin-outcome--done" role="status">
        {outcome.message}
      </p>
    );
  if (outcome.kind === 'failed')
    return (
      <p className="admin-outcome detail__error" role="alert">
        {t('admin.failed', { msg: outcome.message })}
      </p>
    );
  return null;
}

export function Section({ title, intro, children, testId }: { title: string; intro?: string; children: ReactNode; testId: string }) {
  return (
    <section className="admin-page__section" aria-label={title} data-testid={testId}>
      <h3 className="admin-page__heading">{title}</h3>
      {intro ? <p className="drills__muted">{intro}</p> : null}
      {children}
    </section>
  );
}

export function LoadMessage<T>({ load }: { load: Load<T> }) {
  const { t } = useI18n();
  if (load.kind === 'loading') return <p className="log__message">{t('admin.loading')}</p>;
  if (load.kind === 'error') return <p className="log__message detail__error">{t('admin.error', { msg: load.message })}</p>;
  if (load.value.length === 0) return <p className="drills__muted">{t('admin.empty')}</p>;
  return null;
}

/** A secret from a creation answer: shown until dismissed, never fetched again (the server keeps only its hash). */
export function SecretOnce({ label, secret, onDismiss }: { label: string; secret: string; onDismiss: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = (): void => {
    navigator.clipboard.writeText(secret).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <div className="admin-secret" role="alert" data-testid="secret-once">
      <strong>{t('admin.secret.title')}</strong>
      <span>{label}</span>
      <code className="admin-secret__value" data-testid="secret-value">
        {secret}
      </code>
      <div className="admin-secret__buttons">
        <button type="button" onClick={copy}>
          {copied === 'yes' ? t('admin.copied') : t('admin.copy')}
        </button>
        <button type="button" className="btn btn--primary" onClick={onDismiss}>
          {t('admin.secret.dismiss')}
        </button>
      </div>
      {copied === 'failed' ? <span className="detail__error">{t('admin.copyFailed')}</span> : null}
    </div>
  );
}

/** A column heading's message, with a class where the column is not plain text (a count, right-aligned). */
export type Column = MessageKey | { key: MessageKey; className: string };

/** The table every Administration list is shown in: its headings, then the rows given. */
export function AdminTable({ columns, testId, children }: { columns: Column[]; testId?: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="log__table-wrap">
      <table className="log-table admin-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c} scope="col">
                  {t(c)}
                </th>
              ) : (
                <th key={c.key} scope="col" className={c.className}>
                  {t(c.key)}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
