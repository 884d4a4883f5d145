import { useLive } from '../live/useLive.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { useCommLostTone } from '../sound/useCommLostTone.ts';

/**
 * Never a silent failure: while the live feed is lost, say since when, in red, full width, and
 * sound the comm-lost tone until the link is back or the officer silences it. `data-comm-tone`
 * tells what the tone does (playing, blocked, silenced…), which headless tests cannot hear.
 */
export function ConnectionBanner() {
  const { t, fmt } = useI18n();
  const lostSince = useLive((s) => (s.synced ? null : s.lostSince));
  const tone = useCommLostTone(lostSince);
  if (lostSince === null) return null;
  return (
    <div className="banner banner--lost" role="alert" data-testid="connection-lost" data-comm-tone={tone.state}>
      <span className="banner__icon" aria-hidden="true">
        ⚠
      </span>
      <span className="banner__text">{t('banner.lost', { time: fmt.time(lostSince) })}</span>
      {tone.state === 'playing' ? (
        <button type="button" className="btn btn--banner" onClick={tone.handleSilence} data-testid="comm-tone-silence">
          {t('link.silence')}
        </button>
      ) : null}
      {tone.state === 'blocked' ? (
        <>
          <span className="banner__detail">{t('link.blocked')}</span>
          <button type="button" className="btn btn--banner" onClick={tone.handleEnable}>
            {t('link.enable')}
          </button>
        </>
      ) : null}
      {tone.state === 'silenced' ? <span className="banner__detail">{t('link.silenced')}</span> : null}
      {tone.state === 'unsupported' ? <span className="banner__detail">{t('link.unsupported')}</span> : null}
    </div>
  );
}
