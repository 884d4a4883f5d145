/** The alarm's sensor values around the alarm, small, with the alarm's period shaded. */
import { useMemo } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import type { Sensor } from '../../../contract/facility.ts';
import { alarmPeriods } from '../domain/alarm.periods.ts';
import type { TimeRange } from '../domain/time.range.ts';
import { useReadings } from '../hooks/useReadings.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ReadingsChart } from './ReadingsChart.tsx';

const MIN = 60_000;

/** Recent values for an open alarm (a live 15 min or 1 h window); the alarm's own span for a closed one. */
export function trendRange(alarm: Alarm, now: number): TimeRange {
  const closedAt = alarm.closedAt ?? (alarm.state === 'cleared' ? alarm.updatedAt : null);
  if (closedAt !== null) return { kind: 'custom', from: alarm.raisedAt - 10 * MIN, to: Math.max(closedAt, alarm.clearedAt ?? 0) + 5 * MIN };
  const age = now - alarm.raisedAt;
  if (age < 12 * MIN) return { kind: 'preset', preset: '15m' };
  if (age < 55 * MIN) return { kind: 'preset', preset: '1h' };
  return { kind: 'custom', from: alarm.raisedAt - 10 * MIN, to: now };
}

export function AlarmTrend({ alarm, sensor }: { alarm: Alarm; sensor: Sensor }) {
  const { t } = useI18n();
  const closed = alarm.state === 'cleared';
  // Chosen once per open/closed change: a live window must not be rebuilt every second.
  const range = useMemo(() => trendRange(alarm, Date.now()), [closed, alarm.id]);
  const readings = useReadings(sensor.id, range, sensor.unit !== null);
  const periods = useMemo(
    () => (readings.kind === 'ready' ? alarmPeriods([alarm], sensor.id, readings.from, readings.to, Date.now()) : []),
    [alarm, readings, sensor.id],
  );
  if (sensor.unit === null) return null;
  return (
    <section className="detail__section" aria-label={t('detail.recent')}>
      <h3 className="detail__heading">
        {t('detail.recent')} <span className="history__unit">({sensor.unit})</span>
      </h3>
      <div className="history__chart history__chart--small" data-testid="detail-chart">
        <ReadingsChart readings={readings} unit={sensor.unit} thresholds={sensor.thresholds} alarmPeriods={periods} />
      </div>
    </section>
  );
}
