import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { type SignedOutReason, useSession } from '../api/session.tsx';
import { LanguageSwitch } from '../components/language-switch.tsx';
import { describeError } from '../components/states.tsx';
import { type Translate, useI18n } from '../i18n/i18n.tsx';

function loginErrorText(t: Translate, error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return t('login.invalid');
  if (error instanceof ApiError && error.status === 429) return t('login.rateLimited');
  return t('login.failed', { message: describeError(t, error) });
}

/** Operator sign-in; shows why the previous session ended, if it did. */
export function LoginPage({ reason }: { reason: SignedOutReason }) {
  const { login } = useSession();
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(loginErrorText(t, err));
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width="36" height="36" />
          <span>{t('app.name')}</span>
        </div>
        <p className="muted">{t('app.tagline')}</p>
        <h1 id="login-title">{t('login.title')}</h1>
        {reason !== 'none' && (
          <p className="notice" data-testid="login-notice" role="status">
            {t(reason === 'expired' ? 'login.expired' : 'login.loggedOut')}
          </p>
        )}
        <label className="field">
          <span>{t('login.username')}</span>
          <input
            data-testid="login-username"
            name="username"
            autoComplete="username"
            required
            maxLength={64}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={128}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" data-testid="login-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary wide" data-testid="login-submit" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <p className="muted small">{t('login.subtitle')}</p>
      </form>
    </div>
  );
}
