import type { ReactNode } from 'react';
import { type Section, sectionsFor } from '../access.ts';
import { useOperator, useSession } from '../api/session.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../lib/router.tsx';
import { LanguageSwitch } from './language-switch.tsx';

const NAV_LABELS: Record<Section, MessageKey> = {
  overview: 'shell.overview',
  members: 'shell.members',
  audit: 'shell.audit',
  admin: 'shell.admin',
};

const NAV_ICONS: Record<Section, string> = {
  overview: 'M3 13h4v8H3zM10 8h4v13h-4zM17 3h4v18h-4z',
  members:
    'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM1 21c0-4 3.6-7 8-7s8 3 8 7M17 4a4 4 0 0 1 0 7M23 21c0-3-2-5.5-5-6.5',
  audit: 'M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5zM8.5 12l2.5 2.5 4.5-5',
  admin:
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1.5-2-3.5-2.4.7a7 7 0 0 0-1.6-1L14.5 4h-5L9 6.7a7 7 0 0 0-1.6 1L5 7 3 10.5 5 12l-2 1.5L5 17l2.4-.7a7 7 0 0 0 1.6 1l.5 2.7h5l.5-2.7a7 7 0 0 0 1.6-1L19 17l2-3.5z',
};

/** The signed-in frame: navigation by role, who is signed in, language, sign-out. */
export function Shell({ current, children }: { current: Section | null; children: ReactNode }) {
  const operator = useOperator();
  const { logout } = useSession();
  const { t } = useI18n();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <aside className="sidebar">
        <div className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>{t('app.name')}</span>
        </div>
        <nav aria-label={t('shell.nav')}>
          <ul>
            {sectionsFor(operator.role).map((section) => (
              <li key={section}>
                <Link
                  to={`/${section}`}
                  data-testid={`nav-${section}`}
                  className={section === current ? 'nav-link active' : 'nav-link'}
                  aria-current={section === current ? 'page' : undefined}
                >
                  <svg viewBox="0 0 24 24" aria-hidden="true" className="nav-icon">
                    <path d={NAV_ICONS[section]} />
                  </svg>
                  {t(NAV_LABELS[section])}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="main-column">
        <header className="topbar">
          <div
            className="current-user"
            data-testid="current-user"
            data-role={operator.role}
            title={t('shell.signedInAs', { username: operator.username })}
          >
            <span className="avatar" aria-hidden="true">
              {operator.username.slice(0, 1).toUpperCase()}
            </span>
            <span>
              <strong>{operator.username}</strong>
              <span className={`role-badge role-${operator.role}`}>{t(`role.${operator.role}`)}</span>
            </span>
          </div>
          <LanguageSwitch />
          <button type="button" className="button secondary" data-testid="logout" onClick={logout}>
            {t('shell.logout')}
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
