import type { Facility } from '../../../contract/facility.ts';
import { useState } from 'react';
import { ActionsBadge } from '../actions/ActionsBadge.tsx';
import { useSession } from '../auth/SessionContext.ts';
import { VIEW_PERMISSION, VIEWS, type View } from '../hooks/useView.ts';
import type { HealthStatus } from '../hooks/useHealth.ts';
import { useNow } from '../hooks/useNow.ts';
import type { Preferences } from '../hooks/usePreferences.ts';
import { LOCALES } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import { HealthIndicator } from './HealthIndicator.tsx';
import { NavMore } from './NavMore.tsx';
import { SoundControl } from './SoundControl.tsx';
import type { AlarmSoundControls } from '../sound/useAlarmSound.ts';

interface HeaderProps {
  facility: Facility;
  siteId: string;
  health: HealthStatus;
  prefs: Preferences;
  view: View;
  sound: AlarmSoundControls;
  onSelectView: (view: View) => void;
  onSelectSite: (siteId: string) => void;
  /** Unacknowledged alarms per site, shown beside each site's name in the selector. */
  unackedBySite?: ReadonlyMap<string, number>;
  onChangePrefs: (patch: Partial<Preferences>) => void;
}

const LOCALE_NAMES = { en: 'EN', zh: '中文' } as const;
/** Pages shown as buttons; the others go in the More menu (an admin has seven: one row at 1280 px). */
const PRIMARY_VIEWS: readonly View[] = ['console', 'log', 'drills'];
const SHORT_LABEL = { console: 'nav.short.console', log: 'nav.short.log', drills: 'nav.short.drills' } as const;

export function Header({ facility, siteId, health, prefs, view, sound, onSelectView, onSelectSite, unackedBySite, onChangePrefs }: HeaderProps) {
  const { t, fmt, timeZone } = useI18n();
  const { user, logout, can } = useSession();
  const now = useNow();
  // On a phone the header is one row (brand, clock, link state, Menu); Menu opens the rest.
  const [open, setOpen] = useState(false);
  const views = VIEWS.filter((v) => can(VIEW_PERMISSION[v]));
  const primary = views.filter((v) => PRIMARY_VIEWS.includes(v));
  const secondary = views.filter((v) => !PRIMARY_VIEWS.includes(v));
  const select = (v: View): void => {
    setOpen(false);
    onSelectView(v);
  };

  return (
    <header className={`header${open ? ' header--open' : ''}`}>
      <div className="header__brand">
        <span className="header__logo" aria-hidden="true">
          ◉
        </span>
        <h1 className="header__title" title={facility.name}>
          {facility.name}
        </h1>
      </div>

      <nav className="segmented header__nav" aria-label={t('nav.main')}>
        {primary.map((v) => (
          <button key={v} type="button" aria-pressed={view === v} aria-current={view === v ? 'page' : undefined} onClick={() => select(v)}>
            <span className="nav__long">{t(`nav.${v}`)}</span>
            {v in SHORT_LABEL ? (
              <span className="nav__short" aria-hidden="true">
                {t(SHORT_LABEL[v as keyof typeof SHORT_LABEL])}
              </span>
            ) : null}
          </button>
        ))}
        {secondary.length > 0 ? <NavMore views={secondary} current={view} onSelect={select} /> : null}
      </nav>

      <label className="header__site">
        <span className="visually-hidden">{t('header.site')}</span>
        <select value={siteId} onChange={(e) => onSelectSite(e.target.value)} aria-label={t('header.site')}>
          {facility.sites.map((s) => (
            <option key={s.id} value={s.id} data-unacked={unackedBySite?.get(s.id) ?? 0}>
              {(unackedBySite?.get(s.id) ?? 0) > 0 ? t('sites.option', { name: s.name, n: unackedBySite?.get(s.id) ?? 0 }) : s.name}
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
        <ActionsBadge onOpen={() => select('actions')} />
      </div>

      <button type="button" className="toggle header__menu-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true">☰ </span>
        {t('header.menu')}
      </button>

      <div className="header__prefs">
        <SoundControl sound={sound} />
        <button
          type="button"
          className="toggle toggle--icon"
          aria-label={`${t('header.theme')}: ${prefs.theme === 'dark' ? t('header.themeLight') : t('header.themeDark')}`}
          title={prefs.theme === 'dark' ? t('header.themeLight') : t('header.themeDark')}
          onClick={() => onChangePrefs({ theme: prefs.theme === 'dark' ? 'light' : 'dark' })}
        >
          {prefs.theme === 'dark' ? '☀' : '☾'}
        </button>
        <div className="segmented" role="group" aria-label={t('header.language')}>
          {LOCALES.map((l) => (
            <button key={l} type="button" aria-pressed={prefs.locale === l} onClick={() => onChangePrefs({ locale: l })}>
              {LOCALE_NAMES[l]}
            </button>
          ))}
        </div>
      </div>

      <div className="header__user" data-testid="header-user">
        <span className="header__who">
          <span className="header__user-name">{user.displayName || user.username}</span>
          <span className="header__role">{t(`role.${user.role}`)}</span>
        </span>
        <button type="button" className="btn btn--ghost header__logout" onClick={logout}>
          {t('auth.logout')}
        </button>
      </div>
    </header>
  );
}
