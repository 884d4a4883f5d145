/** Sign-in: large and plain, readable on a wall display and usable with gloves on a tablet. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AuthConfigResponse, SessionInfo } from '../../../contract/auth.ts';
import { messageOf } from '../api/api.client.ts';
import { fetchAuthConfig, login } from '../api/auth.api.ts';
import type { Preferences } from '../hooks/usePreferences.ts';
import { LOCALES } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import type { SignedOutReason } from './useSessionGate.ts';

interface LoginScreenProps {
  reason: SignedOutReason;
  prefs: Preferences;
  onChangePrefs: (patch: Partial<Preferences>) => void;
  onSignedIn: (session: SessionInfo) => void;
}

const LOCALE_NAMES = { en: 'EN', zh: '中文' } as const;

export function LoginScreen({ reason, prefs, onChangePrefs, onSignedIn }: LoginScreenProps) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [config, setConfig] = useState<AuthConfigResponse | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    void fetchAuthConfig(controller.signal).then((c) => {
      if (!controller.signal.aborted) setConfig(c);
    });
    return () => controller.abort();
  }, []);

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    login(username.trim(), password).then(
      (session) => onSignedIn(session),
      (err: unknown) => {
        setPending(false);
        setPassword('');
        setError(messageOf(err));
      },
    );
  }

  return (
    <main className="login">
      <form className="login__card" onSubmit={handleSubmit} aria-labelledby="login-title">
        <div className="login__brand">
          <span className="login__logo" aria-hidden="true">
            ◉
          </span>
          <h1 id="login-title" className="login__title">
            {t('auth.title')}
          </h1>
        </div>
        {reason === 'expired' ? (
          <p className="login__notice" role="alert">
            {t('auth.expired')}
          </p>
        ) : null}
        {reason === 'loggedOut' ? (
          <p className="login__notice login__notice--info" role="status">
            {t('auth.loggedOut')}
          </p>
        ) : null}
        <label className="field field--large">
          <span className="field__label">{t('auth.username')}</span>
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label className="field field--large">
          <span className="field__label">{t('auth.password')}</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error ? (
          <p className="login__error" role="alert" data-testid="login-error">
            {t('auth.failed', { msg: error })}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--large" disabled={pending}>
          {pending ? t('auth.submitting') : t('auth.submit')}
        </button>
        {config?.demo && config.demoAccounts?.length ? (
          <section className="login__demo" aria-label={t('auth.demo')} data-testid="demo-hint">
            <p className="login__demo-title">{t('auth.demo')}</p>
            <ul>
              {config.demoAccounts.map((a) => (
                <li key={a.username}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setUsername(a.username);
                      setPassword(a.password);
                    }}
                  >
                    {a.username}
                  </button>{' '}
                  <span className="login__demo-role">({t(`role.${a.role}`)})</span> <code>{a.password}</code>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <div className="segmented login__locale" role="group" aria-label={t('header.language')}>
          {LOCALES.map((l) => (
            <button key={l} type="button" aria-pressed={prefs.locale === l} onClick={() => onChangePrefs({ locale: l })}>
              {LOCALE_NAMES[l]}
            </button>
          ))}
        </div>
      </form>
    </main>
  );
}
