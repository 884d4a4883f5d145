import { memo, type KeyboardEvent, type MouseEvent } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { isUnacked } from '../domain/alarm.queue.ts';
import { alarmValueText } from '../domain/alarm.value.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { alarmSubject, conditionLabel } from '../i18n/alarm.labels.ts';
import { alarmMessageIn } from '../../../contract/alarm-text.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { AckButton, AckFailure, type AckStatus } from './AckControls.tsx';
import { Elapsed } from './Elapsed.tsx';
import { LocateIcon } from './LocateIcon.tsx';
import { ClassChip } from './ClassChip.tsx';
import { PriorityBadge } from './PriorityBadge.tsx';
import { handleQueueRowKey } from './queue.keys.ts';

interface AlarmRowProps {
  alarm: Alarm;
  /** The same detector's other alarm (its pre-alarm beside its fire): shown in this row, acknowledged with it. */
  also?: readonly Alarm[];
  index: FacilityIndex;
  ack: AckStatus | undefined;
  /** The role may acknowledge: without it, no button and no shortcut. */
  canAck: boolean;
  /** Its detail pane is open. */
  selected: boolean;
  /** Called once per alarm the row acknowledges. */
  onAcknowledge: (alarmId: string) => void;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
}

export const AlarmRow = memo(function AlarmRow({ alarm, also = NONE, index, ack, canAck, selected, onAcknowledge, onLocate, onOpen }: AlarmRowProps) {
  const { t, locale } = useI18n();
  const targets = [alarm, ...also].filter(isUnacked);
  const unacked = targets.length > 0;
  const ackable = unacked && canAck;
  const located = index.sensorsById.has(alarm.sensorId);
  const acknowledge = (): void => targets.forEach((a) => onAcknowledge(a.id));
  // Say so when one press acknowledges both of a detector's alarms.
  const ackLabel = targets.length > 1 ? t('queue.detector.ackBoth') : t('queue.ack');

  function handleKeyDown(event: KeyboardEvent<HTMLLIElement>) {
    handleQueueRowKey(event, ackable && ack?.kind !== 'pending' ? acknowledge : null, () => onOpen(alarm));
  }

  function handleClick(event: MouseEvent<HTMLLIElement>) {
    // Buttons inside the row do their own thing; anywhere else opens the detail pane.
    if (event.target instanceof Element && event.target.closest('button, a, input, select, textarea')) return;
    onOpen(alarm);
  }

  const value = alarmValueText(alarm);

  return (
    <li
      className={`alarm alarm--${alarm.priority}${unacked ? ' alarm--unacked' : ''}${alarm.drill ? ' alarm--drill' : ''}${selected ? ' alarm--selected' : ''}`}
      data-alarm-id={alarm.id}
      data-state={alarm.state}
      data-also={also.length > 0 ? also.map((a) => a.id).join(' ') : undefined}
      data-drill={alarm.drill ? 'true' : undefined}
      aria-current={selected ? 'true' : undefined}
      // Focusable, so the keyboard can walk the queue and acknowledge with "A".
      tabIndex={0}
      onKeyDown={handleKeyDown}
      onClick={handleClick}
    >
      <PriorityBadge priority={alarm.priority} />
      <div className="alarm__title" title={alarmMessageIn(alarm, locale)}>
        {alarm.drill ? (
          <span className="tag tag--drill" title={alarm.drill}>
            {t('queue.drill')}
          </span>
        ) : null}
        <ClassChip signal={alarm.class} />
        <span className="alarm__type">{conditionLabel(alarm.condition, locale)}</span>
        {value ? (
          <span className="alarm__value">
            {value.current}
            {value.peak ? <span className="alarm__peak">{t('row.peak', { v: value.peak })}</span> : null}
          </span>
        ) : null}
        <span className="alarm__sensor">{alarmSubject(alarm, index, locale)}</span>
      </div>
      <span className="alarm__elapsed" title={t('queue.elapsed')}>
        <Elapsed since={alarm.raisedAt} />
      </span>
      <div className="alarm__meta">
        <span className="alarm__location">{alarmLocation(alarm, index)}</span>
        <span className={`alarm__state alarm__state--${alarm.state}`}>{t(`alarmState.${alarm.state}`)}</span>
        {also.map((a) => (
          <span key={a.id} className={`tag tag--plain alarm__also alarm__state--${a.state}`} data-also-id={a.id}>
            {t('queue.detector.also', { condition: conditionLabel(a.condition, locale) })} · {t(`alarmState.${a.state}`)}
          </span>
        ))}
        {alarm.latching && !alarm.conditionActive && alarm.resetAt === null ? <span className="tag tag--plain">{t('queue.latched')}</span> : null}
        {alarm.chattering ? <span className="tag tag--plain">{t('queue.chattering')}</span> : null}
        {alarm.escalationLevel > 0 ? (
          <span className="tag tag--escalated" data-escalation={alarm.escalationLevel}>
            ▲ {t('queue.escalated', { n: alarm.escalationLevel })}
          </span>
        ) : null}
      </div>
      <div className="alarm__actions">
        {located ? (
          <button type="button" className="btn btn--ghost" onClick={() => onLocate(alarm)} aria-label={t('queue.locate')} title={t('queue.locate')}>
            <LocateIcon />
          </button>
        ) : null}
        {ackable ? <AckButton ack={ack} label={ackLabel} onClick={acknowledge} /> : null}
      </div>
      <AckFailure ack={ack} />
    </li>
  );
});

const NONE: readonly Alarm[] = [];

/** "Hot kitchen · Canteen, ground floor", plus the site when the facility has several. */
export function alarmLocation(alarm: Pick<Alarm, 'siteId' | 'zoneId'>, index: FacilityIndex): string {
  const place = index.zoneOf(alarm.siteId, alarm.zoneId);
  // Every site's alarms share one queue (none may hide behind the site selector): name the site.
  const siteName = index.sitesById.size > 1 ? (index.sitesById.get(alarm.siteId)?.name ?? alarm.siteId) : undefined;
  return [place?.zone.name ?? alarm.zoneId, place?.floor.name, siteName].filter(Boolean).join(' · ');
}
