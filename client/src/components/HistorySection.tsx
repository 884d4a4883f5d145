import { useMemo, useState } from 'react';
import type { Sensor } from '../../../contract/facility.ts';
import { isLiveRange, type TimeRange } from '../domain/time.range.ts';
import { alarmPeriods } from '../domain/alarm.periods.ts';
import { hashOf } from '../hooks/useView.ts';
import { useReadings } from '../hooks/useReadings.ts';
import { useSensorAlarms } from '../hooks/useSensorAlarms.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { RangePicker } from './RangePicker.tsx';
import { ReadingsChart } from './ReadingsChart.tsx';

export function HistorySection({ sensor }: { sensor: Sensor }) {
  const { t } = useI18n();
  const [range, setRange] = useState<TimeRange>({ kind: 'preset', preset: '1h' });
  const measured = sensor.unit !== null;
  const readings = useReadings(sensor.id, range, measured);
  const ready = readings.kind === 'ready' ? readings : null;
  const alarms = useSensorAlarms(sensor, ready?.from ?? 0, ready?.to ?? 0, ready !== null);
  const periods = useMemo(() => (ready ? alarmPeriods(alarms, sensor.id, ready.from, ready.to, Date.now()) : []), [alarms, ready, sensor.id]);

  return (
    <section className="history" aria-label={t('panel.history')}>
      <div className="history__head">
        <h3>
          {t('panel.history')}
          {sensor.unit ? <span className="history__unit"> ({sensor.unit})</span> : null}
        </h3>
        {measured && isLiveRange(range) ? <span className="tag tag--live">● {t('chart.live')}</span> : null}
        {readings.kind === 'ready' && measured ? <span className="history__resolution">{t(`chart.resolution.${readings.resolution}`)}</span> : null}
        {measured ? (
          <a className="btn history__open" href={hashOf({ view: 'sensor', sensorId: sensor.id })}>
            {t('charts.openPage')}
          </a>
        ) : null}
      </div>
      {measured ? (
        <>
          <RangePicker range={range} onChange={setRange} />
          <div className="history__chart" data-testid="history-chart">
            <ReadingsChart readings={readings} unit={sensor.unit ?? ''} thresholds={sensor.thresholds} alarmPeriods={periods} />
          </div>
        </>
      ) : (
        <p className="history__message">{t('chart.noValues')}</p>
      )}
    </section>
  );
}
