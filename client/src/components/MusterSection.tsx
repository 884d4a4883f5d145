/**
 * The muster of a fire alarm (a drill's too): everyone presumed inside the building when it was
 * raised, each ticked off as accounted for at the assembly point (`POST
 * /api/muster/:id/accounted`, audited with who and when). Looked at again every few seconds while
 * someone is unaccounted for: other officers tick too.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import type { MusterResponse } from '../../../contract/presence.ts';
import { MUSTER_CONDITIONS } from '../../../contract/condition-sets.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import { messageOf } from '../api/api.client.ts';
import { fetchMuster, markAccounted } from '../api/presence.api.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { personName } from './PresenceSection.tsx';
import '../styles/presence.css';

const REFRESH_MS = 5000;

export function MusterSection({ alarm }: { alarm: Alarm }) {
  if (!MUSTER_CONDITIONS.has(alarm.condition)) return null;
  return <MusterList alarmId={alarm.id} />;
}

function MusterList({ alarmId }: { alarmId: string }) {
  const { t, fmt, locale, duration } = useI18n();
  const [load, reload] = useLoad(useCallback((signal: AbortSignal) => fetchMuster(alarmId, signal), [alarmId]));
  const [ticked, setTicked] = useState<MusterResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => setTicked(null), [load]);
  const muster = ticked ?? (load.kind === 'ready' ? load.value : null);
  const open = muster !== null && muster.allAccountedAt === null && muster.people.length > 0;
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [open, reload]);

  const tick = (key: string): void => {
    setBusy(key);
    setError(null);
    markAccounted(alarmId, key).then(
      (m) => {
        setTicked(m);
        setBusy(null);
      },
      (err: unknown) => {
        setError(messageOf(err));
        setBusy(null);
      },
    );
  };

  if (load.kind === 'error' && muster === null) return null;
  const building = muster === null ? '' : textIn(muster.building, muster.buildingZh, locale);
  const unknown = (badge: string): string => t('presence.unknown', { badge });
  return (
    <section className="detail__section" aria-label={t('muster.title', { building: building })} data-testid="muster">
      <h3 className="detail__heading">{t('muster.title', { building: building })}</h3>
      {muster === null ? (
        <p className="detail__muted">{t('muster.loading')}</p>
      ) : (
        <>
          <p className="detail__muted">{t('muster.intro')}</p>
          {muster.people.length === 0 ? (
            <p className="detail__muted">{t('muster.none')}</p>
          ) : (
            <p data-testid="muster-count" data-done={muster.allAccountedAt !== null}>
              <strong>
                {muster.allAccountedAt !== null
                  ? t('muster.all', { d: duration(muster.allAccountedAt - muster.startedAt) })
                  : t('muster.count', { done: muster.people.filter((p) => p.accountedAt !== null).length, n: muster.people.length })}
              </strong>
            </p>
          )}
          {error ? <p className="detail__error">{t('muster.tickError', { msg: error })}</p> : null}
          <ul className="presence">
            {muster.people.map((p) => {
              const who = personName(p, locale, unknown);
              return (
                <li key={p.key} className="presence__person" data-person={p.key} data-accounted={p.accountedAt !== null}>
                  <strong>{who}</strong>{' '}
                  {p.accountedAt !== null ? (
                    <span className="detail__muted">✓ {t('muster.accounted', { time: fmt.time(p.accountedAt), who: p.accountedBy ?? '—' })}</span>
                  ) : (
                    <button type="button" className="btn" disabled={busy !== null} onClick={() => tick(p.key)} aria-label={t('muster.tickLabel', { who })}>
                      {t('muster.tick')}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
