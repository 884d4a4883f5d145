/** The duty officer's alarm queue (issue 5 "Duty officer: live console"). */
import { useCallback, useMemo, useState } from 'react';
import { acknowledgeAlarm } from '../api/api.client.ts';
import { buildQueue } from '../domain/alarm.queue.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import type { Alarm } from '../live/alarm.types.ts';
import { useLive } from '../live/useLive.ts';
import { AlarmRow, type AckStatus } from './AlarmRow.tsx';

interface AlarmConsoleProps {
  index: FacilityIndex;
  onLocate: (alarm: Alarm) => void;
}

export function AlarmConsole({ index, onLocate }: AlarmConsoleProps) {
  const alarms = useLive((s) => s.alarms);
  const synced = useLive((s) => s.synced);
  const queue = useMemo(() => buildQueue(alarms.values()), [alarms]);
  return <AlarmQueue queue={queue} index={index} stale={!synced} onLocate={onLocate} onAcknowledge={acknowledgeAlarm} />;
}

interface AlarmQueueProps {
  queue: ReturnType<typeof buildQueue>;
  index: FacilityIndex;
  stale: boolean;
  onLocate: (alarm: Alarm) => void;
  onAcknowledge: (alarmId: string) => Promise<unknown>;
}

/** The queue itself, free of the live store so it renders in tests from plain data. */
export function AlarmQueue({ queue, index, stale, onLocate, onAcknowledge }: AlarmQueueProps) {
  const { t } = useI18n();
  const now = useNow();
  const [acks, setAcks] = useState<ReadonlyMap<string, AckStatus>>(new Map());

  const setAck = useCallback((id: string, status: AckStatus | undefined) => {
    setAcks((prev) => {
      const next = new Map(prev);
      if (status) next.set(id, status);
      else next.delete(id);
      return next;
    });
  }, []);

  const handleAcknowledge = useCallback(
    (alarmId: string) => {
      setAck(alarmId, { kind: 'pending' });
      // The acknowledged state arrives as a live alarm event; only failures are kept here.
      onAcknowledge(alarmId).then(
        () => setAck(alarmId, undefined),
        (err: unknown) => setAck(alarmId, { kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
    },
    [onAcknowledge, setAck],
  );

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
      {stale ? <p className="console__stale">{t('queue.stale')}</p> : null}
      {queue.active.length === 0 ? (
        <p className="console__empty">✓ {t('queue.empty')}</p>
      ) : (
        <ol className="console__list">
          {queue.active.map((alarm) => (
            <AlarmRow key={alarm.id} alarm={alarm} now={now} index={index} ack={acks.get(alarm.id)} onAcknowledge={handleAcknowledge} onLocate={onLocate} />
          ))}
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
