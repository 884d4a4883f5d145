/** One zone's measuring sensors on one chart, for the facility manager. */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import type { FacilityIndex } from '../domain/facility.index.ts';
import type { TimeRange } from '../domain/time.range.ts';
import { zoneChartData } from '../domain/zone.series.ts';
import { useZoneReadings } from '../hooks/useZoneReadings.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { RangePicker } from './RangePicker.tsx';

const ZoneChart = lazy(() => import('./ZoneChart.tsx'));

/** More lines than this on one chart cannot be told apart; the rest are named, not drawn. */
export const MAX_ZONE_LINES = 10;

interface ZoneViewProps {
  siteId: string;
  zoneId: string;
  index: FacilityIndex;
  onClose: () => void;
}

export function ZoneView({ siteId, zoneId, index, onClose }: ZoneViewProps) {
  const { t } = useI18n();
  const [range, setRange] = useState<TimeRange>({ kind: 'preset', preset: '1h' });
  const place = index.zoneOf(siteId, zoneId);
  const sensors = useMemo(() => (place?.zone.sensorIds ?? []).flatMap((id) => index.sensorsById.get(id) ?? []), [place, index]);
  const allMeasured = useMemo(() => sensors.filter((s) => s.unit !== null), [sensors]);
  const measured = useMemo(() => allMeasured.slice(0, MAX_ZONE_LINES), [allMeasured]);
  const readings = useZoneReadings(measured, range);
  const data = useMemo(() => (readings.kind === 'ready' ? zoneChartData(readings.series) : null), [readings]);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [zoneId]);

  return (
    <aside className="panel" aria-label={t('zone.title', { zone: place?.zone.name ?? zoneId })} data-testid="zone-view">
      <header className="panel__head">
        <div>
          <h2 className="panel__title">{t('zone.title', { zone: place?.zone.name ?? zoneId })}</h2>
          <div className="panel__id">{[place?.floor.name, index.sitesById.get(siteId)?.name].filter(Boolean).join(' · ')}</div>
        </div>
        <button ref={closeRef} type="button" className="btn btn--ghost panel__close" onClick={onClose} aria-label={t('panel.close')}>
          ✕
        </button>
      </header>
      {measured.length === 0 ? (
        <p className="history__message">{t('zone.noMeasured')}</p>
      ) : (
        <>
          <RangePicker range={range} onChange={setRange} />
          <p className="detail__muted">{t('zone.axes')}</p>
          <div className="history__chart history__chart--zone" data-testid="zone-chart">
            {readings.kind === 'loading' ? <p className="history__message">{t('chart.loading')}</p> : null}
            {readings.kind === 'error' ? <p className="history__message history__message--error">{t('chart.error', { msg: readings.message })}</p> : null}
            {readings.kind === 'ready' && data && data.rows.length === 0 ? <p className="history__message">{t('chart.empty')}</p> : null}
            {readings.kind === 'ready' && data && data.rows.length > 0 ? (
              <Suspense fallback={<p className="history__message">{t('chart.loading')}</p>}>
                <ZoneChart data={data} sensors={index.sensorsById} from={readings.from} to={readings.to} />
              </Suspense>
            ) : null}
          </div>
        </>
      )}
      {allMeasured.length > measured.length ? <p className="detail__muted">{t('zone.capped', { n: measured.length, total: allMeasured.length })}</p> : null}
      {sensors.length > allMeasured.length ? <p className="detail__muted">{t('zone.eventSensors', { n: sensors.length - allMeasured.length })}</p> : null}
    </aside>
  );
}
