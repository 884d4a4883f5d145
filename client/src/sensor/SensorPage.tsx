/**
 * A sensor's history on a full page: range picker, drag to zoom, the previous period for
 * comparison, alarm periods, thresholds, values beyond the axis marked at its edge, and the shown
 * data as CSV. Times are the sensor's site's, whichever site the console shows.
 */
import { useMemo, useState } from 'react';
import type { Sensor } from '../../../contract/facility.ts';
import { ReadingsChart } from '../components/ReadingsChart.tsx';
import { RangePicker } from '../components/RangePicker.tsx';
import { alarmPeriods } from '../domain/alarm.periods.ts';
import { pointsIn, previousPeriod, readingsCsv, shiftedOnto, valueDomain, type CsvSeries } from '../domain/chart.data.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { isLiveRange, resolveRange, type TimeRange } from '../domain/time.range.ts';
import { useReadings } from '../hooks/useReadings.ts';
import { useSensorAlarms } from '../hooks/useSensorAlarms.ts';
import { hashOf } from '../hooks/useView.ts';
import { I18nContext, makeI18n, useI18n } from '../i18n/I18nContext.ts';
import '../styles/sensor.css';
import { downloadCsv } from '../format/download.ts';

/** Time labels on a page-wide chart: about one per 120 px of a 1200 px screen. */
const WIDE_TICKS = 10;

export function SensorPage({ sensorId, index }: { sensorId: string; index: FacilityIndex }) {
  const outer = useI18n();
  const sensor = index.sensorsById.get(sensorId);
  const timeZone = (sensor && index.sitesById.get(sensor.siteId)?.timezone) ?? outer.timeZone;
  const i18n = useMemo(() => makeI18n(outer.locale, timeZone), [outer.locale, timeZone]);
  return (
    <I18nContext.Provider value={i18n}>
      <main className="sensor-page" aria-label={sensor ? i18n.t('charts.pageTitle', { sensor: sensor.name }) : sensorId}>
        <a className="sensor-page__back" href={hashOf({ view: 'console' })}>
          ← {i18n.t('charts.back')}
        </a>
        {sensor ? <SensorHistory key={sensor.id} sensor={sensor} /> : <p className="log__message">{i18n.t('charts.unknownSensor', { id: sensorId })}</p>}
      </main>
    </I18nContext.Provider>
  );
}

function SensorHistory({ sensor }: { sensor: Sensor }) {
  const { t, fmt } = useI18n();
  const [range, setRange] = useState<TimeRange>({ kind: 'preset', preset: '24h' });
  const [zoom, setZoom] = useState<{ from: number; to: number } | null>(null);
  const [compareOn, setCompareOn] = useState(false);
  const measured = sensor.unit !== null;

  const shown = useMemo<TimeRange>(() => (zoom ? { kind: 'custom', ...zoom } : range), [zoom, range]);
  // The comparison is fixed when the range is chosen; a live tail does not move it.
  const previous = useMemo(() => {
    const now = resolveRange(shown, Date.now());
    const prev = previousPeriod(now);
    return { range: { kind: 'custom', ...prev } satisfies TimeRange as TimeRange, shiftMs: now.from - prev.from };
  }, [shown]);

  const readings = useReadings(sensor.id, shown, measured);
  const before = useReadings(sensor.id, previous.range, measured && compareOn);
  const ready = readings.kind === 'ready' ? readings : null;
  const beforeReady = compareOn && before.kind === 'ready' ? before : null;
  const compare = useMemo(() => (beforeReady ? shiftedOnto(beforeReady.points, previous.shiftMs) : undefined), [beforeReady, previous.shiftMs]);
  const alarms = useSensorAlarms(sensor, ready?.from ?? 0, ready?.to ?? 0, ready !== null);
  const periods = useMemo(() => (ready ? alarmPeriods(alarms, sensor.id, ready.from, ready.to, Date.now()) : []), [alarms, ready, sensor.id]);
  const clipped = useMemo(
    () => (ready ? valueDomain(compare ? [...ready.points, ...compare] : ready.points, sensor.thresholds).clipped.length : 0),
    [ready, compare, sensor.thresholds],
  );

  function handleExport(): void {
    if (!ready) return;
    const series: CsvSeries[] = [{ series: 'current', points: pointsIn(ready.points, ready.from, ready.to), stepS: ready.stepS }];
    if (beforeReady) series.push({ series: 'previous', points: pointsIn(beforeReady.points, beforeReady.from, beforeReady.to), stepS: beforeReady.stepS });
    const day = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace(':', '');
    downloadCsv(readingsCsv(sensor, series), `vigil-${sensor.id}-${day(ready.from)}-${day(ready.to)}.csv`);
  }

  return (
    <section className="sensor-page__body">
      <header className="log__head">
        <h2 className="log__title">
          {t('charts.pageTitle', { sensor: sensor.name })}
          {sensor.unit ? <span className="history__unit"> ({sensor.unit})</span> : null}
        </h2>
        {measured && !zoom && isLiveRange(range) ? <span className="tag tag--live">● {t('chart.live')}</span> : null}
        {ready ? <span className="history__resolution">{t(`chart.resolution.${ready.resolution}`)}</span> : null}
      </header>
      {measured ? (
        <>
          <div className="sensor-page__controls">
            <RangePicker
              range={range}
              onChange={(next) => {
                setZoom(null);
                setRange(next);
              }}
            />
            <label className="sensor-page__compare">
              <input type="checkbox" checked={compareOn} onChange={(e) => setCompareOn(e.target.checked)} />
              {t('charts.compare')}
            </label>
            <button type="button" className="btn" onClick={handleExport} disabled={!ready || ready.points.length === 0}>
              {t('charts.csv')}
            </button>
          </div>
          <p className="sensor-page__hint">
            {zoom ? (
              <>
                {t('charts.zoomed', { from: fmt.dateTime(zoom.from), to: fmt.dateTime(zoom.to) })}{' '}
                <button type="button" className="btn" onClick={() => setZoom(null)}>
                  {t('charts.resetZoom')}
                </button>
              </>
            ) : (
              t('charts.zoomHint')
            )}
            {ready ? <span> · {t('charts.alarms', { n: periods.length })}</span> : null}
            {clipped > 0 ? <span role="note"> · {t('charts.clipped', { n: clipped })}</span> : null}
          </p>
          <div className="history__chart sensor-page__chart" data-testid="sensor-chart">
            <ReadingsChart
              readings={readings}
              unit={sensor.unit ?? ''}
              thresholds={sensor.thresholds}
              alarmPeriods={periods}
              compare={compare}
              onZoom={(from, to) => setZoom({ from, to })}
              maxTicks={WIDE_TICKS}
            />
          </div>
        </>
      ) : (
        <p className="history__message">{t('chart.noValues')}</p>
      )}
    </section>
  );
}
