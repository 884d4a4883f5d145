/** The period presets and the site selector (all sites, or one) the manager's report pages share. */
import type { ReactNode } from 'react';
import type { Facility } from '../../../contract/facility.ts';
import { SiteSelect } from '../components/SiteSelect.tsx';
import { useI18n } from '../i18n/I18nContext.ts';
import { RANGES, type RangeKey } from './report.columns.ts';

interface ReportFiltersProps {
  facility: Pick<Facility, 'sites'>;
  range: RangeKey;
  onRange: (range: RangeKey) => void;
  /** null: all sites. */
  site: string | null;
  onSite: (site: string | null) => void;
  siteTestId?: string;
  /** More controls at the end of the bar (an export button). */
  children?: ReactNode;
}

/** The site selector appears only where there is more than one site to choose from. */
export function ReportFilters({ facility, range, onRange, site, onSite, siteTestId, children }: ReportFiltersProps) {
  const { t } = useI18n();
  return (
    <div className="log-filters">
      <div className="segmented" role="group" aria-label={t('reports.range')}>
        {RANGES.map((key) => (
          <button key={key} type="button" aria-pressed={range === key} onClick={() => onRange(key)}>
            {t(`reports.range.${key}`)}
          </button>
        ))}
      </div>
      {facility.sites.length > 1 ? (
        <SiteSelect facility={facility} label={t('reports.site')} allLabel={t('reports.site.all')} value={site} onChange={onSite} testId={siteTestId} />
      ) : null}
      {children}
    </div>
  );
}
