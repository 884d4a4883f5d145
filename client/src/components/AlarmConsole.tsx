/** The duty officer's alarm queue (issue 5 "Duty officer: live console"). */
import { useCallback, useMemo, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { acknowledgeAlarm, acknowledgeIncident } from '../api/api.client.ts';
import { buildQueue, isUnacked, type AlarmQueue as Queue } from '../domain/alarm.queue.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useNow } from '../hooks/useNow.ts';
import { useTitleFlash } from '../hooks/useTitleFlash.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { useLive } from '../live/useLive.ts';
import { AlarmRow, type AckStatus } from './AlarmRow.tsx';
import { IncidentRow } from './IncidentRow.tsx';

interface AlarmConsoleProps {
  index: FacilityIndex;
  onLocate: (alarm: Alarm) => void;
}

export function AlarmConsole({ index, onLocate }: AlarmConsoleProps) {
  const alarms = useLive((s) => s.alarms);
  const incidents = useLive((s) => s.incidents);
  const synced = useLive((s) => s.synced);
  const queue = useMemo(() => buildQueue(alarms.values(), incidents), [alarms, incidents]);
  const { t } = useI18n();
  const criticalUnacked = useMemo(
    () => [...alarms.values()].filter((a) => a.priority === 'critical' && isUnacked(a) && !a.shelved && !a.outOfService).length,
    [alarms],
  );
  useTitleFlash(criticalUnacked > 0 ? `⚠ ${t('queue.titleFlash', { n: criticalUnacked })}` : null);
  return (
    <AlarmQueue
      queue={queue}
      index={index}
      stale={!synced}
      onLocate={onLocate}
      onAcknowledge={acknowledgeAlarm}
      onAcknowledgeIncident={acknowledgeIncident}
    />
  );
}

interface AlarmQueueProps {
  queue: Queue;
  index: FacilityIndex;
  stale: boolean;
  onLocate: (alarm: Alarm) => void;
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
        (err: unknown) => set(id, { kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
    },
    [send, set],
  );
  return [acks, handle];
}

/** The queue itself, free of the live store so it renders in tests from plain data. */
export function AlarmQueue({ queue, index, stale, onLocate, onAcknowledge, onAcknowledgeIncident }: AlarmQueueProps) {
  const { t } = useI18n();
  const now = useNow();
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
                now={now}
                index={index}
                ack={alarmAcks.get(item.alarm.id)}
                onAcknowledge={handleAcknowledge}
                onLocate={onLocate}
              />
            ) : (
              <IncidentRow
                key={item.incident.id}
                incident={item.incident}
                alarms={item.alarms}
                now={now}
                index={index}
                ack={incidentAcks.get(item.incident.id)}
                alarmAcks={alarmAcks}
                onAcknowledge={handleAcknowledge}
                onAcknowledgeIncident={handleAcknowledgeIncident}
                onLocate={onLocate}
              />
            ),
          )}
        </ol>
      )}
      <SilencedList title={t('queue.shelved', { n: queue.shelved.length })} alarms={queue.shelved} now={now} index={index} onLocate={onLocate} />
      <SilencedList title={t('queue.outOfService', { n: queue.outOfService.length })} alarms={queue.outOfService} now={now} index={index} onLocate={onLocate} />
    </section>
  );
}

interface SilencedListProps {
  title: string;
  alarms: Alarm[];
  now: number;
  index: FacilityIndex;
  onLocate: (alarm: Alarm) => void;
}

/** Shelved and out-of-service alarms: out of the way, but one click from view. */
function SilencedList({ title, alarms, now, index, onLocate }: SilencedListProps) {
  if (alarms.length === 0) return null;
  return (
    <details className="console__silenced">
      <summary>{title}</summary>
      <ol className="console__list">
        {alarms.map((alarm) => (
          <AlarmRow key={alarm.id} alarm={alarm} now={now} index={index} ack={undefined} onAcknowledge={noop} onLocate={onLocate} />
        ))}
      </ol>
    </details>
  );
}

function noop(): void {}
