import { memo } from 'react';
import { isUnacked } from '../domain/alarm.queue.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { alarmTypeLabel } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import type { Alarm } from '../live/alarm.types.ts';
import { PriorityBadge } from './PriorityBadge.tsx';

export type AckStatus = { kind: 'pending' } | { kind: 'failed'; message: string };

interface AlarmRowProps {
  alarm: Alarm;
  now: number;
  index: FacilityIndex;
  ack: AckStatus | undefined;
  onAcknowledge: (alarmId: string) => void;
  onLocate: (alarm: Alarm) => void;
}

export const AlarmRow = memo(function AlarmRow({ alarm, now, index, ack, onAcknowledge, onLocate }: AlarmRowProps) {
  const { t, locale, duration } = useI18n();
  const sensor = index.sensorsById.get(alarm.sensorId);
  const place = index.zoneOf(alarm.siteId, alarm.zoneId);
  const unacked = isUnacked(alarm);
  // Every site's alarms share one queue (none may hide behind the site selector): name the site.
  const siteName = index.sitesById.size > 1 ? index.sitesById.get(alarm.siteId)?.name ?? alarm.siteId : undefined;
  const location = [place?.zone.name ?? alarm.zoneId, place?.floor.name, siteName].filter(Boolean).join(' · ');

  return (
    <li
      className={`alarm alarm--${alarm.priority}${unacked ? ' alarm--unacked' : ''}${alarm.drill ? ' alarm--drill' : ''}`}
      data-alarm-id={alarm.id}
      data-state={alarm.state}
    >
      <PriorityBadge priority={alarm.priority} />
      <div className="alarm__main">
        <div className="alarm__title">
          {alarm.drill ? (
            <span className="tag tag--drill" title={alarm.drill}>
              {t('queue.drill')}
            </span>
          ) : null}
          <span className="alarm__type">{alarmTypeLabel(alarm.type, locale)}</span>
          <span className="alarm__sensor">{sensor?.name ?? alarm.sensorId}</span>
        </div>
        <div className="alarm__meta">
          <span className="alarm__location">{location}</span>
          <span className={`alarm__state alarm__state--${alarm.state}`}>{t(`alarmState.${alarm.state}`)}</span>
          {alarm.escalationLevel > 0 ? (
            <span className="tag tag--escalated" data-escalation={alarm.escalationLevel}>
              ▲ {t('queue.escalated', { n: alarm.escalationLevel })}
            </span>
          ) : null}
        </div>
        {ack?.kind === 'failed' ? (
          <div className="alarm__error" role="alert">
            {t('queue.ackFailed', { msg: ack.message })}
          </div>
        ) : null}
      </div>
      <div className="alarm__side">
        <span className="alarm__elapsed" title={t('queue.title')}>
          {duration(now - alarm.raisedAt)}
        </span>
        <div className="alarm__actions">
          {sensor ? (
            <button type="button" className="btn btn--ghost" onClick={() => onLocate(alarm)} aria-label={t('queue.locate')} title={t('queue.locate')}>
              ⌖
            </button>
          ) : null}
          {unacked ? (
            <button type="button" className="btn btn--ack" disabled={ack?.kind === 'pending'} onClick={() => onAcknowledge(alarm.id)}>
              {ack?.kind === 'pending' ? t('queue.acking') : t('queue.ack')}
            </button>
          ) : null}
        </div>
      </div>
    </li>
  );
});
