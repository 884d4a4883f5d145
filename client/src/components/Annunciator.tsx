/**
 * How the console gets attention beyond the queue: the flashing title for unacknowledged
 * critical alarms, and the sound banners — audio blocked by the browser, sound muted until when.
 */
import { useMemo } from 'react';
import { isUnacked } from '../domain/alarm.queue.ts';
import { useTitleFlash } from '../hooks/useTitleFlash.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { useLive } from '../live/useLive.ts';
import type { AlarmSoundControls } from '../sound/useAlarmSound.ts';
import { SpeakerIcon } from './SpeakerIcon.tsx';

export function Annunciator({ sound }: { sound: AlarmSoundControls }) {
  const { t, fmt } = useI18n();
  const alarms = useLive((s) => s.alarms);
  const criticalUnacked = useMemo(
    () => [...alarms.values()].filter((a) => a.priority === 'critical' && isUnacked(a) && !a.shelved && !a.outOfService).length,
    [alarms],
  );
  useTitleFlash(criticalUnacked > 0 ? `⚠ ${t('queue.titleFlash', { n: criticalUnacked })}` : null);

  return (
    <>
      {sound.state === 'blocked' ? (
        <div className={`banner banner--sound${sound.priority ? ' banner--urgent' : ''}`} role="alert" data-testid="sound-blocked">
          <span className="banner__icon" aria-hidden="true">
            <SpeakerIcon muted />
          </span>
          <span className="banner__text">{t('sound.blocked')}</span>
          <button type="button" className="btn btn--banner" onClick={sound.handleEnable}>
            {t('sound.enable')}
          </button>
        </div>
      ) : null}
      {sound.state === 'unsupported' ? (
        <div className="banner banner--sound" role="status">
          <span className="banner__icon" aria-hidden="true">
            <SpeakerIcon muted />
          </span>
          <span className="banner__text">{t('sound.unsupported')}</span>
        </div>
      ) : null}
      {sound.mute ? (
        <div className="banner banner--muted" role="status" data-testid="sound-muted">
          <span className="banner__icon" aria-hidden="true">
            <SpeakerIcon muted />
          </span>
          <span className="banner__text">{t('sound.mutedUntil', { time: fmt.hm(sound.mute.until) })}</span>
          <button type="button" className="btn btn--banner" onClick={sound.handleUnmute}>
            {t('sound.unmute')}
          </button>
        </div>
      ) : null}
    </>
  );
}
