/**
 * Audit-trail entries about one alarm (`GET /api/audit`, managers), with each entry's chained
 * hash: what an incident review cites. The alarm's own history above shows the same actions.
 */
import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../../contract/api.ts';
import { fetchAudit } from '../api/alarm.api.ts';
import { messageOf } from '../api/api.client.ts';
import { useI18n } from '../i18n/I18nContext.ts';

const LIMIT = 1_000;
/** Margin around the alarm's life: entries are written a moment after the event. */
const MARGIN_MS = 60_000;

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; entries: AuditEntry[] };

/** An entry is about the alarm when its target names it (`alarm:<id>`, as the alarm service writes it). */
export function isAboutAlarm(entry: AuditEntry, alarmId: string): boolean {
  return entry.target === alarmId || entry.target === `alarm:${alarmId}` || entry.target.endsWith(`/${alarmId}`);
}

export function AuditEntries({ alarmId, from, to }: { alarmId: string; from: number; to: number | null }) {
  const { t, fmt } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    fetchAudit(from - MARGIN_MS, (to ?? Date.now()) + MARGIN_MS, LIMIT, `alarm:${alarmId}`, controller.signal).then(
      (entries) => setLoad({ kind: 'ready', entries: entries.filter((e) => isAboutAlarm(e, alarmId)) }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [alarmId, from, to]);

  return (
    <section className="detail__section" aria-label={t('log.audit')}>
      <h3 className="detail__heading">{t('log.audit')}</h3>
      {load.kind === 'loading' ? <p className="detail__muted">{t('log.loading')}</p> : null}
      {load.kind === 'error' ? <p className="detail__error">{t('log.error', { msg: load.message })}</p> : null}
      {load.kind === 'ready' && load.entries.length === 0 ? <p className="detail__muted">{t('log.auditEmpty')}</p> : null}
      {load.kind === 'ready' && load.entries.length > 0 ? (
        <ol className="timeline" data-testid="audit-entries">
          {load.entries.map((e) => (
            <li key={e.id} className="timeline__item">
              <time className="timeline__time">{fmt.dateTime(e.at)}</time>
              <span className="timeline__what">{e.action}</span>
              <span className="timeline__actor">{e.actor}</span>
              <code className="timeline__hash" title={e.hash}>
                #{e.id} · {e.hash.slice(0, 12)}
              </code>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
