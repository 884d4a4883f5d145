/** A running drill, unmistakable, with the manager's "End drill" and the live report. */
import { useState } from 'react';
import type { Drill } from '../../../contract/drill.ts';
import { messageOf } from '../api/api.client.ts';
import { useSession } from '../auth/SessionContext.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { endDrill } from '../api/drill.api.ts';
import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { drillDurationMs, scenarioTitle } from './drill.report.ts';
import { useSiteFormatters } from './useSiteTime.ts';

interface RunningDrillBannerProps {
  drill: Drill;
  index: FacilityIndex;
  onEnded: () => void;
  onOpenReport: (drillId: string) => void;
}

type EndStatus = { kind: 'idle' } | { kind: 'ending' } | { kind: 'failed'; message: string };

export function RunningDrillBanner({ drill, index, onEnded, onOpenReport }: RunningDrillBannerProps) {
  const { t, duration } = useI18n();
  const { can } = useSession();
  const now = useNow();
  const fmtFor = useSiteFormatters(index);
  const [status, setStatus] = useState<EndStatus>({ kind: 'idle' });

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

  const text = t('drills.running', {
    scenario: scenarioTitle(drill.scenario),
    site: index.sitesById.get(drill.siteId)?.name ?? drill.siteId,
    by: drill.startedBy,
    time: fmtFor(drill.siteId).time(drill.startedAt),
    elapsed: duration(drillDurationMs(drill, now)),
  });

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
        {can('drill.run') ? (
          <button type="button" className="btn btn--end" onClick={() => void handleEnd()} disabled={status.kind === 'ending'} data-testid="drill-end">
            ■ {status.kind === 'ending' ? t('drills.ending') : t('drills.end')}
          </button>
        ) : null}
      </span>
      {status.kind === 'failed' ? (
        <p className="drill-running__error" role="alert">
          {t('drills.endFailed', { msg: status.message })}
        </p>
      ) : null}
    </section>
  );
}
