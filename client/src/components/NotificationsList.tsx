/**
 * Who was told about this alarm's escalations, when, and how it went: each message with every
 * delivery attempt and the receiver's answer (`GET /api/alarms/:id/notifications`). Fetched again
 * when the alarm changes (a new escalation), and every few seconds while one is still being sent.
 */
import { useEffect, useState } from 'react';
import type { AlarmNotification, AlarmNotificationsResponse } from '../../../contract/notification.ts';
import { messageOf, request } from '../api/api.client.ts';
import { useI18n } from '../i18n/I18nContext.ts';

/** While a message is pending its attempts come every few seconds at first: look again this often. */
const PENDING_REFRESH_MS = 5000;

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; notifications: AlarmNotification[] };

/** `version` changes whenever the alarm does (its escalation level, its last update). */
export function NotificationsList({ alarmId, version }: { alarmId: string; version: string }) {
  const { t } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    request<AlarmNotificationsResponse>(`/api/alarms/${encodeURIComponent(alarmId)}/notifications`, { signal: controller.signal }).then(
      (res) => setLoad({ kind: 'ready', notifications: res.notifications }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [alarmId, version, tick]);

  const pending = load.kind === 'ready' && load.notifications.some((n) => n.status === 'pending');
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => setTick((n) => n + 1), PENDING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [pending, tick]);

  return (
    <section className="detail__section" aria-label={t('notify.title')}>
      <h3 className="detail__heading">{t('notify.title')}</h3>
      {load.kind === 'loading' ? (
        <p className="detail__muted">{t('notify.loading')}</p>
      ) : load.kind === 'error' ? (
        <p className="detail__error">{t('notify.error', { msg: load.message })}</p>
      ) : load.notifications.length === 0 ? (
        <p className="detail__muted">{t('notify.none')}</p>
      ) : (
        <NotificationEntries notifications={load.notifications} />
      )}
    </section>
  );
}

export function NotificationEntries({ notifications }: { notifications: AlarmNotification[] }) {
  return (
    <ol className="timeline" data-testid="alarm-notifications">
      {notifications.map((n) => (
        <NotificationItem key={n.id} n={n} />
      ))}
    </ol>
  );
}

function NotificationItem({ n }: { n: AlarmNotification }) {
  const { t, fmt } = useI18n();
  const kind = n.status === 'delivered' ? 'acked' : n.status === 'failed' ? 'escalated' : 'pending';
  return (
    <li className={`timeline__item timeline__item--${kind}`} data-notification-status={n.status} data-contact={n.contactId}>
      <time className="timeline__time" dateTime={new Date(n.createdAt).toISOString()}>
        {fmt.dateTime(n.createdAt)}
      </time>
      <span className="timeline__what">
        {t('notify.to', { level: String(n.level), name: n.contactName })} · {t(`notify.status.${n.status}`)}
      </span>
      <span className="timeline__actor">
        {t(`notify.channel.${n.channel}`)} {n.target}
      </span>
      <div className="timeline__note">
        {n.attempts.length === 0 ? <div>{t('notify.noAttempt')}</div> : null}
        {n.attempts.map((a) => (
          <div key={a.n} data-attempt-ok={a.ok}>
            {fmt.dateTime(a.at)} · {t(a.ok ? 'notify.attempt.ok' : 'notify.attempt.failed', { n: String(a.n) })}
            {a.status !== null ? ` · ${t('notify.code', { status: String(a.status) })}` : ''}
            {a.error ? ` · ${a.error}` : ''}
            {!a.ok && a.reply ? ` · ${a.reply}` : ''}
          </div>
        ))}
        {n.status === 'pending' && n.nextAttemptAt !== null ? <div>{t('notify.next', { time: fmt.dateTime(n.nextAttemptAt) })}</div> : null}
      </div>
    </li>
  );
}
