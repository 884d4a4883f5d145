/**
 * Every sensor out of service now, the nearest end first: who, why, until when, and which end
 * is near (the server's reminder). Live: an end, a return or a new period shows at once.
 */
import type { OutOfService } from '../../../contract/alarm.ts';
import { endState } from '../domain/out-of-service.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { useLive } from '../live/useLive.ts';

export function OutOfServiceList({ index }: { index: FacilityIndex }) {
  const { t, fmt, duration } = useI18n();
  const now = useNow();
  const sensors = useLive((s) => s.sensors);
  const rows: { sensorId: string; oos: OutOfService }[] = [];
  for (const s of sensors.values()) if (s.outOfService) rows.push({ sensorId: s.sensorId, oos: s.outOfService });
  rows.sort((a, b) => (a.oos.until ?? Infinity) - (b.oos.until ?? Infinity));
  return (
    <section className="oos-list" aria-label={t('oos.list')} data-testid="oos-list">
      <h3 className="detail__heading">{t('oos.list')}</h3>
      {rows.length === 0 ? (
        <p className="detail__muted">{t('oos.listEmpty')}</p>
      ) : (
        <ul className="oos-list__rows">
          {rows.map(({ sensorId, oos }) => {
            const end = endState(oos, now);
            return (
              <li key={sensorId} className={`oos-list__row${end === 'soon' ? ' oos-list__row--soon' : ''}`} data-sensor-id={sensorId} data-end={end}>
                <strong>{index.sensorsById.get(sensorId)?.name ?? sensorId}</strong> · {oos.reason} · {oos.by} ·{' '}
                {oos.until === undefined ? t('oos.noEnd') : t('oos.ends', { time: fmt.dateTime(oos.until), d: duration(Math.max(0, oos.until - now)) })}
                {end === 'soon' ? <span className="tag tag--warn"> {t('oos.endsSoon')}</span> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
