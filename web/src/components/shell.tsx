import type { ReactNode } from 'react';
import { pathOf, type Section, sectionsFor } from '../access.ts';
import { useOperator, useSession } from '../api/session.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../lib/router.tsx';
import { LanguageSwitch } from './language-switch.tsx';

const NAV_LABELS: Record<Section, MessageKey> = {
  overview: 'shell.overview',
  members: 'shell.members',
  loyalty: 'shell.loyaltyOverview',
  rules: 'shell.rules',
  tiers: 'shell.tiers',
  settings: 'shell.settings',
  jobs: 'shell.jobs',
  value: 'shell.value',
  segments: 'shell.segments',
  clusters: 'shell.clusters',
  recommend: 'shell.recommend',
  similar: 'shell.similar',
  risk: 'shell.risk',
  audit: 'shell.audit',
  admin: 'shell.admin',
};

const ICONS = {
  overview: 'M3 13h4v8H3zM10 8h4v13h-4zM17 3h4v18h-4z',
  members:
    'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM1 21c0-4 3.6-7 8-7s8 3 8 7M17 4a4 4 0 0 1 0 7M23 21c0-3-2-5.5-5-6.5',
  loyalty: 'M12 2l3 6.3 6.9.9-5 4.8 1.2 6.9L12 17.6 5.9 20.9 7.1 14 2 9.2l6.9-.9z',
  insights: 'M3 3v18h18M7 15l4-4 3 3 6-7',
  risk: 'M12 3 2 21h20zM12 10v5M12 18h.01',
  audit: 'M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5zM8.5 12l2.5 2.5 4.5-5',
  admin:
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1.5-2-3.5-2.4.7a7 7 0 0 0-1.6-1L14.5 4h-5L9 6.7a7 7 0 0 0-1.6 1L5 7 3 10.5 5 12l-2 1.5L5 17l2.4-.7a7 7 0 0 0 1.6 1l.5 2.7h5l.5-2.7a7 7 0 0 0 1.6-1L19 17l2-3.5z',
} as const;

/** The navigation: single pages, and groups of related pages under a heading. */
type NavEntry =
  | { kind: 'page'; section: Section; icon: keyof typeof ICONS }
  | { kind: 'group'; id: string; label: MessageKey; icon: keyof typeof ICONS; sections: Section[] };

const NAV: readonly NavEntry[] = [
  { kind: 'page', section: 'overview', icon: 'overview' },
  { kind: 'page', section: 'members', icon: 'members' },
  {
    kind: 'group',
    id: 'loyalty',
    label: 'shell.loyalty',
    icon: 'loyalty',
    sections: ['loyalty', 'rules', 'tiers', 'settings', 'jobs'],
  },
  {
    kind: 'group',
    id: 'insights',
    label: 'shell.insights',
    icon: 'insights',
    sections: ['value', 'segments', 'clusters', 'recommend', 'similar'],
  },
  { kind: 'page', section: 'risk', icon: 'risk' },
  { kind: 'page', section: 'audit', icon: 'audit' },
  { kind: 'page', section: 'admin', icon: 'admin' },
];

function NavIcon({ icon }: { icon: keyof typeof ICONS }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="nav-icon">
      <path d={ICONS[icon]} />
    </svg>
  );
}

function NavLink({
  section,
  current,
  icon,
}: {
  section: Section;
  current: Section | null;
  icon?: keyof typeof ICONS;
}) {
  const { t } = useI18n();
  const active = section === current;
  return (
    <Link
      to={pathOf(section)}
      data-testid={`nav-${section}`}
      className={`nav-link${icon ? '' : ' sub'}${active ? ' active' : ''}`}
      aria-current={active ? 'page' : undefined}
    >
      {icon && <NavIcon icon={icon} />}
      {t(NAV_LABELS[section])}
    </Link>
  );
}

function Navigation({ current }: { current: Section | null }) {
  const operator = useOperator();
  const { t } = useI18n();
  const allowed = sectionsFor(operator.role);
  return (
    <nav aria-label={t('shell.nav')}>
      <ul>
        {NAV.map((entry) => {
          if (entry.kind === 'page') {
            if (!allowed.includes(entry.section)) return null;
            return (
              <li key={entry.section}>
                <NavLink section={entry.section} current={current} icon={entry.icon} />
              </li>
            );
          }
          const sections = entry.sections.filter((s) => allowed.includes(s));
          if (sections.length === 0) return null;
          const headingId = `nav-group-${entry.id}`;
          return (
            <li key={entry.id} className="nav-group" data-testid={headingId}>
              <span className="nav-group-label" id={headingId}>
                <NavIcon icon={entry.icon} />
                {t(entry.label)}
              </span>
              <ul aria-labelledby={headingId}>
                {sections.map((section) => (
                  <li key={section}>
                    <NavLink section={section} current={current} />
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

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
        <Navigation current={current} />
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
