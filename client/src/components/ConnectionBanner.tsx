import { useLive } from '../live/useLive.ts';
import { useI18n } from '../i18n/I18nContext.ts';

/** Never a silent failure: while the live feed is lost, say since when, in red, full width. */
export function ConnectionBanner() {
  const { t, fmt } = useI18n();
  const lostSince = useLive((s) => (s.synced ? null : s.lostSince));
  if (lostSince === null) return null;
  return (
    <div className="banner banner--lost" role="alert" data-testid="connection-lost">
      <span className="banner__icon" aria-hidden="true">
        ⚠
      </span>
      {t('banner.lost', { time: fmt.time(lostSince) })}
    </div>
  );
}
