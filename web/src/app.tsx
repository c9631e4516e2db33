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

// The overview and the loyalty overview carry ECharts; loading them on demand keeps the first
// load (and login) small. The jobs page and the programme editors (rules, tiers, settings) are
// rarely opened, so they wait for their visit too, with their own texts and styles.
const OverviewPage = lazy(() => import('./pages/overview.tsx'));
const LoyaltyPage = lazy(() => import('./pages/loyalty.tsx'));
const JobsPage = lazy(() => import('./pages/jobs.tsx'));
const RulesPage = lazy(() => import('./pages/rules.tsx'));
const RuleEditorPage = lazy(() => import('./pages/rule-editor.tsx'));
const TiersPage = lazy(() => import('./pages/tiers.tsx'));
const SettingsPage = lazy(() => import('./pages/programme-settings.tsx'));
// The Insights pages (value, segments, clusters) bring ECharts and their own texts and styles.
const ValueOverviewPage = lazy(() => import('./pages/value-overview.tsx'));
const SegmentsPage = lazy(() => import('./pages/segments.tsx'));
const SegmentEditorPage = lazy(() => import('./pages/segment-editor.tsx'));
const ClustersPage = lazy(() => import('./pages/clusters.tsx'));
// The recommendation pages (models with settings and A/B report, similar-items explorer) likewise.
const RecommendModelsPage = lazy(() => import('./pages/recommend-models.tsx'));
const RecommendSimilarPage = lazy(() => import('./pages/recommend-similar.tsx'));
// The risk review pages (queue, case with its reasons chart and links graph) likewise.
const RiskQueuePage = lazy(() => import('./pages/risk-queue.tsx'));
const RiskCasePage = lazy(() => import('./pages/risk-case.tsx'));

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

/** `/loyalty/…`: the overview, rules (list, `new`, one rule), tiers, settings, jobs. */
function loyaltyRoute(parts: string[]): Route | null {
  const [page, id] = parts;
  if (parts.length === 0) return { section: 'loyalty', render: () => <LoyaltyPage /> };
  if (page === 'rules' && parts.length === 1) return { section: 'rules', render: () => <RulesPage /> };
  if (page === 'rules' && parts.length === 2 && id !== undefined) {
    const ruleId = id === 'new' ? null : decodeSegment(id);
    return { section: 'rules', render: () => <RuleEditorPage key={id} id={ruleId} /> };
  }
  if (parts.length > 1) return null;
  if (page === 'tiers') return { section: 'tiers', render: () => <TiersPage /> };
  if (page === 'settings') return { section: 'settings', render: () => <SettingsPage /> };
  if (page === 'jobs') return { section: 'jobs', render: () => <JobsPage /> };
  return null;
}

/**
 * `/insights/…`: the value overview, segments (list, `new`, one segment), clusters, the
 * recommendation models and the similar-items explorer (with or without an item).
 */
function insightsRoute(parts: string[]): Route | null {
  const [page, id] = parts;
  if (page === 'similar' && parts.length <= 2) {
    const itemId = id === undefined ? null : decodeSegment(id);
    return { section: 'similar', render: () => <RecommendSimilarPage itemId={itemId} /> };
  }
  if (page === 'segments' && parts.length === 2 && id !== undefined) {
    const segmentId = id === 'new' ? null : decodeSegment(id);
    return { section: 'segments', render: () => <SegmentEditorPage key={id} id={segmentId} /> };
  }
  if (parts.length !== 1) return null;
  if (page === 'value') return { section: 'value', render: () => <ValueOverviewPage /> };
  if (page === 'segments') return { section: 'segments', render: () => <SegmentsPage /> };
  if (page === 'clusters') return { section: 'clusters', render: () => <ClustersPage /> };
  if (page === 'recommendations') return { section: 'recommend', render: () => <RecommendModelsPage /> };
  return null;
}

/** `/risk`: the review queue; `/risk/cases/{id}`: one case. */
function riskRoute(parts: string[]): Route | null {
  const [page, id] = parts;
  if (parts.length === 0) return { section: 'risk', render: () => <RiskQueuePage /> };
  if (page === 'cases' && parts.length === 2 && id !== undefined) {
    const caseId = decodeSegment(id);
    return { section: 'risk', render: () => <RiskCasePage key={caseId} id={caseId} /> };
  }
  return null;
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
  if (first === 'loyalty') return loyaltyRoute(parts.slice(1));
  if (first === 'insights') return insightsRoute(parts.slice(1));
  if (first === 'risk') return riskRoute(parts.slice(1));
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
