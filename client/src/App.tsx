/** Session first (login screen or console), then one live connection per signed-in session. */
import { useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../../contract/auth.ts';
import { LoginScreen } from './auth/LoginScreen.tsx';
import { makeSession, SessionContext } from './auth/SessionContext.ts';
import { useSessionGate } from './auth/useSessionGate.ts';
import { Dashboard } from './Dashboard.tsx';
import { useFacility } from './hooks/useFacility.ts';
import { usePreferences, type Preferences } from './hooks/usePreferences.ts';
import { I18nContext, makeI18n, useI18n } from './i18n/I18nContext.ts';
import type { LiveStore } from './live/live.store.ts';
import { connectLive } from './live/live.socket.ts';
import { LiveStoreContext } from './live/useLive.ts';

export function App() {
  const [prefs, setPrefs] = usePreferences();
  const { gate, handleSignedIn, handleLogout, handleVerify, handleRetry } = useSessionGate();
  // Until the facility (and so the site's time zone) is known, the browser's zone will do.
  const i18n = useMemo(() => makeI18n(prefs.locale, Intl.DateTimeFormat().resolvedOptions().timeZone), [prefs.locale]);

  if (gate.kind === 'signedIn') {
    return (
      <I18nContext.Provider value={i18n}>
        <SignedIn
          key={gate.session.user.username}
          session={gate.session}
          prefs={prefs}
          onChangePrefs={setPrefs}
          onLogout={handleLogout}
          onRefused={handleVerify}
        />
      </I18nContext.Provider>
    );
  }
  return (
    <I18nContext.Provider value={i18n}>
      {gate.kind === 'signedOut' ? (
        <LoginScreen reason={gate.reason} prefs={prefs} onChangePrefs={setPrefs} onSignedIn={handleSignedIn} />
      ) : (
        <Splash
          message={gate.kind === 'unreachable' ? i18n.t('auth.unreachable', { msg: gate.message }) : i18n.t('auth.checking')}
          onRetry={gate.kind === 'unreachable' ? handleRetry : undefined}
        />
      )}
    </I18nContext.Provider>
  );
}

interface SignedInProps {
  session: SessionInfo;
  prefs: Preferences;
  onChangePrefs: (patch: Partial<Preferences>) => void;
  onLogout: () => void;
  onRefused: () => void;
}

/** Opens the live connection for this session and closes it on sign-out. */
function SignedIn({ session, prefs, onChangePrefs, onLogout, onRefused }: SignedInProps) {
  const [store, setStore] = useState<LiveStore | null>(null);
  useEffect(() => {
    const connection = connectLive('/', { onRefused });
    setStore(connection.store);
    return () => {
      connection.close();
      setStore(null);
    };
  }, [onRefused]);
  const value = useMemo(() => makeSession(session.user, onLogout), [session.user, onLogout]);
  return (
    <SessionContext.Provider value={value}>
      {store ? (
        <LiveStoreContext.Provider value={store}>
          <FacilityGate store={store} prefs={prefs} onChangePrefs={onChangePrefs} />
        </LiveStoreContext.Provider>
      ) : null}
    </SessionContext.Provider>
  );
}

function FacilityGate({ store, prefs, onChangePrefs }: { store: LiveStore; prefs: Preferences; onChangePrefs: (patch: Partial<Preferences>) => void }) {
  const { t } = useI18n();
  const [load, retry] = useFacility(store);
  if (load.kind === 'ready') return <Dashboard facility={load.facility} prefs={prefs} onChangePrefs={onChangePrefs} />;
  return (
    <Splash
      message={load.kind === 'loading' ? t('app.loading') : t('app.loadError', { msg: load.message })}
      onRetry={load.kind === 'error' ? retry : undefined}
    />
  );
}

function Splash({ message, onRetry }: { message: string; onRetry: (() => void) | undefined }) {
  const { t } = useI18n();
  return (
    <div className="splash" role={onRetry ? 'alert' : 'status'}>
      <span className="splash__logo" aria-hidden="true">
        ◉
      </span>
      <p>{message}</p>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}
