/** The duty officer's alarm queue. */
import { useCallback, useMemo, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { acknowledgeAlarm, acknowledgeIncident } from '../api/alarm.api.ts';
import { messageOf } from '../api/api.client.ts';
import { useSession } from '../auth/SessionContext.ts';
import { buildQueue, type AlarmQueue as Queue } from '../domain/alarm.queue.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { useLive } from '../live/useLive.ts';
import type { AckStatus } from './AckControls.tsx';
import { AlarmRow } from './AlarmRow.tsx';
import { IncidentRow } from './IncidentRow.tsx';

interface AlarmConsoleProps {
  index: FacilityIndex;
  selectedAlarmId: string | null;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
}

export function AlarmConsole({ index, selectedAlarmId, onLocate, onOpen }: AlarmConsoleProps) {
  const alarms = useLive((s) => s.alarms);
  const incidents = useLive((s) => s.incidents);
  const synced = useLive((s) => s.synced);
  const queue = useMemo(() => buildQueue(alarms.values(), incidents), [alarms, incidents]);
  const { can } = useSession();
  return (
    <AlarmQueue
      queue={queue}
      index={index}
      stale={!synced}
      canAck={can('alarm.ack')}
      selectedAlarmId={selectedAlarmId}
      onLocate={onLocate}
      onOpen={onOpen}
      onAcknowledge={acknowledgeAlarm}
      onAcknowledgeIncident={acknowledgeIncident}
    />
  );
}

interface AlarmQueueProps {
  queue: Queue;
  index: FacilityIndex;
  stale: boolean;
  /** The role may acknowledge (hide what the server would refuse). */
  canAck: boolean;
  selectedAlarmId: string | null;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
  onAcknowledge: (alarmId: string) => Promise<unknown>;
  onAcknowledgeIncident: (incidentId: string) => Promise<unknown>;
}

type AckMap = ReadonlyMap<string, AckStatus>;

/** Tracks requests in flight and failures; the acknowledged state itself arrives as a live event. */
function useAckRequests(send: (id: string) => Promise<unknown>): [AckMap, (id: string) => void] {
  const [acks, setAcks] = useState<AckMap>(new Map());
  const set = useCallback((id: string, status: AckStatus | undefined) => {
    setAcks((prev) => {
      const next = new Map(prev);
      if (status) next.set(id, status);
      else next.delete(id);
      return next;
    });
  }, []);
  const handle = useCallback(
    (id: string) => {
      set(id, { kind: 'pending' });
      send(id).then(
        () => set(id, undefined),
        (err: unknown) => set(id, { kind: 'failed', message: messageOf(err) }),
      );
    },
    [send, set],
  );
  return [acks, handle];
}

/** The queue itself, free of the live store so it renders in tests from plain data. */
export function AlarmQueue({ queue, index, stale, canAck, selectedAlarmId, onLocate, onOpen, onAcknowledge, onAcknowledgeIncident }: AlarmQueueProps) {
  const { t } = useI18n();
  const [alarmAcks, handleAcknowledge] = useAckRequests(onAcknowledge);
  const [incidentAcks, handleAcknowledgeIncident] = useAckRequests(onAcknowledgeIncident);

  return (
    <section className={`console${stale ? ' console--stale' : ''}`} aria-label={t('queue.title')}>
      <header className="console__head">
        <h2 className="console__title">{t('queue.title')}</h2>
        {queue.unackedCount > 0 ? (
          <span className="console__unacked" data-testid="unacked-count">
            {t('queue.unacked', { n: queue.unackedCount })}
          </span>
        ) : null}
      </header>
      {stale ? <p className="console__stale">⚠ {t('queue.stale')}</p> : null}
      {queue.items.length === 0 ? (
        <p className="console__empty">✓ {t('queue.empty')}</p>
      ) : (
        <ol className="console__list" data-testid="alarm-queue" aria-label={t('queue.shortcut')}>
          {queue.items.map((item) =>
            item.kind === 'alarm' ? (
              <AlarmRow
                key={item.alarm.id}
                alarm={item.alarm}
                index={index}
                ack={alarmAcks.get(item.alarm.id)}
                canAck={canAck}
                selected={item.alarm.id === selectedAlarmId}
                onAcknowledge={handleAcknowledge}
                onLocate={onLocate}
                onOpen={onOpen}
              />
            ) : (
              <IncidentRow
                key={item.incident.id}
                incident={item.incident}
                alarms={item.alarms}
                index={index}
                ack={incidentAcks.get(item.incident.id)}
                alarmAcks={alarmAcks}
                canAck={canAck}
                selectedAlarmId={selectedAlarmId}
                onAcknowledge={handleAcknowledge}
                onAcknowledgeIncident={handleAcknowledgeIncident}
                onLocate={onLocate}
                onOpen={onOpen}
              />
            ),
          )}
        </ol>
      )}
      <SilencedList
        title={t('queue.shelved', { n: queue.shelved.length })}
        alarms={queue.shelved}
        index={index}
        selectedAlarmId={selectedAlarmId}
        onLocate={onLocate}
        onOpen={onOpen}
      />
      <SilencedList
        title={t('queue.outOfService', { n: queue.outOfService.length })}
        alarms={queue.outOfService}
        index={index}
        selectedAlarmId={selectedAlarmId}
        onLocate={onLocate}
        onOpen={onOpen}
      />
    </section>
  );
}

interface SilencedListProps {
  title: string;
  alarms: Alarm[];
  index: FacilityIndex;
  selectedAlarmId: string | null;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
}

/** Shelved and out-of-service alarms: out of the way, but one click from view. */
function SilencedList({ title, alarms, index, selectedAlarmId, onLocate, onOpen }: SilencedListProps) {
  if (alarms.length === 0) return null;
  return (
    <details className="console__silenced">
      <summary>{title}</summary>
      <ol className="console__list">
        {alarms.map((alarm) => (
          <AlarmRow
            key={alarm.id}
            alarm={alarm}

            index={index}
            ack={undefined}
            canAck={false}
            selected={alarm.id === selectedAlarmId}
            onAcknowledge={noop}
            onLocate={onLocate}
            onOpen={onOpen}
          />
        ))}
      </ol>
    </details>
  );
}

function noop(): void {}
