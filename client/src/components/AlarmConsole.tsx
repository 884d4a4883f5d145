/**
 * The duty officer's alarm queue (docs/contracts.md#the-console-queue): rows grouped by cause,
 * life-safety alarms on top, totals by priority above, and rows held still under the pointer.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { acknowledgeAlarm } from '../api/alarm.api.ts';
import { messageOf } from '../api/api.client.ts';
import { useSession } from '../auth/SessionContext.ts';
import { buildQueue, holdOrder, totalsByPriority, type AlarmQueue as Queue, type PriorityTotals, type QueueItem } from '../domain/alarm.queue.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { pluralOf } from '../i18n/messages.queue.ts';
import { useLive } from '../live/useLive.ts';
import type { AckStatus } from './AckControls.tsx';
import { AlarmRow } from './AlarmRow.tsx';
import { GroupRow } from './GroupRow.tsx';
import { QueueSummary } from './QueueSummary.tsx';

interface AlarmConsoleProps {
  index: FacilityIndex;
  /** The site the officer is looking at: the totals show it beside all sites. */
  siteId: string;
  selectedAlarmId: string | null;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
}

export function AlarmConsole({ index, siteId, selectedAlarmId, onLocate, onOpen }: AlarmConsoleProps) {
  const alarms = useLive((s) => s.alarms);
  const synced = useLive((s) => s.synced);
  const queue = useMemo(() => buildQueue(alarms.values()), [alarms]);
  const totals = useMemo(() => ({ site: totalsByPriority(alarms.values(), siteId), all: totalsByPriority(alarms.values(), null) }), [alarms, siteId]);
  const { can } = useSession();
  return (
    <AlarmQueue
      queue={queue}
      totals={totals}
      siteName={index.sitesById.size > 1 ? (index.sitesById.get(siteId)?.name ?? siteId) : null}
      index={index}
      stale={!synced}
      canAck={can('alarm.ack')}
      selectedAlarmId={selectedAlarmId}
      onLocate={onLocate}
      onOpen={onOpen}
      onAcknowledge={acknowledgeAlarm}
    />
  );
}

interface AlarmQueueProps {
  queue: Queue;
  /** Totals by priority for the selected site and all sites; none: no summary bar. */
  totals?: { site: PriorityTotals; all: PriorityTotals };
  siteName?: string | null;
  index: FacilityIndex;
  stale: boolean;
  /** The role may acknowledge (hide what the server would refuse). */
  canAck: boolean;
  selectedAlarmId: string | null;
  onLocate: (alarm: Alarm) => void;
  onOpen: (alarm: Alarm) => void;
  /** One alarm; a group's or a detector's acknowledge calls it once per alarm. */
  onAcknowledge: (alarmId: string) => Promise<unknown>;
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
export function AlarmQueue(props: AlarmQueueProps) {
  const { queue, totals, siteName = null, index, stale, canAck, selectedAlarmId, onLocate, onOpen, onAcknowledge } = props;
  const { t, locale } = useI18n();
  const [alarmAcks, handleAcknowledge] = useAckRequests(onAcknowledge);
  // The row keys in the order shown when the pointer came over the queue; null: not held.
  const [shown, setShown] = useState<readonly string[] | null>(null);
  const view = holdOrder(queue.items, shown);
  // The pointer came over an empty queue: the first rows to appear are the ones to keep still.
  useEffect(() => {
    if (shown !== null && shown.length === 0 && queue.items.length > 0) setShown(queue.items.map((i) => i.key));
  }, [shown, queue.items]);
  const showAll = (): void => setShown(queue.items.map((i) => i.key));

  return (
    <section
      className={`console${stale ? ' console--stale' : ''}`}
      aria-label={t('queue.title')}
      onPointerEnter={() => setShown((prev) => prev ?? queue.items.map((i) => i.key))}
      onPointerLeave={() => setShown(null)}
    >
      <header className="console__head">
        <h2 className="console__title">{t('queue.title')}</h2>
        {queue.unackedCount > 0 ? (
          <span className="console__unacked" data-testid="unacked-count">
            {t('queue.unacked', { n: queue.unackedCount })}
          </span>
        ) : null}
        {/* In the header, not above the rows: the bar appearing must not push them down either. */}
        <span className="console__held" aria-live="assertive" title={t('queue.held.hint')}>
          {view.held.length > 0 ? (
            <button type="button" className={`btn btn--held alarm--${heldPriority(view.held)}`} data-testid="held-bar" onClick={showAll}>
              {t(`queue.held.${pluralOf(locale, view.held.length)}`, { n: view.held.length })}
            </button>
          ) : null}
        </span>
      </header>
      {totals ? <QueueSummary site={totals.site} all={totals.all} siteName={siteName} /> : null}
      {stale ? <p className="console__stale">⚠ {t('queue.stale')}</p> : null}
      {view.items.length === 0 ? (
        <p className="console__empty">✓ {t('queue.empty')}</p>
      ) : (
        <ol className="console__list" data-testid="alarm-queue" aria-label={t('queue.shortcut')}>
          {view.items.map((item) =>
            item.kind === 'alarm' ? (
              <AlarmRow
                key={item.key}
                alarm={item.alarm}
                also={item.also}
                index={index}
                ack={rowAck(alarmAcks, item)}
                canAck={canAck}
                selected={item.alarm.id === selectedAlarmId || item.also.some((a) => a.id === selectedAlarmId)}
                onAcknowledge={handleAcknowledge}
                onLocate={onLocate}
                onOpen={onOpen}
              />
            ) : (
              <GroupRow
                key={item.key}
                rowKey={item.key}
                group={item.group}
                index={index}
                alarmAcks={alarmAcks}
                canAck={canAck}
                selectedAlarmId={selectedAlarmId}
                onAcknowledge={handleAcknowledge}
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

/** A detector's row shows the state of whichever of its acknowledgements is in flight or failed. */
function rowAck(acks: AckMap, item: Extract<QueueItem, { kind: 'alarm' }>): AckStatus | undefined {
  if (item.also.length === 0) return acks.get(item.alarm.id);
  const all = [item.alarm, ...item.also].map((a) => acks.get(a.id));
  return all.find((s) => s?.kind === 'pending') ?? all.find((s) => s?.kind === 'failed');
}

/** The most urgent priority among held rows, so the bar is coloured by what waits behind it. */
function heldPriority(held: readonly QueueItem[]): string {
  const order = ['critical', 'high', 'medium', 'low'];
  const ranks = held.map((i) => order.indexOf(i.kind === 'alarm' ? i.alarm.priority : i.group.priority));
  return order[Math.min(...ranks)] ?? 'low';
}
