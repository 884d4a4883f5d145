/** An alarm's lifecycle and actions, oldest first: who did what and when (the audit trail is the record). */
import type { AlarmEvent } from '../../../contract/alarm.ts';
import { SYSTEM_ACTOR } from '../../../contract/alarm-constants.ts';
import type { HistoryLoad } from '../hooks/useAlarmDetail.ts';
import { historyNote } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';

export function AlarmHistoryList({ history }: { history: HistoryLoad }) {
  const { t } = useI18n();
  if (history.kind === 'loading') return <p className="detail__muted">{t('detail.historyLoading')}</p>;
  if (history.kind === 'error') return <p className="detail__error">{t('detail.historyError', { msg: history.message })}</p>;
  return (
    <ol className="timeline" data-testid="alarm-history">
      {history.history.map((event) => (
        <HistoryItem key={event.seq} event={event} />
      ))}
    </ol>
  );
}

function HistoryItem({ event }: { event: AlarmEvent }) {
  const { t, fmt, locale, procedure } = useI18n();
  const actor = event.actor === SYSTEM_ACTOR ? t('event.system') : event.actor;
  // A ticked step reads as the procedure the viewer sees, in their language.
  const note = historyNote(event, locale, event.subject === 'alarm' ? procedure(event.alarm) : undefined);
  return (
    <li className={`timeline__item timeline__item--${event.kind}`} data-kind={event.kind}>
      <time className="timeline__time" dateTime={new Date(event.at).toISOString()}>
        {fmt.dateTime(event.at)}
      </time>
      <span className="timeline__what">
        {t(`event.${event.kind}`)}
        {event.subject === 'alarm' && event.kind === 'escalated' && event.level !== undefined ? ` L${event.level}` : ''}
        {event.subject === 'alarm' && event.kind === 'priority_raised' && event.fromPriority
          ? ` (${t(`priority.${event.fromPriority}`)} → ${t(`priority.${event.alarm.priority}`)})`
          : ''}
        {'assignee' in event && event.assignee ? ` → ${event.assignee}` : ''}
        {event.subject === 'alarm' && event.kind === 'sop_step' ? ` · ${t(event.done ? 'event.sopDone' : 'event.sopUndone')}` : ''}
      </span>
      <span className="timeline__actor">{actor}</span>
      {note ? <p className="timeline__note">{note}</p> : null}
    </li>
  );
}
