/** Header control: mute the alarm sound for 5, 15 or 30 minutes (the banner then says until when). */
import { useI18n } from '../i18n/I18nContext.ts';
import { SpeakerIcon } from './SpeakerIcon.tsx';
import { MUTE_CHOICES_MIN } from '../sound/sound.patterns.ts';
import type { AlarmSoundControls } from '../sound/useAlarmSound.ts';

export function SoundControl({ sound }: { sound: AlarmSoundControls }) {
  const { t } = useI18n();
  if (sound.mute) {
    return (
      <button type="button" className="toggle toggle--muted" onClick={sound.handleUnmute}>
        <SpeakerIcon muted /> {t('sound.unmute')}
      </button>
    );
  }
  return (
    <label className={`sound-control${sound.priority ? ' sound-control--sounding' : ''}`}>
      <SpeakerIcon />
      <span className="visually-hidden">{t('sound.mute')}</span>
      <select
        value=""
        aria-label={t('sound.mute')}
        data-testid="sound-mute"
        onChange={(e) => {
          if (e.target.value) sound.handleMute(Number(e.target.value));
        }}
      >
        <option value="">{sound.priority ? t('sound.sounding') : t('sound.mute')}</option>
        {MUTE_CHOICES_MIN.map((m) => (
          <option key={m} value={m}>
            {t('sound.muteFor', { n: m })}
          </option>
        ))}
      </select>
    </label>
  );
}
