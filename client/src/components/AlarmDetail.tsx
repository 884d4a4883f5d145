/**
 * One alarm, everything the officer needs to act on it: what and where, the actions, the SOP,
 * the sensor's recent values, and the full history. "A" acknowledges it.
 */
import { useEffect, useRef } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { isUnacked } from '../domain/alarm.queue.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useActionRunner, type ActionRunner } from '../hooks/useActionRunner.ts';
import { useAlarmDetail } from '../hooks/useAlarmDetail.ts';
import { useNow } from '../hooks/useNow.ts';
import { alarmSubject, conditionLabel } from '../i18n/alarm.labels.ts';
import { alarmMessageIn } from '../../../contract/alarm-text.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { AlarmActions } from './AlarmActions.tsx';
import { AlarmHistoryList } from './AlarmHistoryList.tsx';
import { alarmLocation } from './AlarmRow.tsx';
import { AlarmTrend } from './AlarmTrend.tsx';
import { CameraEvidence } from './CameraEvidence.tsx';
import { GatewayDevices } from './GatewayDevices.tsx';
import { LocateIcon } from './LocateIcon.tsx';
import { MusterSection } from './MusterSection.tsx';
import { NotificationsList } from './NotificationsList.tsx';
import { PresenceSection } from './PresenceSection.tsx';
import { ClassChip } from './ClassChip.tsx';
import { PriorityBadge } from './PriorityBadge.tsx';
import { SopSteps } from './SopSteps.tsx';

interface AlarmDetailProps {
  alarmId: string;
  index: FacilityIndex;
  /** Jump to the sensor's floor with the sensor highlighted; absent where there is no plan (the log). */
  onLocate?: (sensorId: string) => void;
  onClose: () => void;
  /** Told of each newer copy of the alarm (after an action, a live change): the log updates its row. */
  onAlarm?: (alarm: Alarm) => void;
  /** Extra content under the history (the log's audit entries). */
  children?: React.ReactNode;
}

export function AlarmDetail({ alarmId, index, onLocate, onClose, onAlarm, children }: AlarmDetailProps) {
  const { t, locale } = useI18n();
  const { alarm, history, refresh } = useAlarmDetail(alarmId);
  useEffect(() => {
    if (alarm) onAlarm?.(alarm);
  }, [alarm, onAlarm]);
  const runner = useActionRunner(alarmId, refresh);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [alarmId]);
  useDetailKeys(alarm, runner, onClose);

  const sensor = alarm ? index.sensorsById.get(alarm.sensorId) : undefined;
  return (
    <aside className="panel detail" aria-label={t('detail.title')} data-testid="alarm-detail" data-alarm-id={alarmId} data-state={alarm?.state}>
      <header className="panel__head">
        <div className="detail__title">
          {alarm ? <PriorityBadge priority={alarm.priority} /> : null}
          <div>
            <h2 className="panel__title">
              {alarm?.drill ? <span className="tag tag--drill">{t('queue.drill')}</span> : null}
              {alarm ? <ClassChip signal={alarm.class} /> : null}
              {alarm ? conditionLabel(alarm.condition, locale) : t('detail.title')}
            </h2>
            {alarm ? <div className="panel__id">{alarmSubject(alarm, index, locale)}</div> : null}
          </div>
        </div>
        <button ref={closeRef} type="button" className="btn btn--ghost panel__close" onClick={onClose} aria-label={t('detail.close')}>
          ✕
        </button>
      </header>
      {alarm ? (
        <>
          {alarm.drill ? (
            <p className="banner banner--drill detail__drill" role="note">
              <span className="tag tag--drill">{t('queue.drill')}</span>
              {t('detail.drill', { id: alarm.drill })}
            </p>
          ) : null}
          <div className="detail__where">
            <span>{alarmLocation(alarm, index)}</span>
            {onLocate && sensor ? (
              <button type="button" className="btn" onClick={() => onLocate(alarm.sensorId)} data-testid="detail-locate">
                <LocateIcon /> {t('detail.locate')}
              </button>
            ) : null}
          </div>
          <AlarmFacts alarm={alarm} />
          <AlarmActions alarm={alarm} runner={runner} />
          <CameraEvidence alarm={alarm} />
          <GatewayDevices alarm={alarm} index={index} onLocate={onLocate} />
          <SopSteps alarm={alarm} history={history} runner={runner} />
          <PresenceSection alarm={alarm} index={index} />
          <MusterSection alarm={alarm} />
          {sensor ? <AlarmTrend alarm={alarm} sensor={sensor} /> : null}
          {alarm.resolution ? (
            <section className="detail__section" aria-label={t('detail.resolution')}>
              <h3 className="detail__heading">{t('detail.resolution')}</h3>
              <dl className="facts">
                {alarm.resolution.causeCategory ? <Fact label={t('action.causeCategory')} value={t(`cause.${alarm.resolution.causeCategory}`)} /> : null}
                <Fact label={t('action.cause')} value={alarm.resolution.cause} />
                <Fact label={t('action.corrective')} value={alarm.resolution.correctiveAction} />
                <Fact label={t('detail.by')} value={alarm.resolution.by} />
              </dl>
            </section>
          ) : null}
        </>
      ) : history.kind === 'error' ? (
        <p className="detail__error">{t('detail.historyError', { msg: history.message })}</p>
      ) : null}
      <section className="detail__section" aria-label={t('detail.history')}>
        <h3 className="detail__heading">{t('detail.history')}</h3>
        <AlarmHistoryList history={history} />
      </section>
      {alarm ? <NotificationsList alarmId={alarmId} version={`${alarm.escalationLevel}|${alarm.updatedAt}`} /> : null}
      {children}
    </aside>
  );
}

