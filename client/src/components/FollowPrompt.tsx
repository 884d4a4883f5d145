import type { Alarm } from '../../../contract/alarm.ts';
import { alarmMessageIn } from '../../../contract/alarm-text.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { PRIORITY_STYLES } from '../domain/priority.style.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { PriorityBadge } from './PriorityBadge.tsx';

interface FollowPromptProps {
  alarm: Alarm;
  index: FacilityIndex;
  onGo: () => void;
  onDismiss: () => void;
}

/**
 * A new alarm of the highest priority present arrived while the officer was using the console:
 * the plan stayed where they put it, and this offers to go there. Large and in the alarm's
 * colour, so it is not missed beside the plan it did not move.
 */
export function FollowPrompt({ alarm, index, onGo, onDismiss }: FollowPromptProps) {
  const { t, locale } = useI18n();
  const sensor = index.sensorsById.get(alarm.sensorId);
  const site = index.sitesById.get(alarm.siteId);
  const floor = sensor ? index.floorOf(sensor.siteId, sensor.floorId) : undefined;
  return (
    <section
      className={`follow-prompt follow-prompt--${alarm.priority}`}
      role="alert"
      aria-label={t('follow.prompt', { priority: t(PRIORITY_STYLES[alarm.priority].labelKey) })}
      data-alarm-id={alarm.id}
      data-testid="follow-prompt"
    >
      <PriorityBadge priority={alarm.priority} />
      <div className="follow-prompt__text">
        <strong className="follow-prompt__title">{t('follow.prompt', { priority: t(PRIORITY_STYLES[alarm.priority].labelKey) })}</strong>
        <span className="follow-prompt__message">{alarmMessageIn(alarm, locale)}</span>
        <span className="follow-prompt__where">{t('follow.where', { site: site?.name ?? alarm.siteId, floor: floor?.name ?? '' })}</span>
      </div>
      <button type="button" className="btn btn--primary btn--large" onClick={onGo} aria-label={t('follow.goTo', { sensor: sensor?.name ?? alarm.sensorName })}>
        {t('follow.go')}
      </button>
      <button type="button" className="btn btn--ghost" onClick={onDismiss}>
        {t('follow.dismiss')}
      </button>
    </section>
  );
}
