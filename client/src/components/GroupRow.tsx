/**
 * Several trouble alarms with one cause (a gateway and its devices offline, a burst of one trouble
 * in one zone) as one row: it says what it holds, its timer runs from its first alarm, and its
 * acknowledge asks first. It never holds a life-safety alarm (docs/contracts.md#the-console-queue).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { groupAckTargets, type AlarmGroup } from '../domain/alarm.queue.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { pluralOf } from '../i18n/messages.queue.ts';
import { AckFailure, type AckStatus } from './AckControls.tsx';
import { alarmLocation, AlarmRow } from './AlarmRow.tsx';
import { Elapsed } from './Elapsed.tsx';
import { PriorityBadge } from './PriorityBadge.tsx';
import { handleQueueRowKey } from './queue.keys.ts';

interface GroupRowProps {
  rowKey: string;
  group: AlarmGroup;
  index: FacilityIndex;
  /** Each member alarm's acknowledgement in flight or failed. */
  alarmAcks: ReadonlyMap<string, AckStatus>;
  canAck: boolean;
  selectedAlarmId: string | null;
  onAcknowledge: (alarmId: string) => void;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
}

export function GroupRow({ rowKey, group, index, alarmAcks, canAck, selectedAlarmId, onAcknowledge, onLocate, onOpen }: GroupRowProps) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(() => group.alarms.some((a) => a.id === selectedAlarmId));
  const [confirming, setConfirming] = useState(false);
  const rowRef = useRef<HTMLLIElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // The question takes the focus, on its harmless answer: a second stray key press acknowledges nothing.
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);
  const targets = groupAckTargets(group);
  const ackable = canAck && targets.length > 0;
  const pending = targets.some((a) => alarmAcks.get(a.id)?.kind === 'pending');
  const failed = group.alarms.map((a) => alarmAcks.get(a.id)).find((s) => s?.kind === 'failed');

  function handleKeyDown(event: KeyboardEvent<HTMLLIElement>) {
    // "A" on a group only asks: a group is never acknowledged by one key press.
    handleQueueRowKey(event, ackable && !pending ? () => setConfirming(true) : null);
  }

  function handleConfirm() {
    setConfirming(false);
    for (const alarm of targets) onAcknowledge(alarm.id);
    rowRef.current?.focus();
  }

  function handleCancel() {
    setConfirming(false);
    rowRef.current?.focus();
  }

  function handleDialogKey(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      handleCancel();
    }
    // Keys inside the question are the question's, not the row's ("A" would ask again).
    event.stopPropagation();
  }

  const title =
    group.cause.type === 'gateway'
      ? t('queue.group.gateway', { name: gatewayName(group, group.cause.gatewayId, index) })
      : t('queue.group.burst', {
          condition: conditionLabel(group.cause.condition, locale),
          zone: index.zoneOf(group.siteId, group.zoneId)?.zone.name ?? group.zoneId,
        });
  const n = group.alarms.length;

  return (
    <li
      ref={rowRef}
      className={`incident alarm--${group.priority}${group.unacked > 0 ? ' incident--unacked' : ''}`}
      data-group-key={rowKey}
      // Which alarms it holds, for a look-up by alarm id (`[data-alarm-ids~="…"]`) while it is collapsed.
      data-alarm-ids={group.alarms.map((a) => a.id).join(' ')}
      data-alarm-count={n}
      data-testid="alarm-group"
      data-drill={group.drill ? 'true' : undefined}
      tabIndex={0}
      onKeyDown={handleKeyDown}
    >
      <div className="alarm incident__head">
        <PriorityBadge priority={group.priority} />
        <div className="alarm__title">
          {group.drill ? <span className="tag tag--drill">{t('queue.drill')}</span> : null}
          <span className="alarm__type">{title}</span>
        </div>
        <span className="alarm__elapsed" title={t('queue.elapsed')}>
          <Elapsed since={group.firstAt} />
        </span>
        <div className="alarm__meta">
          <span className="alarm__location">{alarmLocation(group, index)}</span>
          <span data-testid="group-count">
            {t(`queue.group.count.${pluralOf(locale, n)}`, { n })} · {t('queue.group.unacked', { n: group.unacked })}
          </span>
          <span data-testid="group-kinds">
            {[
              ...group.byPriority.map(([p, c]) => `${t(`priority.${p}`)} ${c}`),
              ...group.byCondition.map(([c, k]) => `${conditionLabel(c, locale)} ${k}`),
            ].join(' · ')}
          </span>
          <button type="button" className="link" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? '▾' : '▸'} {t('queue.group.members')}
          </button>
        </div>
        <div className="alarm__actions">
          {ackable && !confirming ? (
            <button type="button" className="btn btn--ack" disabled={pending} onClick={() => setConfirming(true)}>
              {pending ? t('queue.acking') : t(`queue.group.ack.${pluralOf(locale, targets.length)}`, { n: targets.length })}
            </button>
          ) : null}
        </div>
        {ackable && confirming ? (
          <div
            className="group__confirm"
            role="alertdialog"
            onKeyDown={handleDialogKey}
            aria-label={t(`queue.group.ack.${pluralOf(locale, targets.length)}`, { n: targets.length })}
          >
            <p>{t(`queue.group.confirm.${pluralOf(locale, targets.length)}`, { n: targets.length })}</p>
            <button type="button" className="btn btn--ack" onClick={handleConfirm}>
              {t('queue.group.confirmYes')}
            </button>
            <button ref={cancelRef} type="button" className="btn btn--ghost" onClick={handleCancel}>
              {t('queue.group.cancel')}
            </button>
          </div>
        ) : null}
        <AckFailure ack={failed} />
      </div>
      {open ? (
        <ol className="console__list incident__members">
          {group.alarms.map((alarm) => (
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

/** The gateway's name from the facility, else from its own offline alarm, else its id. */
function gatewayName(group: AlarmGroup, gatewayId: string, index: FacilityIndex): string {
  const own = group.alarms.find((a) => a.condition === 'gateway_offline');
  return index.gatewaysById.get(gatewayId)?.name || own?.sensorName || gatewayId;
}
