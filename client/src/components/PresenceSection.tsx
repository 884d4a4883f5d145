/**
 * Who was presumed in the alarm's zone when it was raised: people who badged in within the
 * presence window and have not badged out (`GET /api/presence/alarms/:id`). Hazard alarms only
 * (gas, CO, fire, leak); the list is the one taken at the raise, so it does not change under the
 * officer's eyes.
 */
import { textIn } from '../../../contract/alarm-text.ts';
import { useCallback } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import type { PresentPerson } from '../../../contract/presence.ts';
import { PRESENCE_CONDITIONS } from '../../../contract/condition-sets.ts';
import { fetchAlarmPresence } from '../api/presence.api.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import '../styles/presence.css';

/** A person's name in the viewer's language; a badge nobody holds by its masked id. */
export function personName(p: Pick<PresentPerson, 'name' | 'nameZh' | 'badge'>, locale: Locale, unknown: (badge: string) => string): string {
  if (p.name === undefined) return unknown(p.badge);
  return textIn(p.name, p.nameZh, locale);
}

export function PresenceSection({ alarm, index }: { alarm: Alarm; index: FacilityIndex }) {
  if (!PRESENCE_CONDITIONS.has(alarm.condition)) return null;
  return <PresenceList alarmId={alarm.id} index={index} />;
}

function PresenceList({ alarmId, index }: { alarmId: string; index: FacilityIndex }) {
  const { t, fmt, locale } = useI18n();
  const [load] = useLoad(useCallback((signal: AbortSignal) => fetchAlarmPresence(alarmId, signal), [alarmId]));
  const presence = load.kind === 'ready' ? load.value.presence : null;
  if (load.kind === 'ready' && presence === null) return null;
  const unknown = (badge: string): string => t('presence.unknown', { badge });
  return (
    <section className="detail__section" aria-label={t('presence.title')} data-testid="alarm-presence">
      <h3 className="detail__heading">{t('presence.title')}</h3>
      {load.kind === 'loading' ? (
        <p className="detail__muted">{t('presence.loading')}</p>
      ) : load.kind === 'error' ? (
        <p className="detail__error">{t('presence.error', { msg: load.message })}</p>
      ) : presence ? (
        <>
          <p className="detail__muted">
            {t('presence.heading', { h: presence.windowHours })} — {t('presence.taken', { time: fmt.dateTime(presence.at) })}
          </p>
          {presence.people.length === 0 ? (
            <p className="detail__muted">{t('presence.none', { h: presence.windowHours })}</p>
          ) : (
            <ul className="presence">
              {presence.people.map((p) => (
                <li key={p.key} className="presence__person" data-person={p.key}>
                  <strong>{personName(p, locale, unknown)}</strong>{' '}
                  <span className="detail__muted">
                    {p.name !== undefined ? `${p.badge} · ` : ''}
                    {t('presence.since', { time: fmt.hm(p.since), door: index.sensorsById.get(p.doorId)?.name ?? p.doorId })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}
