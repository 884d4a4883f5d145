/**
 * Emergency drills: who ran which scenario where and when, the running drill with its
 * "End drill", and — for a manager — starting one. Everyone who sees alarms sees this page;
 * only `drill.run` may start or end, only `report.view` opens reports.
 */
import type { Facility } from '../../../contract/facility.ts';
import { useSession } from '../auth/SessionContext.ts';
import { PageShell } from '../components/PageShell.tsx';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { DrillTable } from './DrillTable.tsx';
import { RunningDrillBanner } from './RunningDrillBanner.tsx';
import { StartDrillForm } from './StartDrillForm.tsx';
import { useDrillList } from './useDrills.ts';

interface DrillsPageProps {
  facility: Facility;
  index: FacilityIndex;
  /** The site picked in the header: the default site of a new drill. */
  siteId: string;
  onOpenReport: (drillId: string) => void;
}

export function DrillsPage({ facility, index, siteId, onOpenReport }: DrillsPageProps) {
  const { t } = useI18n();
  const { can } = useSession();
  const [list, reload] = useDrillList();
  const running = list.kind === 'ready' ? list.drills.filter((d) => d.state === 'running') : [];

  return (
    <PageShell className="drills" label={t('nav.drills')} testId="drills-page" title={t('drills.title')}>
      {running.map((d) => (
        <RunningDrillBanner
          key={d.id}
          drill={d}
          notes={list.kind === 'ready' ? (list.scenarios.find((s) => s.name === d.scenario)?.notes ?? []) : []}
          index={index}
          onEnded={reload}
          onOpenReport={onOpenReport}
        />
      ))}

      {can('drill.run') && list.kind === 'ready' ? (
        <StartDrillForm scenarios={list.scenarios} sites={facility.sites} defaultSiteId={siteId} onStarted={reload} />
      ) : null}
      {can('drill.run') ? null : <p className="drills__muted">{t('drills.viewOnly')}</p>}

      <section className="drills__list" aria-label={t('drills.list')}>
        <div className="drills__list-head">
          <h3 className="drills__heading">{t('drills.list')}</h3>
          <span className="drills__muted">{t('drills.timesIn')}</span>
        </div>
        {list.kind === 'loading' ? <p className="log__message">{t('drills.loading')}</p> : null}
        {list.kind === 'error' ? <p className="log__message detail__error">{t('drills.error', { msg: list.message })}</p> : null}
        {list.kind === 'ready' && list.drills.length === 0 ? <p className="log__message">{t('drills.empty')}</p> : null}
        {list.kind === 'ready' && list.drills.length > 0 ? (
          <DrillTable drills={list.drills} index={index} onOpenReport={can('report.view') ? onOpenReport : null} />
        ) : null}
      </section>
    </PageShell>
  );
}
