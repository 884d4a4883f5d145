/** A flood incident: one row for a zone's alarms, expandable to the alarms themselves. */
import { useState, type KeyboardEvent } from 'react';
import type { Alarm, Incident } from '../../../contract/alarm.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { AckButton, AckFailure, type AckStatus } from './AckControls.tsx';
import { alarmLocation, AlarmRow } from './AlarmRow.tsx';
import { Elapsed } from './Elapsed.tsx';
import { PriorityBadge } from './PriorityBadge.tsx';
import { handleQueueRowKey } from './queue.keys.ts';

interface IncidentRowProps {
  incident: Incident;
  alarms: Alarm[];
  index: FacilityIndex;
  /** The incident's own acknowledgement, and each member alarm's. */
  ack: AckStatus | undefined;
  alarmAcks: ReadonlyMap<string, AckStatus>;
  canAck: boolean;
  selectedAlarmId: string | null;
  onAcknowledge: (alarmId: string) => void;
  onAcknowledgeIncident: (incidentId: string) => void;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
}

export function IncidentRow(props: IncidentRowProps) {
  const { incident, alarms, index, ack, alarmAcks, canAck, selectedAlarmId, onAcknowledge, onAcknowledgeIncident, onLocate, onOpen } = props;
  const { t } = useI18n();
  const [open, setOpen] = useState(() => alarms.some((a) => a.id === selectedAlarmId));
  const unacked = incident.unackedCount > 0 && canAck;

  function handleKeyDown(event: KeyboardEvent<HTMLLIElement>) {
    handleQueueRowKey(event, unacked && ack?.kind !== 'pending' ? () => onAcknowledgeIncident(incident.id) : null);
  }

  return (
    <li
      className={`incident alarm--${incident.priority}${unacked ? ' incident--unacked' : ''}`}
      data-incident-id={incident.id}
      data-drill={incident.drill ? 'true' : undefined}
      tabIndex={0}
      onKeyDown={handleKeyDown}
    >
      <div className="alarm incident__head">
        <PriorityBadge priority={incident.priority} />
        <div className="alarm__title">
          {incident.drill ? <span className="tag tag--drill">{t('queue.drill')}</span> : null}
          <span className="alarm__type">{t('queue.incident', { zone: index.zoneOf(incident.siteId, incident.zoneId)?.zone.name ?? incident.zoneId })}</span>
        </div>
        <span className="alarm__elapsed" title={t('queue.elapsed')}>
          <Elapsed since={incident.openedAt} />
        </span>
        <div className="alarm__meta">
          <span className="alarm__location">{alarmLocation(incident, index)}</span>
          <span>{t('queue.incidentCount', { n: incident.alarmIds.length, u: incident.unackedCount })}</span>
          <button type="button" className="link" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? '▾' : '▸'} {t('queue.expand')}
          </button>
        </div>
        <div className="alarm__actions">
          {unacked ? <AckButton ack={ack} label={t('queue.ackAll')} onClick={() => onAcknowledgeIncident(incident.id)} /> : null}
        </div>
        <AckFailure ack={ack} />
      </div>
      {open ? (
        <ol className="console__list incident__members">
          {alarms.map((alarm) => (
            <AlarmRow
              key={alarm.id}
              alarm={alarm}
              index={index}
              ack={alarmAcks.get(alarm.id)}
              canAck={canAck}
              selected={alarm.id === selectedAlarmId}
              onAcknowledge={onAcknowledge}
              onLocate={onLocate}
              onOpen={onOpen}
            />
          ))}
        </ol>
      ) : null}
    </li>
  );
}
