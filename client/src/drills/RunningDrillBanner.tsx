/**
 * A running drill, unmistakable, with the scenario's notes for the coordinator as the drill reaches
 * them, the live report, and the manager's "End drill" — confirmed first, since ending early
 * leaves the rest of the scenario unplayed and closes the drill's alarms.
 */
import { useEffect, useRef, useState } from 'react';
import type { Drill, DrillNote } from '../../../contract/drill.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import { messageOf } from '../api/api.client.ts';
import { useSession } from '../auth/SessionContext.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { endDrill } from '../api/drill.api.ts';
import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { drillDurationMs, notesReached } from './drill.report.ts';
import { useSiteFormatters } from './useSiteTime.ts';

interface RunningDrillBannerProps {
  drill: Drill;
  /** The scenario's notes for the coordinator. */
  notes: readonly DrillNote[];
  index: FacilityIndex;
  onEnded: () => void;
  onOpenReport: (drillId: string) => void;
}

type EndStatus = { kind: 'idle' } | { kind: 'confirm' } | { kind: 'ending' } | { kind: 'failed'; message: string };

export function RunningDrillBanner({ drill, notes, index, onEnded, onOpenReport }: RunningDrillBannerProps) {
  const { t, duration, locale } = useI18n();
  const { can } = useSession();
  const now = useNow();
  const fmtFor = useSiteFormatters(index);
  const [status, setStatus] = useState<EndStatus>({ kind: 'idle' });
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (status.kind === 'confirm') confirmRef.current?.focus();
  }, [status.kind]);

  async function handleEnd() {
    setStatus({ kind: 'ending' });
    try {
      await endDrill(drill.id);
      setStatus({ kind: 'idle' });
      onEnded();
    } catch (err) {
      setStatus({ kind: 'failed', message: messageOf(err) });
    }
  }

  const title = textIn(drill.title, drill.titleZh, locale);
  const text = t('drills.running', {
    scenario: title,
    site: index.sitesById.get(drill.siteId)?.name ?? drill.siteId,
    by: drill.startedBy,
    time: fmtFor(drill.siteId).time(drill.startedAt),
    elapsed: duration(drillDurationMs(drill, now)),
  });
  const reached = notesReached(notes, drill, now);
  const confirming = status.kind === 'confirm' || status.kind === 'ending';

  return (
    <section className="drill-running" role="status" aria-label={text} data-testid="drill-running" data-drill-id={drill.id}>
      <span className="tag tag--drill drill-running__tag">{t('queue.drill')}</span>
      <span className="drill-running__text">{text}</span>
      <span className="drill-running__buttons">
        {can('report.view') ? (
          <button type="button" className="btn" onClick={() => onOpenReport(drill.id)}>
            {t('drills.openReport')}
          </button>
        ) : null}
        {can('drill.run') && !confirming ? (
          <button type="button" className="btn btn--end" onClick={() => setStatus({ kind: 'confirm' })} data-testid="drill-end">
            ■ {t('drills.end')}
          </button>
        ) : null}
      </span>
      {confirming ? (
        <div
          className="drill-confirm drill-running__confirm"
          role="alertdialog"
          aria-labelledby={`drill-end-title-${drill.id}`}
          aria-describedby={`drill-end-text-${drill.id}`}
          data-testid="drill-end-confirm"
        >
          <p className="drill-confirm__title" id={`drill-end-title-${drill.id}`}>
            {t('drills.endConfirm.title', { scenario: title })}
          </p>
          <p className="drill-confirm__text" id={`drill-end-text-${drill.id}`}>
            {t('drills.endConfirm.text')}
          </p>
          <div className="drill-confirm__buttons">
            <button ref={confirmRef} type="button" className="btn btn--end" onClick={() => void handleEnd()} disabled={status.kind === 'ending'}>
              {status.kind === 'ending' ? t('drills.ending') : t('drills.endConfirm.yes')}
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setStatus({ kind: 'idle' })} disabled={status.kind === 'ending'}>
              {t('action.cancel')}
            </button>
          </div>
        </div>
      ) : null}
      <div className="drill-running__notes" aria-label={t('drills.notes')} aria-live="polite" data-testid="drill-notes">
        <span className="drill-running__notes-title">{t('drills.notes')}</span>
        {reached.length === 0 ? (
          <span className="drills__muted">{t('drills.notes.none')}</span>
        ) : (
          <ol className="drill-running__note-list">
            {reached.map((n) => (
              <li key={`${n.at}:${n.text}`} className="drill-running__note" data-at={n.at}>
                <span className="drill-running__note-at">{t('drills.note.at', { s: n.at })}</span> {textIn(n.text, n.textZh, locale)}
              </li>
            ))}
          </ol>
        )}
      </div>
      {status.kind === 'failed' ? (
        <p className="drill-running__error" role="alert">
          {t('drills.endFailed', { msg: status.message })}
        </p>
      ) : null}
    </section>
  );
}
