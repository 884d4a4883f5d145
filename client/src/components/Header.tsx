import type { Facility } from '../../../contract/facility.ts';
import type { HealthStatus } from '../hooks/useHealth.ts';
import { useNow } from '../hooks/useNow.ts';
import type { Preferences } from '../hooks/usePreferences.ts';
import { LOCALES } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import { HealthIndicator } from './HealthIndicator.tsx';

interface HeaderProps {
  facility: Facility;
  siteId: string;
  health: HealthStatus;
  prefs: Preferences;
  onSelectSite: (siteId: string) => void;
  onChangePrefs: (patch: Partial<Preferences>) => void;
}

const LOCALE_NAMES = { en: 'EN', zh: '中文' } as const;

export function Header({ facility, siteId, health, prefs, onSelectSite, onChangePrefs }: HeaderProps) {
  const { t, fmt, timeZone } = useI18n();
  const now = useNow();

  return (
    <header className="header">
      <div className="header__brand">
        <span className="header__logo" aria-hidden="true">◉</span>
        <h1 className="header__title" title={facility.name}>
          {facility.name}
        </h1>
      </div>

      <label className="header__site">
        <span className="visually-hidden">{t('header.site')}</span>
        <select value={siteId} onChange={(e) => onSelectSite(e.target.value)} aria-label={t('header.site')}>
          {facility.sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>

      <time className="header__clock" dateTime={new Date(now).toISOString()} title={`${t('header.siteTime')} (${timeZone})`}>
        {fmt.time(now)}
        <span className="header__tz">{timeZone}</span>
      </time>

      <div className="header__status">
        <ConnectionIndicator />
        <HealthIndicator status={health} />
      </div>

      <div className="header__prefs">
        <button
          type="button"
          className="toggle"
          aria-label={t('header.theme')}
          onClick={() => onChangePrefs({ theme: prefs.theme === 'dark' ? 'light' : 'dark' })}
        >
          {prefs.theme === 'dark' ? `☀ ${t('header.themeLight')}` : `☾ ${t('header.themeDark')}`}
        </button>
        <div className="segmented" role="group" aria-label={t('header.language')}>
          {LOCALES.map((l) => (
            <button key={l} type="button" aria-pressed={prefs.locale === l} onClick={() => onChangePrefs({ locale: l })}>
              {LOCALE_NAMES[l]}
            </button>
          ))}
        </div>
      </div>
    </header>
  );
}
