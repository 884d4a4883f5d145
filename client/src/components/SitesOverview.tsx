import type { Site } from '../../../contract/facility.ts';
import { STATE_STYLES } from '../domain/sensor.status.ts';
import type { SiteSummary } from '../domain/site.summary.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ShapeIcon } from './ShapePath.tsx';

interface SitesOverviewProps {
  sites: readonly Site[];
  summaries: readonly SiteSummary[];
  selectedSiteId: string;
  onSelectSite: (siteId: string) => void;
}

/**
 * Every site with its worst state (shape, colour and word) and its unacknowledged alarms: what is
 * happening at the sites off screen, one click from each.
 */
export function SitesOverview({ sites, summaries, selectedSiteId, onSelectSite }: SitesOverviewProps) {
  const { t } = useI18n();
  const byId = new Map(summaries.map((s) => [s.siteId, s]));
  return (
    // A section, not a labelled landmark: "Site" as a label belongs to the header's selector alone.
    <section className="sites">
      <h3 className="sites__title">{t('sites.title')}</h3>
      <ul className="sites__list">
        {sites.map((site) => {
          const summary = byId.get(site.id);
          const worst = summary?.worst ?? 'unknown';
          const style = STATE_STYLES[worst];
          const unacked = summary?.unacked ?? 0;
          return (
            <li key={site.id}>
              <button
                type="button"
                className={`sites__site sites__site--${worst}`}
                aria-current={site.id === selectedSiteId ? 'true' : undefined}
                aria-label={`${t('sites.show', { site: site.name })}: ${t(style.labelKey)}, ${t('sites.unacked', { n: unacked })}`}
                data-site-id={site.id}
                data-state={worst}
                data-unacked={unacked}
                onClick={() => onSelectSite(site.id)}
              >
                <ShapeIcon shape={style.shape} color={`var(${style.colorVar})`} size="1.1em" />
                <span className="sites__name">{site.name}</span>
                <span className="sites__state">{t(style.labelKey)}</span>
                {unacked > 0 ? <span className="sites__unacked">{t('sites.unacked', { n: unacked })}</span> : null}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
