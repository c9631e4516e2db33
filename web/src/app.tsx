import { lazy, Suspense, useEffect } from 'react';
import { homeFor, mayOpen, type Section } from './access.ts';
import { useSession } from './api/session.tsx';
import type { SignedInOperator } from './api/types.ts';
import { Shell } from './components/shell.tsx';
import { ErrorState, Loading } from './components/states.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { Link, navigate, usePath } from './lib/router.tsx';
import { AdminPage } from './pages/admin.tsx';
import { AuditPage } from './pages/audit.tsx';
import { LoginPage } from './pages/login.tsx';
import { MemberPage } from './pages/member.tsx';
import { MembersPage } from './pages/members.tsx';

// The overview carries ECharts; loading it on demand keeps the first load (and login) small.
const OverviewPage = lazy(() => import('./pages/overview.tsx'));

interface Route {
  section: Section | null;
  render: () => React.ReactNode;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The page for a path; null when no page has this path. */
function routeFor(path: string): Route | null {
  const parts = path.split('/').filter(Boolean);
  const [first, second] = parts;
  if (parts.length === 1 && first === 'overview')
    return { section: 'overview', render: () => <OverviewPage /> };
  if (parts.length === 1 && first === 'members') return { section: 'members', render: () => <MembersPage /> };
  if (parts.length === 2 && first === 'members' && second !== undefined) {
    const id = decodeSegment(second);
    return { section: 'members', render: () => <MemberPage key={id} id={id} /> };
  }
  if (parts.length === 1 && first === 'audit') return { section: 'audit', render: () => <AuditPage /> };
  if (parts.length === 1 && first === 'admin') return { section: 'admin', render: () => <AdminPage /> };
  return null;
}

/** Replaces the current history entry once rendered (navigating during render is not allowed). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound({ operator }: { operator: SignedInOperator }) {
  const { t } = useI18n();
  return (
    <div className="page">
      <div className="state state-empty state-page" data-testid="page-empty">
        <p>{t('state.notFound')}</p>
        <Link to={homeFor(operator.role)}>{t('state.backHome')}</Link>
      </div>
    </div>
  );
}

function SignedInApp({ operator }: { operator: SignedInOperator }) {
  const path = usePath();
  if (path === '/' || path === '/login') return <Redirect to={homeFor(operator.role)} />;
  const route = routeFor(path);
  // A page the role may not open sends the operator to their own start page.
  if (route?.section && !mayOpen(operator.role, route.section))
    return <Redirect to={homeFor(operator.role)} />;
  return (
    <Shell current={route?.section ?? null}>
      <Suspense fallback={<Loading />}>{route ? route.render() : <NotFound operator={operator} />}</Suspense>
    </Shell>
  );
}

/** Session gate: checking, login, server unreachable, or the signed-in app. */
export function App() {
  const { state, recheck } = useSession();
  if (state.status === 'checking') return <Loading />;
  if (state.status === 'unreachable')
    return (
      <div className="centered">
        <ErrorState error={state.error} onRetry={recheck} />
      </div>
    );
  if (state.status === 'signedOut') return <LoginPage reason={state.reason} />;
  return <SignedInApp operator={state.operator} />;
}