/** "A" acknowledges the open alarm unless the officer is typing; Escape closes the pane. */
function useDetailKeys(alarm: Alarm | null, runner: ActionRunner, onClose: () => void): void {
  const latest = useRef({ alarm, runner, onClose });
  latest.current = { alarm, runner, onClose };
  useEffect(() => {
    function handleKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      const { alarm: current, runner: run, onClose: close } = latest.current;
      if (event.key === 'Escape') close();
      else if ((event.key === 'a' || event.key === 'A') && current && isUnacked(current) && run.status.kind !== 'pending') {
        event.preventDefault();
        void run.run({ type: 'ack' });
      }
    }
    window.addEventListener('keydown', handleKeyDown);
    return () => window.removeEventListener('keydown', handleKeyDown);
  }, []);
}

function AlarmFacts({ alarm }: { alarm: Alarm }) {
  const { t, fmt, duration, locale } = useI18n();
  const now = useNow();
  const value = (v: number | null): string => (v === null ? '—' : `${v}${alarm.unit ? ` ${alarm.unit}` : ''}`);
  return (
    <dl className="facts detail__facts">
      <Fact label={t('panel.state')} value={t(`alarmState.${alarm.state}`)} emphasis testId="detail-state" />
      <Fact label={t('detail.condition')} value={alarm.conditionActive ? t('detail.conditionActive') : t('detail.conditionGone')} />
      <Fact label={t('detail.raised')} value={`${fmt.dateTime(alarm.raisedAt)} (${t('panel.ago', { d: duration(now - alarm.raisedAt) })})`} />
      {alarm.lastValue !== null ? <Fact label={t('detail.value')} value={`${value(alarm.lastValue)} · ${t('detail.peak')} ${value(alarm.peakValue)}`} /> : null}
      {alarm.ackedAt !== null ? (
        <Fact label={t('detail.acked')} value={t('detail.atBy', { time: fmt.dateTime(alarm.ackedAt), who: alarm.ackedBy ?? '—' })} />
      ) : null}
      {alarm.assignedTo ? <Fact label={t('detail.assigned')} value={alarm.assignedTo} /> : null}
      {alarm.escalationLevel > 0 ? <Fact label={t('detail.escalation')} value={`▲ L${alarm.escalationLevel}`} warn /> : null}
      {alarm.shelved ? (
        <Fact
          label={t('state.shelved')}
          value={t('detail.shelvedUntil', { time: fmt.dateTime(alarm.shelved.until), who: alarm.shelved.by, reason: alarm.shelved.reason })}
        />
      ) : null}
      {alarm.latching && !alarm.conditionActive && alarm.state !== 'cleared' ? <Fact label={t('detail.latched')} value={t('queue.latched')} warn /> : null}
      <Fact label={t('detail.message')} value={alarmMessageIn(alarm, locale)} />
    </dl>
  );
}

function Fact({ label, value, emphasis, warn, testId }: { label: string; value: string; emphasis?: boolean; warn?: boolean; testId?: string }) {
  return (
    <div className={`fact${emphasis ? ' fact--big' : ''}${warn ? ' fact--warn' : ''}`} data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
