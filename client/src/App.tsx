import { useMemo } from 'react';
import { Dashboard } from './Dashboard.tsx';
import { useFacility } from './hooks/useFacility.ts';
import { usePreferences } from './hooks/usePreferences.ts';
import { I18nContext, makeI18n } from './i18n/I18nContext.ts';
import type { LiveStore } from './live/live.store.ts';
import { LiveStoreContext } from './live/useLive.ts';

export function App({ store }: { store: LiveStore }) {
  const [prefs, setPrefs] = usePreferences();
  const [load, retry] = useFacility(store);
  // Until the facility (and so the site's time zone) is known, the browser's zone will do.
  const i18n = useMemo(() => makeI18n(prefs.locale, Intl.DateTimeFormat().resolvedOptions().timeZone), [prefs.locale]);

  return (
    <LiveStoreContext.Provider value={store}>
      {load.kind === 'ready' ? (
        <Dashboard facility={load.facility} prefs={prefs} onChangePrefs={setPrefs} />
      ) : (
        <I18nContext.Provider value={i18n}>
          <div className="splash" role={load.kind === 'error' ? 'alert' : 'status'}>
            <span className="splash__logo" aria-hidden="true">◉</span>
            {load.kind === 'loading' ? (
              <p>{i18n.t('app.loading')}</p>
            ) : (
              <>
                <p>{i18n.t('app.loadError', { msg: load.message })}</p>
                <button type="button" className="btn" onClick={retry}>
                  {i18n.t('app.retry')}
                </button>
              </>
            )}
          </div>
        </I18nContext.Provider>
      )}
    </LiveStoreContext.Provider>
  );
}
