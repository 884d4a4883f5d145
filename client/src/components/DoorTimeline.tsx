/**
 * A door's recent events, newest first: opened, closed, access granted or denied with the badge,
 * forced. Read from the history (`GET /api/sensors/:id/events`), fetched again when the door's
 * live state changes, so a new event appears without a reload.
 */
import { useEffect, useState } from 'react';
import type { SensorEventPoint } from '../../../contract/api.ts';
import { fetchSensorEvents } from '../api/sensor.api.ts';
import { messageOf } from '../api/api.client.ts';
import type { MessageKey } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';

/** The last day: a shift and the night before it. */
const SPAN_MS = 86_400_000;

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; events: SensorEventPoint[]; truncated: boolean };

/** Labels of the door's own event types; any other type shows as sent. */
const LABELS: Partial<Record<SensorEventPoint['type'], MessageKey>> = {
  open: 'door.open',
  closed: 'door.closed',
  access_granted: 'door.granted',
  access_denied: 'door.denied',
  forced_open: 'door.forced',
  tamper: 'door.tamper',
  tamper_clear: 'door.tamperClear',
};

export function DoorTimeline({ sensorId, version }: { sensorId: string; version: string }) {
  const { t, fmt } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    const now = Date.now();
    fetchSensorEvents(sensorId, now - SPAN_MS, now, controller.signal).then(
      (res) => setLoad({ kind: 'ready', events: res.events, truncated: res.truncated }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [sensorId, version]);
  return (
    <section className="detail__section door-timeline" aria-label={t('door.timeline')}>
      <h3 className="detail__heading">{t('door.timeline')}</h3>
      {load.kind === 'loading' ? <p className="detail__muted">{t('door.loading')}</p> : null}
      {load.kind === 'error' ? <p className="detail__error">{t('door.error', { msg: load.message })}</p> : null}
      {load.kind === 'ready' && load.events.length === 0 ? <p className="detail__muted">{t('door.empty')}</p> : null}
      {load.kind === 'ready' && load.events.length > 0 ? (
        <ol className="timeline" data-testid="door-timeline">
          {load.events.map((e, i) => {
            const label = LABELS[e.type];
            return (
              <li key={`${e.t}:${i}`} className={`timeline__item door-timeline__${e.type}`} data-type={e.type}>
                <time className="timeline__time" dateTime={new Date(e.t).toISOString()}>
                  {fmt.dateTime(e.t)}
                </time>
                <span className="timeline__what">
                  {e.drill ? <span className="tag tag--drill">{t('queue.drill')}</span> : null}
                  {label ? t(label) : e.type}
                </span>
                {e.credential ? <span className="timeline__actor">{t('door.badge', { badge: e.credential })}</span> : null}
                {e.detail ? <p className="timeline__note">{e.detail}</p> : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      {load.kind === 'ready' && load.truncated ? <p className="detail__muted">{t('door.truncated')}</p> : null}
    </section>
  );
}
